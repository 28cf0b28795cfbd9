package main

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// viewsClient is a ViewService client of a records server over p's databases.
func viewsClient(t *testing.T, p *permWorkspace) recordsv1connect.ViewServiceClient {
	srv := httptest.NewServer(newHandler(p.h.control, p.h.shards, p.h.cache, p.h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	return recordsv1connect.NewViewServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
}

// TestViewsThroughTheContract: the default views come with the workspace; Twenty's view
// permission guards (an admin changes workspace views, a member only its own UNLISTED ones); a
// view's filter narrows a group-by through view_id.
func TestViewsThroughTheContract(t *testing.T) {
	p := newPermWorkspace(t)
	views := viewsClient(t, p)
	admin, member := as(p.admin), as(p.member)
	kind := recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW

	res, err := views.FindViewParts(member, &recordsv1.FindViewPartsRequest{WorkspaceId: p.ws, Kind: kind, ObjectMetadataId: p.objectIDs["person"]})
	if err != nil || len(res.GetPartsJson()) != 1 {
		t.Fatalf("FindViewParts(person) = %v, %v", res, err)
	}
	var all struct{ Name string }
	_ = json.Unmarshal(res.GetPartsJson()[0], &all)
	if all.Name != "All People" {
		t.Errorf("the person view is %q", all.Name)
	}

	create := func(ctx context.Context, uws, input string) (string, error) {
		res, err := views.CreateViewParts(ctx, &recordsv1.CreateViewPartsRequest{WorkspaceId: p.ws, Kind: kind, InputsJson: [][]byte{[]byte(input)}, UserWorkspaceId: uws})
		if err != nil {
			return "", err
		}
		var v struct{ ID string }
		_ = json.Unmarshal(res.GetPartsJson()[0], &v)
		return v.ID, nil
	}
	person := `"objectMetadataId":"` + p.objectIDs["person"] + `","icon":"IconList"`
	shared, err := create(admin, p.admin.GetUserWorkspaceId(), `{"name":"Paris",`+person+`}`)
	if err != nil {
		t.Fatalf("admin creates a workspace view: %v", err)
	}
	if _, err := create(member, p.member.GetUserWorkspaceId(), `{"name":"Mine",`+person+`}`); connect.CodeOf(err) != connect.CodePermissionDenied ||
		errMessage(err) != msgViewCreateDenied {
		t.Errorf("member creates a workspace view: %v, want %q", err, msgViewCreateDenied)
	}
	own, err := create(member, p.member.GetUserWorkspaceId(), `{"name":"Mine","visibility":"UNLISTED",`+person+`}`)
	if err != nil {
		t.Fatalf("member creates its UNLISTED view: %v", err)
	}
	update := func(ctx context.Context, uws, id string) error {
		_, err := views.UpdateViewPart(ctx, &recordsv1.UpdateViewPartRequest{WorkspaceId: p.ws, Kind: kind, Id: id, UpdateJson: []byte(`{"name":"x"}`), UserWorkspaceId: uws})
		return err
	}
	for _, tc := range []struct {
		name string
		err  error
		want connect.Code
	}{
		{"member changes a workspace view", update(member, p.member.GetUserWorkspaceId(), shared), connect.CodePermissionDenied},
		{"member changes its own view", update(member, p.member.GetUserWorkspaceId(), own), 0},
		{"admin changes the member's view", update(admin, p.admin.GetUserWorkspaceId(), own), 0},
	} {
		if got := connect.CodeOf(tc.err); tc.err != nil && got != tc.want || tc.err == nil && tc.want != 0 {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
	// A member's filter on a workspace view is refused too; the admin's narrows a group-by.
	filter := []byte(`{"viewId":"` + shared + `","fieldMetadataId":"` + p.fieldIDs["person.city"] + `","operand":"CONTAINS","value":"Par"}`)
	if _, err := views.CreateViewParts(member, &recordsv1.CreateViewPartsRequest{WorkspaceId: p.ws, Kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER, InputsJson: [][]byte{filter}}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("member filters a workspace view: %v, want PermissionDenied", err)
	}
	if _, err := views.CreateViewParts(admin, &recordsv1.CreateViewPartsRequest{WorkspaceId: p.ws, Kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER, InputsJson: [][]byte{filter}}); err != nil {
		t.Fatalf("admin filters the view: %v", err)
	}
	if _, err := p.records.CreateMany(context.Background(), &recordsv1.CreateManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"city":"Paris"},{"city":"Paris"},{"city":"Lyon"}]`), Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	groups := func(viewID string) string {
		res, err := p.records.GroupBy(admin, &recordsv1.GroupByRequest{WorkspaceId: p.ws, ObjectNamePlural: "people",
			GroupBy: recordquery.GroupByToProto([]recordquery.GroupBy{{Field: "city"}}), Aggregates: []string{"totalCount"}, ViewId: viewID})
		if err != nil {
			t.Fatalf("GroupBy(view %q): %v", viewID, err)
		}
		return string(res.GetGroupsJson())
	}
	for viewID, want := range map[string]string{
		"":     `[{"totalCount":"1","groupByDimensionValues":["Lyon"]},{"totalCount":"2","groupByDimensionValues":["Paris"]}]`,
		shared: `[{"totalCount":"2","groupByDimensionValues":["Paris"]}]`,
	} {
		if diff := cmp.Diff(want, groups(viewID)); diff != "" {
			t.Errorf("GroupBy(view %q) (-want +got):\n%s", viewID, diff)
		}
	}
	if _, err := p.records.GroupBy(admin, &recordsv1.GroupByRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", ViewId: "nope"}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("GroupBy with a view id that is no UUID: %v, want InvalidArgument", err)
	}
}
