// Package graphql is a small GraphQL server for schemas known only at run time: the schema comes as
// SDL, resolvers are registered per root field, and whatever a resolver returns (maps, slices,
// scalars, lazily computed Objects) is projected through the client's selection set.
//
// Parsing and validation are github.com/vektah/gqlparser/v2's; execution, value coercion,
// introspection and the HTTP transport are here. It serves Twenty's /metadata and /graphql
// endpoints, whose clients expect Apollo Server's error codes (see the Code constants).
//
// A Schema is immutable and safe for concurrent use. Parsed and validated documents are cached by
// query text, so the same query sent again costs only its execution.
package graphql

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// Resolver computes a root field (a field of Query or Mutation) from its arguments.
//
// args holds every argument the client gave or the schema defaults, coerced to plain Go values:
// Int is int64, Float is float64, String, ID, enum values and custom scalars given as strings are
// string, Boolean is bool, lists are []any, input objects are map[string]any and custom scalars are
// their JSON value. An argument that was neither given nor defaulted is absent; one given as null is
// present with value nil. Resolvers must not modify args.
//
// The result is projected through the field's selection set. It may be nil; a bool, string, any
// Go integer or float; a time.Time (serialized as an RFC 3339 string with nanoseconds); a
// map[string]any, whose keys are field names, or an Object for an object; a slice ([]any,
// []map[string]any or any other slice type) for a list, where a nil slice is an empty list. For a
// field of interface or union type, the object's "__typename" field names its concrete type.
// A custom scalar's value is sent as its JSON encoding.
//
// An error that is or wraps an *Error reaches the client with its message and extensions; any
// other error is logged and the client gets "Internal server error".
type Resolver func(ctx context.Context, args map[string]any) (any, error)

// Object is an object whose fields are computed on demand, for data too costly to compute when
// nobody selected it (relations, counts) and for fields that take arguments. Field is called once
// for each selected field (never for "__typename" unless the object stands for an interface or
// union), with the field's arguments as described for Resolver. Its result and error follow
// Resolver's rules.
type Object interface {
	Field(ctx context.Context, name string, args map[string]any) (any, error)
}

// Defaults for the limits, chosen like Twenty's (GRAPHQL_MAX_ROOT_RESOLVERS=20, GRAPHQL_MAX_FIELDS=2000).
const (
	DefaultMaxDepth         = 15
	DefaultMaxRootFields    = 20
	DefaultMaxFields        = 2000
	DefaultMaxDocumentBytes = 100 << 10
	DefaultMaxTokens        = 15000
	DefaultMaxBodyBytes     = 1 << 20
	DefaultCacheSize        = 256
)

// cacheBytesPerEntry is the average query text allowed per cache entry.
const cacheBytesPerEntry = 2 << 10

// Schema is a parsed and validated schema with a resolver for every root field. It is immutable
// and safe for concurrent use.
type Schema struct {
	schema    *ast.Schema
	resolvers map[*ast.FieldDefinition]Resolver
	// possible maps an interface or union to the set of its object types.
	possible map[string]map[string]bool
	rules    *rules.Rules
	cfg      config
	cache    *docCache
}

type config struct {
	maxDepth, maxRootFields, maxFields, maxDocumentBytes, maxTokens, cacheSize int
	maxBodyBytes                                                               int64
}

// Option changes a limit of a Schema. A limit of 0 or less means no limit.
type Option func(*config)

// WithMaxDepth limits how deeply fields nest, counting fragments as if inlined and the root fields
// as depth 1 (default 15). Introspection fields ("__schema", "__type") are not counted: their
// depth is bounded by a validation rule of their own.
func WithMaxDepth(n int) Option { return func(c *config) { c.maxDepth = n } }

// WithMaxRootFields limits the root fields of an operation, counting those in fragments spread at
// the root (default 20).
func WithMaxRootFields(n int) Option { return func(c *config) { c.maxRootFields = n } }

// WithMaxFields limits the fields and fragment spreads written in a document (default 2000). It
// bounds the cost of validation, which is checked after it.
func WithMaxFields(n int) Option { return func(c *config) { c.maxFields = n } }

// WithMaxDocumentBytes limits the length of the query document (default 100 KiB).
func WithMaxDocumentBytes(n int) Option { return func(c *config) { c.maxDocumentBytes = n } }

