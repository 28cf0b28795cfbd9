package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// Twenty's web app keeps its lists live through a GraphQL subscription on /metadata over
// graphql-sse in its distinct connections mode (SSEClientEffect.tsx): a POST with Accept:
// text/event-stream whose body is the subscription, answered by a stream of "next" messages.
// The gateway authenticates the caller and reads the operation; the stream itself is held by the
// workspace's room (the realtime Worker's Durable Object), to which the JS glue forwards the
// request with the stream's identity (streamHeader). Go never holds the connection.

// streamHeader carries the stream's identity to the room: set only here, after authentication
// (the glue drops any X-Twenty-* header a client sends).
const streamHeader = "X-Twenty-Stream"

// maxSubscriptionBody bounds a subscription request's body.
const maxSubscriptionBody = 64 << 10

// streamInfo is what the room knows of a stream.
type streamInfo struct {
	EventStreamID   string `json:"eventStreamId"`
	UserWorkspaceID string `json:"userWorkspaceId,omitempty"`
	APIKeyID        string `json:"apiKeyId,omitempty"`
	UserID          string `json:"userId,omitempty"`
	// ResponseKey is the subscription field's response key (its alias, else its name).
	ResponseKey string `json:"responseKey"`
	// DBEvent is the legacy onDbEvent's input (action, objectNameSingular, recordId), set for
	// that subscription only.
	DBEvent map[string]any `json:"dbEvent,omitempty"`
}

// subscriptionSchema validates subscription documents: the realtime types on the scalars they
// use. Query and Mutation are placeholders; only subscriptions are served here.
var subscriptionSchema = gqlparser.MustLoadSchema(&ast.Source{Name: "subscriptions", Input: `
scalar JSON
scalar DateTime
scalar UUID
type Query { ok: Boolean }
type Mutation { ok: Boolean }
` + realtimeSDL})

// wantsEventStream reports whether r asks for an SSE response (graphql-sse sends
// Accept: text/event-stream).
func wantsEventStream(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part)); mt == "text/event-stream" {
			return true
		}
	}
	return false
}

// eventStream serves subscriptions on /metadata; every other request goes to next.
func (g *gateway) eventStream(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !wantsEventStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		info, ws, gerr := g.subscription(r)
		if gerr != nil {
			writeStreamError(w, gerr)
			return
		}
		b, err := json.Marshal(info)
		if err != nil {
			writeStreamError(w, graphql.NewError("INTERNAL_SERVER_ERROR", "Internal server error"))
			return
		}
		w.Header().Set(forwardHeader, "REALTIME")
		w.Header().Set(roomHeader, ws)
		w.Header().Set(streamHeader, string(b))
		w.WriteHeader(http.StatusOK)
	})
}

// subscription authenticates r and reads its subscription operation, answering the stream's
// identity and the workspace (its room).
func (g *gateway) subscription(r *http.Request) (*streamInfo, string, *graphql.Error) {
	token, ok := bearer(r)
	if !ok {
		return nil, "", errMetadataNoToken
	}
	c, err := g.tokens.verify(r.Context(), token)
	if err != nil {
		var f *authFailure
		if errors.As(err, &f) {
			return nil, "", graphql.NewError(f.gqlCode, f.message)
		}
		return nil, "", graphql.NewError("INTERNAL_SERVER_ERROR", "Internal server error")
	}
	switch {
	case c.Type == authtoken.TypeWorkspaceAgnostic || c.WorkspaceID == "":
		return nil, "", errMetadataNoWorkspace
	case c.Type != authtoken.TypeAccess && c.Type != authtoken.TypeAPIKey:
		return nil, "", errMetadataNotAPIToken
	}
	req, gerr := readSubscriptionRequest(r)
	if gerr != nil {
		return nil, "", gerr
	}
	doc, errs := gqlparser.LoadQuery(subscriptionSchema, req.Query)
	if len(errs) > 0 {
		return nil, "", graphql.NewError(graphql.CodeValidationFailed, errs[0].Message)
	}
	var op *ast.OperationDefinition
	if req.OperationName != "" {
		op = doc.Operations.ForName(req.OperationName)
	} else if len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op == nil {
		return nil, "", graphql.NewError(graphql.CodeOperationResolutionFailure, "Must provide operation name if query contains multiple operations.")
	}
	if op.Operation != ast.Subscription {
		return nil, "", graphql.NewError(graphql.CodeBadRequest, "Only subscriptions are served as an event stream; send queries and mutations as JSON.")
	}
	vars, verr := validator.VariableValues(subscriptionSchema, op, req.Variables)
	if verr != nil {
		return nil, "", graphql.NewError(graphql.CodeBadUserInput, verr.Error())
	}
	field, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || len(op.SelectionSet) != 1 {
		return nil, "", graphql.NewError(graphql.CodeValidationFailed, "A subscription selects exactly one field.")
	}
	args := field.ArgumentMap(vars)
	info := &streamInfo{ResponseKey: field.Alias, UserID: c.UserID}
	if c.Type == authtoken.TypeAPIKey {
		info.APIKeyID = c.ID
	} else {
		info.UserWorkspaceID = c.UserWorkspaceID
	}
	switch field.Name {
	case "onEventSubscription":
		id, _ := args["eventStreamId"].(string)
		if id == "" || len(id) > 128 {
			return nil, "", graphql.NewError(graphql.CodeBadUserInput, "eventStreamId must be a non-empty string of at most 128 characters")
		}
		info.EventStreamID = id
	case "onDbEvent":
		in, _ := args["input"].(map[string]any)
		info.DBEvent = map[string]any{}
		for _, k := range []string{"action", "objectNameSingular", "recordId"} {
			if v, ok := in[k].(string); ok {
				info.DBEvent[k] = v
			}
		}
		info.EventStreamID = "db-" + ids.NewUUID() // one stream per connection
	default:
		return nil, "", graphql.NewError(graphql.CodeValidationFailed, fmt.Sprintf("Unknown subscription %q.", field.Name))
	}
	return info, c.WorkspaceID, nil
}

// readSubscriptionRequest reads a graphql-sse request: a JSON body on POST, URL parameters on
// GET (graphql-sse's GET form: query, operationName, variables as JSON).
func readSubscriptionRequest(r *http.Request) (graphql.Request, *graphql.Error) {
	var req graphql.Request
	switch r.Method {
	case http.MethodPost:
		b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxSubscriptionBody))
		if err != nil {
			return req, graphql.NewError(graphql.CodeBadRequest, "The request body could not be read.")
		}
		if e := graphql.CheckJSON(b); e != nil {
			return req, e
		}
		if err := json.Unmarshal(b, &req); err != nil {
			return req, graphql.NewError(graphql.CodeBadRequest, "The request body must be a JSON object with a string \"query\".")
		}
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				return req, graphql.NewError(graphql.CodeBadRequest, "The variables URL parameter must be a JSON object.")
			}
		}
	default:
		return req, graphql.NewError(graphql.CodeMethodNotAllowed, "Event streams are served over GET and POST only.")
	}
	if req.Query == "" {
		return req, graphql.NewError(graphql.CodeBadRequest, "GraphQL operations must contain a non-empty `query`.")
	}
	return req, nil
}

// writeStreamError answers a refused subscription as graphql-sse reads a failed operation: one
// "next" message with the error, then "complete".
func writeStreamError(w http.ResponseWriter, e *graphql.Error) {
	b, err := json.Marshal(graphql.Response{Errors: []*graphql.Error{e}})
	if err != nil {
		b = []byte(`{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "event: next\ndata: %s\n\nevent: complete\ndata:\n\n", b)
}
