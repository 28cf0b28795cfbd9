package gqlapi

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// TestGroupByViewID: a group-by's viewId adds the filter Request.ViewFilter answers for the view
// (its filters), and-ed with the group-by's own; a view it refuses is the client's error.
func TestGroupByViewID(t *testing.T) {
	f := newFixture(t)
	const view, broken = "00000000-0000-4000-8000-0000000000f1", "00000000-0000-4000-8000-0000000000f2"
	var asked []string
	viewFilter := func(_ context.Context, id string, o metadata.Object) (*recordquery.Filter, error) {
		asked = append(asked, o.NameSingular+" "+id)
		if id == broken {
			return nil, &engine.QueryError{Code: engine.CodeInvalidQueryInput, Message: "The view filter IS_RELATIVE on city (TEXT) is not supported"}
		}
		return &recordquery.Filter{Field: "city", Op: recordquery.ILike, Value: recordquery.Value{Raw: "%lon%", Quoted: true}}, nil
	}
	run := func(query string) string {
		res := f.schema.Execute(t.Context(), Request{DB: f.db, WorkspaceID: ws, Actor: actor, ViewFilter: viewFilter}, graphql.Request{Query: query})
		b, _ := res.MarshalJSON()
		return string(b)
	}
	for _, tc := range []struct{ name, query, want string }{
		{"the view's filter", `{ peopleGroupBy(groupBy: [{city: true}], viewId: "` + view + `") { groupByDimensionValues totalCount } }`,
			`{"data":{"peopleGroupBy":[{"groupByDimensionValues":["London"],"totalCount":1},{"groupByDimensionValues":["london"],"totalCount":1}]}}`},
		{"and-ed with the group-by's", `{ peopleGroupBy(groupBy: [{city: true}], filter: {city: {eq: "London"}}, viewId: "` + view + `") { groupByDimensionValues totalCount } }`,
			`{"data":{"peopleGroupBy":[{"groupByDimensionValues":["London"],"totalCount":1}]}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(jsonOf(t, tc.want), jsonOf(t, run(tc.query))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	got := run(`{ peopleGroupBy(groupBy: [{city: true}], viewId: "` + broken + `") { totalCount } }`)
	if want := `"code":"BAD_USER_INPUT"`; !strings.Contains(got, want) {
		t.Errorf("a refused view = %s, want %s", got, want)
	}
	if diff := cmp.Diff([]string{"person " + view, "person " + view, "person " + broken}, asked); diff != "" {
		t.Errorf("views asked (-want +got):\n%s", diff)
	}
}
