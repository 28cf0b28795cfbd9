package gqlapi

import (
	"context"
	"errors"
	"log/slog"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// searchSDL is Twenty's search query (core-modules/search: SearchArgs, SearchResultConnectionDTO,
// SearchRecordDTO and the ObjectRecordFilterInput it takes), served on /graphql next to the
// objects' root fields.
const searchSDL = `
input ObjectRecordFilterInput {
  and: [ObjectRecordFilterInput!]
  not: ObjectRecordFilterInput
  or: [ObjectRecordFilterInput!]
  id: UUIDFilter
  createdAt: DateFilter
  updatedAt: DateFilter
  deletedAt: DateFilter
}

type SearchRecord {
  recordId: UUID!
  objectNameSingular: String!
  objectLabelSingular: String!
  label: String!
  imageUrl: String
  tsRankCD: Float!
  tsRank: Float!
}

type SearchResultEdge {
  node: SearchRecord!
  cursor: String!
}

type SearchResultPageInfo {
  endCursor: String
  hasNextPage: Boolean!
}

type SearchResultConnection {
  edges: [SearchResultEdge!]!
  pageInfo: SearchResultPageInfo!
}
`

// searchField is the search root field of type Query.
const searchField = "  search(searchInput: String!, limit: Int!, after: String, includedObjectNameSingulars: [String!], filter: ObjectRecordFilterInput, excludedObjectNameSingulars: [String!]): SearchResultConnection!\n"

// searchResolver is Query.search: Engine.Search over the workspace's objects.
func searchResolver(ctx context.Context, args map[string]any) (any, error) {
	x, ok := ctx.Value(executionKey{}).(*execution)
	if !ok {
		return nil, errors.New("gqlapi: resolver called outside Schema.Execute")
	}
	opts := engine.SearchOptions{Included: stringList(args["includedObjectNameSingulars"]), Excluded: stringList(args["excludedObjectNameSingulars"])}
	opts.Input, _ = args["searchInput"].(string)
	opts.After, _ = args["after"].(string)
	switch n := args["limit"].(type) {
	case int:
		opts.Limit = n
	case int64:
		opts.Limit = int(n)
	case float64:
		opts.Limit = int(n)
	}
	if f, ok := args["filter"].(map[string]any); ok {
		if err := searchFilter(f, false, &opts); err != nil {
			return nil, gqlError(err)
		}
	}
	page, err := x.eng.Search(ctx, x.req.DB, x.req.WorkspaceID, x.m.all, opts)
	if err != nil {
		var qe *engine.QueryError
		if !errors.As(err, &qe) {
			slog.Error("search failed", "workspace_id", x.req.WorkspaceID, "error", err.Error())
		}
		return nil, gqlError(err)
	}
	labels := map[string]string{}
	for _, o := range x.m.all {
		labels[o.NameSingular] = o.LabelSingular
	}
	edges := make([]any, len(page.Records))
	for i, r := range page.Records {
		var image any
		if r.ImageURL != "" {
			image = r.ImageURL
		}
		edges[i] = map[string]any{"cursor": r.Cursor, "node": map[string]any{
			"recordId": r.RecordID, "objectNameSingular": r.ObjectNameSingular, "objectLabelSingular": labels[r.ObjectNameSingular],
			"label": r.Label, "imageUrl": image, "tsRankCD": r.TsRankCD, "tsRank": r.TsRank,
		}}
	}
	var end any
	if page.EndCursor != "" {
		end = page.EndCursor
	}
	return map[string]any{"edges": edges, "pageInfo": map[string]any{"endCursor": end, "hasNextPage": page.HasNextPage}}, nil
}

// searchFilter reads the filters Twenty's clients give search: records by id ({id: {in: […]}},
// {id: {eq: …}}), or all but some ({not: {id: {in: […]}}}, {id: {neq: …}}), combined with and.
// Others are rejected, not ignored.
func searchFilter(f map[string]any, negated bool, opts *engine.SearchOptions) error {
	for key, v := range f {
		switch key {
		case "and":
			items, _ := v.([]any)
			for _, it := range items {
				m, _ := it.(map[string]any)
				if err := searchFilter(m, negated, opts); err != nil {
					return err
				}
			}
		case "not":
			m, _ := v.(map[string]any)
			if err := searchFilter(m, !negated, opts); err != nil {
				return err
			}
		case "id":
			m, _ := v.(map[string]any)
			for op, val := range m {
				var ids []string
				switch op {
				case "eq", "neq":
					s, _ := val.(string)
					ids = []string{s}
				case "in":
					ids = stringList(val)
				default:
					return queryError(engine.CodeInvalidFilter, "Search filter on id supports eq, neq and in, not %s", op)
				}
				if negated != (op == "neq") {
					opts.NotIDs = append(opts.NotIDs, ids...)
				} else if opts.IDs == nil {
					opts.IDs = ids
				} else {
					opts.IDs = intersect(opts.IDs, ids)
				}
			}
		default:
			return queryError(engine.CodeInvalidFilter, "Search filter on %s is not supported", key)
		}
	}
	return nil
}

// stringList reads a list of strings argument.
func stringList(v any) []string {
	items, _ := v.([]any)
	out := []string{}
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func intersect(a, b []string) []string {
	out := []string{}
	for _, s := range a {
		for _, t := range b {
			if s == t {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

var _ graphql.Resolver = searchResolver
