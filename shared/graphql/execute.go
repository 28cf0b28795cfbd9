package graphql

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// Request is a GraphQL request as clients send it in a JSON body.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// Response is the result of a request. Its JSON encoding (MarshalJSON) has "errors" when there are
// any, and "data" once execution started, null when an error reached the root. Execution does not
// start when the document does not parse or validate, breaks a limit, names no operation or has
// variables that do not fit; "data" is then absent, as the spec asks.
type Response struct {
	// Data holds the result objects, keys in selection order; it implements json.Marshaler. It is
	// nil when execution did not start or an error reached the root.
	Data   any
	Errors []*Error

	executed bool
	status   int // the HTTP status for a request that was not executed
}

// Execute runs a query or mutation. It never fails: every problem is an Error in the Response.
func (s *Schema) Execute(ctx context.Context, req Request) *Response {
	return s.execute(ctx, req, true)
}

func rejected(status int, errs ...*Error) *Response {
	return &Response{Errors: errs, status: status}
}

// execute runs req; mutations only when allowMutation (not over GET).
func (s *Schema) execute(ctx context.Context, req Request, allowMutation bool) *Response {
	if req.Query == "" {
		return rejected(http.StatusBadRequest, NewError(CodeBadRequest, "GraphQL operations must contain a non-empty `query`."))
	}
	if limit := s.cfg.maxDocumentBytes; limit > 0 && len(req.Query) > limit {
		return rejected(http.StatusBadRequest, NewError(CodeValidationFailed,
			fmt.Sprintf("The document is %d bytes long, more than the maximum of %d.", len(req.Query), limit)))
	}
	d := s.load(req.Query)
	if len(d.errs) > 0 {
		return rejected(http.StatusBadRequest, d.errs...)
	}
	op, err := d.operation(req.OperationName)
	if err != nil {
		return rejected(http.StatusBadRequest, err)
	}
	switch {
	case op.Operation == ast.Subscription:
		return rejected(http.StatusBadRequest, NewError(CodeBadRequest, "Subscriptions are not supported."))
	case op.Operation == ast.Mutation && !allowMutation:
		return rejected(http.StatusMethodNotAllowed, NewError(CodeBadRequest, "Can only perform a mutation operation from a POST request."))
	}
	vars, errs := s.coerceVariables(op, req.Variables)
	if len(errs) > 0 {
		return rejected(http.StatusBadRequest, errs...)
	}
	return s.run(ctx, &request{s: s, doc: d, vars: vars}, op)
}

// operation returns the operation to run: the one named name, or the only one.
func (d *document) operation(name string) (*ast.OperationDefinition, *Error) {
	if name == "" {
		if len(d.doc.Operations) != 1 {
			return nil, NewError(CodeOperationResolutionFailure, "Must provide operation name if query contains multiple operations.")
		}
		return d.doc.Operations[0], nil
	}
	if op := d.doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	return nil, NewError(CodeOperationResolutionFailure, fmt.Sprintf("Unknown operation named %q.", name))
}

// request is what the execution of one request shares between goroutines; it is not modified.
type request struct {
	s    *Schema
	doc  *document
	vars map[string]any
}

// rootValue stands for the root object, whose fields are the resolvers and introspection.
type rootValue struct{}

