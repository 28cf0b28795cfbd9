package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sync"

	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// /graphql serves two APIs, as Twenty's server did before it moved its own to /metadata: the
// operations of the schema also served on /metadata (auth's: signUp, currentUser, API keys, …;
// and the objects and fields of the metadata API) and the workspace's data API (people,
// createPerson, …), which the records Worker generates from the workspace's metadata and
// executes next to its engine (the records GraphQL RPC). Which one a request is for is read from
// its operation's root fields: all of them the /metadata schema's, it is that schema's; any other
// (and introspection) makes it a data request.

// dataGraphQL serves /graphql: requests for the /metadata schema's operations go to it (the
// handler metadata); the others, which need an ACCESS or API_KEY token of a workspace, to the
// records Worker.
func (g *gateway) dataGraphQL(metadata *graphql.Schema) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, body, ok := readGraphQLRequest(w, r)
		if !ok {
			return
		}
		if r.Method == http.MethodPost {
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		route := g.routes.route(metadata, req)
		if !route.data {
			metadata.ServeHTTP(w, r) // it also answers the documents that do not parse
			return
		}
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			metadata.ServeHTTP(w, r) // 405
			return
		}
		c := principalFrom(r.Context())
		if err := dataAPICaller(c); err != nil {
			graphql.WriteResponse(w, http.StatusOK, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(err.gqlCode, err.message)}})
			return
		}
		if r.Method == http.MethodGet {
			if route.mutation {
				w.Header().Set("Allow", "POST")
				graphql.WriteResponse(w, http.StatusMethodNotAllowed, &graphql.Response{Errors: []*graphql.Error{
					graphql.NewError(graphql.CodeBadRequest, "Can only perform a mutation operation from a POST request.")}})
				return
			}
			var err error
			if body, err = json.Marshal(req); err != nil {
				graphql.WriteResponse(w, http.StatusInternalServerError, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeInternal, "Internal server error")}})
				return
			}
		}
		res, err := g.records.GraphQL(r.Context(), &recordsv1.GraphQLRequest{WorkspaceId: c.WorkspaceID, Actor: actorOf(c), BodyJson: body})
		if err != nil {
			if isUnavailable(err) { // unavailable.go
				writeUnavailableGraphQL(w)
				return
			}
			e := graphql.NewError(graphql.CodeInternal, "Internal server error")
			if ge, ok := errors.AsType[*graphql.Error](gqlError(err)); ok {
				e = ge
			}
			graphql.WriteResponse(w, http.StatusOK, &graphql.Response{Errors: []*graphql.Error{e}})
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(res.GetBodyJson())
	})
}

// graphQLRoute is where /graphql sends a document: to the records Worker's data API (data), or
// to the /metadata schema (its operations, and documents that do not parse to one operation);
// mutation tells a GET that would run a mutation.
type graphQLRoute struct{ data, mutation bool }

// routeCache remembers the routes of recent documents. Clients send the same few documents over
// and over, and parsing one was most of the gateway's own work on a GraphQL request. Documents
// past maxRoutedDocumentBytes are parsed every time; the cache starts afresh past
// maxRoutedBytes.
type routeCache struct {
	mu     sync.Mutex
	routes map[string]graphQLRoute
	bytes  int
}

const (
	maxRoutedDocumentBytes = 16 << 10
	maxRoutedBytes         = 1 << 20
)

func (c *routeCache) route(metadata *graphql.Schema, req graphql.Request) graphQLRoute {
	key := req.OperationName + "\x00" + req.Query
	if len(key) > maxRoutedDocumentBytes {
		return routeOf(metadata, req)
	}
	c.mu.Lock()
	rt, ok := c.routes[key]
	c.mu.Unlock()
	if ok {
		return rt
	}
	rt = routeOf(metadata, req)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.routes == nil || c.bytes+len(key) > maxRoutedBytes {
		c.routes, c.bytes = map[string]graphQLRoute{}, 0
	}
	c.routes[key] = rt
	c.bytes += len(key)
	return rt
}

// routeOf parses req's document to route it.
func routeOf(metadata *graphql.Schema, req graphql.Request) graphQLRoute {
	op := operationOf(req)
	if op == nil || isMetadataOperation(metadata, op) {
		return graphQLRoute{}
	}
	return graphQLRoute{data: true, mutation: op.Operation == ast.Mutation}
}

