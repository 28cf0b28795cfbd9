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
	"github.com/twentyworkers/twenty/shared/rpc"
)

// TestNavigationMenuItemsThroughTheContract: a workspace item needs LAYOUTS (the admin's), a
// member's own favorite does not and is listed to that member only; a RECORD item is named by
// its record's label identifier, read with the caller's permissions.
func TestNavigationMenuItemsThroughTheContract(t *testing.T) {
	p := newPermWorkspace(t)
	srv := httptest.NewServer(newHandler(p.h.control, p.h.shards, p.h.cache, p.h.jobs, nil, nil))
	t.Cleanup(srv.Close)
	nav := recordsv1connect.NewNavigationMenuItemServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
	admin, member := as(p.admin), as(p.member)
	adminUWS, memberUWS := p.admin.GetUserWorkspaceId(), p.member.GetUserWorkspaceId()

	res, err := p.records.CreateMany(context.Background(), &recordsv1.CreateManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"name":{"firstName":"Ada","lastName":"Lovelace"}}]`), Actor: &recordsv1.Actor{Source: "API"}})
	if err != nil {
		t.Fatal(err)
	}
	var people []struct{ ID string }
	if err := json.Unmarshal(res.GetRecordsJson(), &people); err != nil || len(people) != 1 {
		t.Fatalf("created %s: %v", res.GetRecordsJson(), err)
	}

	create := func(ctx context.Context, uws, input string) error {
		_, err := nav.CreateNavigationMenuItems(ctx, &recordsv1.CreateNavigationMenuItemsRequest{WorkspaceId: p.ws, UserWorkspaceId: uws, InputsJson: [][]byte{[]byte(input)}})
		return err
	}
	if err := create(admin, adminUWS, `{"type":"FOLDER","name":"Team"}`); err != nil {
		t.Fatalf("admin creates a workspace folder: %v", err)
	}
	if err := create(member, memberUWS, `{"type":"FOLDER","name":"Mine"}`); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("member creates a workspace folder: %v, want PermissionDenied", err)
	}
	favorite := `{"type":"RECORD","userWorkspaceId":"` + memberUWS + `","targetRecordId":"` + people[0].ID + `","targetObjectMetadataId":"` + p.objectIDs["person"] + `"}`
	if err := create(member, memberUWS, favorite); err != nil {
		t.Fatalf("member creates its favorite: %v", err)
	}

	type item struct {
		Type                   string
		Name                   *string
		TargetRecordIdentifier *struct{ ID, LabelIdentifier string }
	}
	// list answers the items the caller sees but Twenty's standard ones (VIEW items and the
	// Workflows folder), which it counts.
	list := func(ctx context.Context, uws string) []item {
		res, err := nav.FindNavigationMenuItems(ctx, &recordsv1.FindNavigationMenuItemsRequest{WorkspaceId: p.ws, UserWorkspaceId: uws, RecordIdentifiers: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []item
		standard := 0
		for _, b := range res.GetItemsJson() {
			var it item
			if err := json.Unmarshal(b, &it); err != nil {
				t.Fatal(err)
			}
			if it.Type == "VIEW" || it.Name != nil && *it.Name == "Workflows" {
				standard++
				continue
			}
			out = append(out, it)
		}
		if standard < 7 {
			t.Errorf("%d standard items, want Twenty's \"All\" views and the Workflows folder", standard)
		}
		return out
	}
	team := "Team"
	if diff := cmp.Diff([]item{{Type: "FOLDER", Name: &team}}, list(admin, adminUWS)); diff != "" {
		t.Errorf("admin lists (-want +got):\n%s", diff)
	}
	want := []item{{Type: "RECORD", TargetRecordIdentifier: &struct{ ID, LabelIdentifier string }{people[0].ID, "Ada Lovelace"}}, {Type: "FOLDER", Name: &team}}
	if diff := cmp.Diff(want, list(member, memberUWS)); diff != "" {
		t.Errorf("member lists (-want +got):\n%s", diff)
	}
	// Deleting the person takes the favorite along (Twenty's NavigationMenuItemDeletionListener).
	if _, err := p.records.DeleteMany(admin, &recordsv1.DeleteManyRequest{WorkspaceId: p.ws, ObjectNamePlural: "people", Selection: idSelection(people[0].ID),
		Actor: &recordsv1.Actor{Source: "API"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]item{{Type: "FOLDER", Name: &team}}, list(member, memberUWS)); diff != "" {
		t.Errorf("member lists after the person's deletion (-want +got):\n%s", diff)
	}
}