// WithMaxTokens limits the lexical tokens of the query document (default 15,000), which bounds
// the parser's work on pathological documents such as deeply nested lists.
func WithMaxTokens(n int) Option { return func(c *config) { c.maxTokens = n } }

// WithMaxBodyBytes limits the HTTP request body, query and variables together; a larger body gets
// status 413 (default 1 MiB).
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBodyBytes = n } }

// WithCacheSize sets how many parsed and validated documents are kept (default 256; 0 disables the
// cache). The cache also holds at most 2 KiB of query text per entry on average (512 KiB by
// default). A syntax tree takes 15 to 25 times the memory of its text, so the default cache of a
// Schema takes up to about 10 MiB: lower it when an isolate keeps many schemas (one per workspace).
func WithCacheSize(n int) Option { return func(c *config) { c.cacheSize = n } }

// NewSchema parses and validates sdl and binds resolvers to root fields. Keys of resolvers name a
// root field as "Query.currentUser" or "Mutation.signUp" (the root type's name as in the schema).
// It fails if the SDL is invalid, if a key names no root field of Query or Mutation, or if a root
// field has no resolver. Subscriptions are not supported: a Subscription type may be declared but
// its fields cannot be executed.
func NewSchema(sdl string, resolvers map[string]Resolver, opts ...Option) (*Schema, error) {
	cfg := config{
		maxDepth:         DefaultMaxDepth,
		maxRootFields:    DefaultMaxRootFields,
		maxFields:        DefaultMaxFields,
		maxDocumentBytes: DefaultMaxDocumentBytes,
		maxTokens:        DefaultMaxTokens,
		maxBodyBytes:     DefaultMaxBodyBytes,
		cacheSize:        DefaultCacheSize,
	}
	for _, o := range opts {
		o(&cfg)
	}
	sch, err := validator.LoadSchema(validator.Prelude, &ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		return nil, fmt.Errorf("graphql: load schema: %w", err)
	}
	if sch.Query == nil {
		return nil, errors.New("graphql: schema has no Query type")
	}
	s := &Schema{
		schema:    sch,
		resolvers: make(map[*ast.FieldDefinition]Resolver, len(resolvers)),
		possible:  make(map[string]map[string]bool),
		rules:     validationRules(),
		cfg:       cfg,
		cache:     newDocCache(cfg.cacheSize, cfg.cacheSize*cacheBytesPerEntry),
	}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(resolvers)) {
		typeName, fieldName, ok := strings.Cut(key, ".")
		var root *ast.Definition
		switch {
		case !ok:
		case typeName == sch.Query.Name:
			root = sch.Query
		case sch.Mutation != nil && typeName == sch.Mutation.Name:
			root = sch.Mutation
		}
		var def *ast.FieldDefinition
		if root != nil && !strings.HasPrefix(fieldName, "__") {
			def = root.Fields.ForName(fieldName)
		}
		if def == nil {
			errs = append(errs, fmt.Errorf("graphql: resolver %q names no field of the Query or Mutation type", key))
			continue
		}
		if resolvers[key] == nil {
			errs = append(errs, fmt.Errorf("graphql: resolver %q is nil", key))
			continue
		}
		s.resolvers[def] = resolvers[key]
	}
	for _, root := range []*ast.Definition{sch.Query, sch.Mutation} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if _, ok := s.resolvers[f]; !ok && !strings.HasPrefix(f.Name, "__") {
				errs = append(errs, fmt.Errorf("graphql: field %s.%s has no resolver", root.Name, f.Name))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for abstract, defs := range sch.PossibleTypes {
		set := make(map[string]bool, len(defs))
		for _, d := range defs {
			if d.Kind == ast.Object {
				set[d.Name] = true
			}
		}
		s.possible[abstract] = set
	}
	return s, nil
}

// IsRootField reports whether name is a field of the schema's root type for op: its Query or
// Mutation type (false for an operation type the schema does not declare).
func (s *Schema) IsRootField(op ast.Operation, name string) bool {
	var root *ast.Definition
	switch op {
	case ast.Query:
		root = s.schema.Query
	case ast.Mutation:
		root = s.schema.Mutation
	}
	return root != nil && !strings.HasPrefix(name, "__") && root.Fields.ForName(name) != nil
}