// run executes op: mutation fields one after another in document order, query fields concurrently.
func (s *Schema) run(ctx context.Context, r *request, op *ast.OperationDefinition) *Response {
	root := s.schema.Query
	if op.Operation == ast.Mutation {
		root = s.schema.Mutation
	}
	groups := r.collect(root, op.SelectionSet, nil)
	results := make(object, len(groups))
	walkers := make([]walker, len(groups))
	bubbled := make([]*Error, len(groups))
	exec := func(i int) {
		w := &walkers[i]
		w.request = r
		g := groups[i]
		p := &path{key: g.key}
		results[i] = member{key: g.key}
		// Resolvers' panics are recovered where they are called; this catches the executor's own, which
		// would otherwise end the process from a goroutine no handler can recover.
		defer func() {
			if v := recover(); v != nil {
				slog.ErrorContext(ctx, "graphql: execution panicked", "field", root.Name+"."+g.fields[0].Name,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if err := w.internalError(g, p); g.def != nil && !g.def.Type.NonNull {
					w.errs = append(w.errs, err)
				} else {
					bubbled[i] = err
				}
			}
		}()
		v, err := w.executeField(ctx, root, rootValue{}, g, p)
		results[i].value, bubbled[i] = v, err
	}
	if op.Operation == ast.Mutation || len(groups) == 1 {
		for i := range groups {
			exec(i)
			if bubbled[i] != nil {
				break // a non-null root field failed: data is null, run no further mutation
			}
		}
	} else {
		var wg sync.WaitGroup
		for i := range groups {
			wg.Go(func() { exec(i) })
		}
		wg.Wait()
	}
	resp := &Response{Data: results, executed: true}
	for i := range groups {
		resp.Errors = append(resp.Errors, walkers[i].errs...)
		if bubbled[i] != nil {
			resp.Errors = append(resp.Errors, bubbled[i])
			resp.Data = nil
		}
	}
	return resp
}

// walker executes one root field and everything below it. Each goroutine has its own.
type walker struct {
	*request
	errs []*Error
	// subfields memoizes collectSubfields, which every item of a list would otherwise repeat.
	subfields map[subfieldsKey][]*fieldGroup
	// args memoizes the arguments of fields resolved by Objects.
	args map[*ast.Field]map[string]any
}

type subfieldsKey struct {
	g *fieldGroup
	t *ast.Definition
}

// path is a response path, built as a linked list and turned into a slice only for errors.
type path struct {
	parent *path
	key    string // field response key, or "" for a list index
	index  int
}

func (p *path) slice() []any {
	n := 0
	for q := p; q != nil; q = q.parent {
		n++
	}
	out := make([]any, n)
	for q := p; q != nil; q = q.parent {
		n--
		if q.key != "" {
			out[n] = q.key
		} else {
			out[n] = q.index
		}
	}
	return out
}

// executeField resolves the field g of parent, an object of type parentType, and completes the
// value. A failure in a nullable field is recorded and the field is null; in a non-null field it is
// returned, for the parent to become null in turn.
func (w *walker) executeField(ctx context.Context, parentType *ast.Definition, parent any, g *fieldGroup, p *path) (any, *Error) {
	if g.def == nil {
		return parentType.Name, nil // __typename
	}
	v, ferr := w.resolve(ctx, parentType, parent, g, p)
	var out any
	if ferr == nil {
		out, ferr = w.complete(ctx, g.def.Type, parentType, g, v, p)
	}
	if ferr != nil {
		if g.def.Type.NonNull {
			return nil, ferr
		}
		w.errs = append(w.errs, ferr)
		return nil, nil
	}
	return out, nil
}

// resolve returns the raw value of field g of parent.
func (w *walker) resolve(ctx context.Context, parentType *ast.Definition, parent any, g *fieldGroup, p *path) (v any, ferr *Error) {
	name := g.def.Name
	if m, ok := parent.(map[string]any); ok {
		return m[name], nil
	}
	defer func() {
		if r := recover(); r != nil {
			slog.ErrorContext(ctx, "graphql: resolver panicked", "field", parentType.Name+"."+name,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			v, ferr = nil, w.internalError(g, p)
		}
	}()
	var err error
	switch parent := parent.(type) {
	case Object:
		args, ierr := w.fieldArgs(g)
		if ierr != nil {
			return nil, w.fieldError(NewError(CodeBadUserInput, ierr.msg), g, p)
		}
		v, err = parent.Field(ctx, name, args)
	case rootValue:
		v, err = w.resolveRoot(ctx, g)
	default:
		err = fmt.Errorf("a %T cannot hold fields", parent) // complete checked the kind
	}
	if err != nil {
		var gerr *Error
		if errors.As(err, &gerr) {
			return nil, w.fieldError(gerr, g, p)
		}
		if isUnavailable(err) { // unavailable.go
			slog.WarnContext(ctx, "graphql: resolver met an unavailable dependency", "field", parentType.Name+"."+name, "error", err)
			return nil, w.fieldError(errUnavailable, g, p)
		}
		slog.ErrorContext(ctx, "graphql: resolver failed", "field", parentType.Name+"."+name, "error", err)
		return nil, w.internalError(g, p)
	}
	return v, nil
}

// resolveRoot calls the resolver of root field g, or answers introspection.
func (w *walker) resolveRoot(ctx context.Context, g *fieldGroup) (any, error) {
	args, ierr := w.s.coerceArguments(g.def.Arguments, g.fields[0].Arguments, w.vars)
	if ierr != nil {
		return nil, NewError(CodeBadUserInput, ierr.msg)
	}
	switch g.def.Name {
	case "__schema":
		return schemaIntro{w.s}, nil
	case "__type":
		name, _ := args["name"].(string)
		if def := w.s.schema.Types[name]; def != nil {
			return typeIntro{s: w.s, def: def}, nil
		}
		return nil, nil
	}
	ctx = context.WithValue(ctx, selectionKey{}, &selection{r: w.request, g: g})
	return w.s.resolvers[g.def](ctx, args)
}

// fieldArgs returns the coerced arguments of g, memoized: every item of a list asks again.
func (w *walker) fieldArgs(g *fieldGroup) (map[string]any, *inputError) {
	if len(g.def.Arguments) == 0 {
		return nil, nil
	}
	f := g.fields[0]
	if args, ok := w.args[f]; ok {
		return args, nil
	}
	args, err := w.s.coerceArguments(g.def.Arguments, f.Arguments, w.vars)
	if err != nil {
		return nil, err
	}
	if w.args == nil {
		w.args = make(map[*ast.Field]map[string]any)
	}
	w.args[f] = args
	return args, nil
}

// fieldError returns a copy of e located at field g and path p.
func (w *walker) fieldError(e *Error, g *fieldGroup, p *path) *Error {
	out := *e
	out.Path = p.slice()
	out.Locations = make([]Location, 0, len(g.fields))
	for _, f := range g.fields {
		if f.Position != nil {
			out.Locations = append(out.Locations, Location{Line: f.Position.Line, Column: f.Position.Column})
		}
	}
	return &out
}

// internalError is what the client sees of a failure it should not know the details of.
func (w *walker) internalError(g *fieldGroup, p *path) *Error {
	return w.fieldError(NewError(CodeInternal, "Internal server error"), g, p)
}