// dataAPICaller checks that the caller may use a workspace's data: a user ACCESS or an API_KEY
// token, as the record APIs require (recordAPIAuth).
func dataAPICaller(c *authtoken.Claims) *authFailure {
	switch {
	case c == nil:
		return errNoToken
	case c.Type == authtoken.TypeAccess || c.Type == authtoken.TypeAPIKey:
		return nil
	case c.Type == authtoken.TypeWorkspaceAgnostic:
		return errAgnosticOnData
	}
	return errNotAPIToken
}

// readGraphQLRequest reads the request's query and operation name from the JSON body of a POST
// (answered as well, for the handler that serves it), or those and the variables from the URL of
// a GET. A body
// that cannot be read answers here; one that is not a GraphQL request is left to the /metadata
// schema's handler,
// which answers Twenty's errors for it (an empty request, with no operation).
func readGraphQLRequest(w http.ResponseWriter, r *http.Request) (graphql.Request, []byte, bool) {
	var req graphql.Request
	switch r.Method {
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, graphql.DefaultMaxBodyBytes))
		if err != nil {
			status := http.StatusBadRequest
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				status = http.StatusRequestEntityTooLarge
			}
			graphql.WriteResponse(w, status, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest, "The request body could not be read.")}})
			return req, nil, false
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
			if e := graphql.CheckJSON(body); e != nil {
				graphql.WriteResponse(w, http.StatusBadRequest, &graphql.Response{Errors: []*graphql.Error{e}})
				return req, nil, false
			}
			// Routing needs the document and the operation's name; the variables go on in body
			// untouched, so they are not decoded here.
			var routed struct {
				Query         string `json:"query"`
				OperationName string `json:"operationName"`
			}
			_ = json.Unmarshal(body, &routed)
			req.Query, req.OperationName = routed.Query, routed.OperationName
		}
		return req, body, true
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" && graphql.CheckJSON([]byte(v)) == nil {
			_ = json.Unmarshal([]byte(v), &req.Variables)
		}
	}
	return req, nil, true
}

// operationOf parses the request's document and answers the operation it runs: the one named,
// or the only one; nil when there is none (a document that does not parse included).
func operationOf(req graphql.Request) *ast.OperationDefinition {
	if req.Query == "" {
		return nil
	}
	doc, err := graphql.ParseQuery(req.Query, graphql.DefaultMaxTokens)
	if err != nil {
		return nil
	}
	op := doc.Operations.ForName(req.OperationName)
	if req.OperationName == "" {
		op = nil
		if len(doc.Operations) == 1 {
			op = doc.Operations[0]
		}
	}
	if op == nil {
		return nil
	}
	expanded := *op
	expanded.SelectionSet = expandFragments(doc, op.SelectionSet, map[string]bool{})
	return &expanded
}

// isMetadataOperation reports whether every root field of op (fragments expanded, __typename
// aside) is one of the /metadata schema's: introspection and the workspace's fields are the data
// API's.
func isMetadataOperation(metadata *graphql.Schema, op *ast.OperationDefinition) bool {
	if op.Operation != ast.Query && op.Operation != ast.Mutation {
		return true // a subscription, which the /metadata schema's handler refuses
	}
	names := rootFieldNames(op.SelectionSet)
	for _, n := range names {
		if n != "__typename" && !metadata.IsRootField(op.Operation, n) {
			return false
		}
	}
	return true
}

// rootFieldNames lists the names of the fields of a root selection set whose fragments are
// expanded.
func rootFieldNames(set ast.SelectionSet) []string {
	var out []string
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			out = append(out, sel.Name)
		case *ast.InlineFragment:
			out = append(out, rootFieldNames(sel.SelectionSet)...)
		}
	}
	return out
}

// expandFragments replaces the fragment spreads of a root selection set by their fragments'
// selections (each fragment once; unknown fragments dropped, for validation to report).
func expandFragments(doc *ast.QueryDocument, set ast.SelectionSet, seen map[string]bool) ast.SelectionSet {
	var out ast.SelectionSet
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.FragmentSpread:
			if f := doc.Fragments.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, expandFragments(doc, f.SelectionSet, seen)...)
			}
		case *ast.InlineFragment:
			out = append(out, &ast.InlineFragment{TypeCondition: s.TypeCondition, SelectionSet: expandFragments(doc, s.SelectionSet, seen)})
		default:
			out = append(out, sel)
		}
	}
	return out
}
