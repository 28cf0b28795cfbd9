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
	"github.com/twentyworkers/twenty/shared/eventsub"
	"github.com/twentyworkers/twenty/shared/graphql"
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

// streamInfo is what the room knows of a stream: the subscription and its owner.
type streamInfo struct {
	eventsub.Subscription
	UserWorkspaceID string `json:"userWorkspaceId,omitempty"`
	APIKeyID        string `json:"apiKeyId,omitempty"`
	UserID          string `json:"userId,omitempty"`
	// Protocol is "graphql-transport-ws" for a WebSocket, empty for graphql-sse.
	Protocol string `json:"protocol,omitempty"`
	// View is what the caller's role may not read, which the stream leaves out (eventstreamview.go).
	View *eventsub.View `json:"view,omitempty"`
}

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
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			g.graphqlWebSocket(w, r)
			return
		}
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

// wsProtocol is graphql-ws's subprotocol; Twenty has no WebSocket API, this one is ours.
const wsProtocol = "graphql-transport-ws"

// graphqlWebSocket hands a graphql-ws WebSocket on /metadata to the workspace's room. The caller
// authenticates on the upgrade (Authorization: Bearer, as on every call); the room serves the
// protocol and has the realtime Worker read each subscription (eventsub.Parse).
func (g *gateway) graphqlWebSocket(w http.ResponseWriter, r *http.Request) {
	offered := false
	for _, p := range strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",") {
		offered = offered || strings.TrimSpace(p) == wsProtocol
	}
	if !offered {
		writeError(w, http.StatusBadRequest, "", "Expected the graphql-transport-ws WebSocket subprotocol")
		return
	}
	c, ws, gerr := g.streamCaller(r)
	if gerr != nil {
		status := http.StatusUnauthorized
		if gerr.Code() == graphql.CodeForbidden {
			status = http.StatusForbidden
		}
		writeError(w, status, "", gerr.Message)
		return
	}
	info := &streamInfo{UserID: c.UserID, Protocol: wsProtocol}
	if info.View, gerr = g.streamView(r.Context(), c, ws); gerr == nil {
		gerr = g.listenRealtime(withClaims(r.Context(), c), ws) // eventstreamlistener.go
	}
	if gerr != nil {
		status := http.StatusInternalServerError
		if gerr.Code() == graphql.UnavailableError().Code() {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", graphql.RetryAfter)
		}
		writeError(w, status, "", gerr.Message)
		return
	}
	if c.Type == authtoken.TypeAPIKey {
		info.APIKeyID = c.ID
	} else {
		info.UserWorkspaceID = c.UserWorkspaceID
	}
	b, err := json.Marshal(info)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "Internal server error")
		return
	}
	w.Header().Set(forwardHeader, "REALTIME")
	w.Header().Set(roomHeader, ws)
	w.Header().Set(streamHeader, string(b))
	w.WriteHeader(http.StatusOK)
}

// streamCaller authenticates an event stream's caller: a member's access token or an API key.
func (g *gateway) streamCaller(r *http.Request) (*authtoken.Claims, string, *graphql.Error) {
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
	return c, c.WorkspaceID, nil
}

// subscription authenticates r and reads its subscription operation, answering the stream's
// identity and the workspace (its room).
func (g *gateway) subscription(r *http.Request) (*streamInfo, string, *graphql.Error) {
	c, ws, gerr := g.streamCaller(r)
	if gerr != nil {
		return nil, "", gerr
	}
	req, gerr := readSubscriptionRequest(r)
	if gerr != nil {
		return nil, "", gerr
	}
	sub, gerr := eventsub.Parse(req)
	if gerr != nil {
		return nil, "", gerr
	}
	info := &streamInfo{Subscription: *sub, UserID: c.UserID}
	if c.Type == authtoken.TypeAPIKey {
		info.APIKeyID = c.ID
	} else {
		info.UserWorkspaceID = c.UserWorkspaceID
	}
	if info.View, gerr = g.streamView(r.Context(), c, ws); gerr != nil {
		return nil, "", gerr
	}
	if gerr = g.listenRealtime(withClaims(r.Context(), c), ws); gerr != nil { // eventstreamlistener.go
		return nil, "", gerr
	}
	return info, ws, nil
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
