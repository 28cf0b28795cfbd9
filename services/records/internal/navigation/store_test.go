package navigation_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/twentyworkers/twenty/services/records/internal/navigation"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// fixture is two workspaces on one control database, the first with two members (alice, bob),
// an object and a view of it.
type fixture struct {
	t                      *testing.T
	db                     *d1.DB
	store                  *navigation.Store
	ws, other              string
	alice, bob, stranger   string
	object, view, otherObj string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := sqltest.Open(t)
	f := &fixture{t: t, db: db, store: &navigation.Store{Control: db, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }},
		ws: ids.NewUUID(), other: ids.NewUUID(), alice: ids.NewUUID(), bob: ids.NewUUID(), stranger: ids.NewUUID(),
		object: ids.NewUUID(), view: ids.NewUUID(), otherObj: ids.NewUUID()}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO workspaces (id) VALUES (?), (?)`, []any{f.ws, f.other}},
		{`INSERT INTO roles (id, workspace_id, label) VALUES ('r1', ?, 'Member'), ('r2', ?, 'Member')`, []any{f.ws, f.other}},
		{`INSERT INTO users (id, email) VALUES ('u1', 'a@x.io'), ('u2', 'b@x.io'), ('u3', 'c@x.io')`, nil},
		{`INSERT INTO user_workspaces (id, user_id, workspace_id, workspace_member_id, role_id) VALUES (?, 'u1', ?, 'm1', 'r1'), (?, 'u2', ?, 'm2', 'r1'), (?, 'u3', ?, 'm3', 'r2')`,
			[]any{f.alice, f.ws, f.bob, f.ws, f.stranger, f.other}},
		{`INSERT INTO object_metadata (id, workspace_id, name_singular, name_plural, definition) VALUES (?, ?, 'person', 'people', '{}'), (?, ?, 'person', 'people', '{}')`,
			[]any{f.object, f.ws, f.otherObj, f.other}},
		{`INSERT INTO view (id, workspace_id, object_metadata_id, name, icon) VALUES (?, ?, ?, 'All', 'IconList')`, []any{f.view, f.ws, f.object}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	return f
}

// acc is a caller: a member (uws) with or without LAYOUTS.
func acc(uws string, layouts bool) navigation.Access {
	return navigation.Access{UserWorkspaceID: uws, HasLayouts: func(context.Context) (bool, error) { return layouts, nil }}
}

func inputs(t *testing.T, in ...map[string]any) [][]byte {
	t.Helper()
	out := make([][]byte, len(in))
	for i, m := range in {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = b
	}
	return out
}

func (f *fixture) create(a navigation.Access, ws string, in ...map[string]any) []navigation.Item {
	f.t.Helper()
	items, err := f.store.Create(context.Background(), ws, a, inputs(f.t, in...))
	if err != nil {
		f.t.Fatalf("create %v: %v", in, err)
	}
	return items
}

func ptr(s string) *string { return &s }

// summary is what a test compares of an item.
type summary struct {
	Type, Name, Folder, Owner string
	Position                  float64
}

func summarize(items []navigation.Item, folderNames map[string]string) []summary {
	out := make([]summary, len(items))
	for i, it := range items {
		s := summary{Type: it.Type, Position: it.Position}
		if it.Name != nil {
			s.Name = *it.Name
		}
		if it.FolderID != nil {
			s.Folder = folderNames[*it.FolderID]
		}
		if it.UserWorkspaceID != nil {
			s.Owner = *it.UserWorkspaceID
		}
		out[i] = s
	}
	return out
}

func TestCreateListAndPersonalItems(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := acc(f.alice, true)
	folder := f.create(admin, f.ws, map[string]any{"type": "FOLDER", "name": "Sales"})[0]
	f.create(admin, f.ws,
		map[string]any{"type": "VIEW", "viewId": f.view, "folderId": folder.ID},
		map[string]any{"type": "OBJECT", "targetObjectMetadataId": f.object, "folderId": folder.ID},
		map[string]any{"type": "LINK", "name": "Docs", "link": "https://twenty.com/docs", "position": 0.5})
	rec := ids.NewUUID()
	f.create(acc(f.alice, false), f.ws, map[string]any{"type": "RECORD", "targetRecordId": rec, "targetObjectMetadataId": f.object, "userWorkspaceId": f.alice})
	f.create(acc(f.bob, false), f.ws, map[string]any{"type": "FOLDER", "name": "Bob's", "userWorkspaceId": f.bob})

	names := map[string]string{folder.ID: "Sales"}
	for _, tc := range []struct {
		name   string
		caller string
		want   []summary
	}{
		{"alice sees the workspace's and her own", f.alice, []summary{
			{Type: "LINK", Name: "Docs", Position: 0.5},
			{Type: "FOLDER", Name: "Sales", Position: 1},
			{Type: "VIEW", Folder: "Sales", Position: 1},
			{Type: "RECORD", Owner: f.alice, Position: 1},
			{Type: "OBJECT", Folder: "Sales", Position: 2},
		}},
		{"bob sees the workspace's and his own", f.bob, []summary{
			{Type: "LINK", Name: "Docs", Position: 0.5},
			{Type: "FOLDER", Name: "Sales", Position: 1},
			{Type: "VIEW", Folder: "Sales", Position: 1},
			{Type: "FOLDER", Name: "Bob's", Owner: f.bob, Position: 1},
			{Type: "OBJECT", Folder: "Sales", Position: 2},
		}},
		{"an API key sees the workspace's", "", []summary{
			{Type: "LINK", Name: "Docs", Position: 0.5},
			{Type: "FOLDER", Name: "Sales", Position: 1},
			{Type: "VIEW", Folder: "Sales", Position: 1},
			{Type: "OBJECT", Folder: "Sales", Position: 2},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.store.List(ctx, f.ws, tc.caller)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(got, names), cmpopts.SortSlices(func(a, b summary) bool {
				if a.Position != b.Position {
					return a.Position < b.Position
				}
				return a.Type+a.Name < b.Type+b.Name
			})); diff != "" {
				t.Errorf("List (-want +got):\n%s", diff)
			}
		})
	}
	if got, err := f.store.List(ctx, f.other, f.stranger); err != nil || len(got) != 0 {
		t.Errorf("another workspace lists %v, %v; want none", got, err)
	}
	if got, err := f.store.Get(ctx, f.other, f.stranger, folder.ID); err != nil || got != nil {
		t.Errorf("another workspace gets %v, %v; want none", got, err)
	}
	if got, err := f.store.Get(ctx, f.ws, f.bob, folder.ID); err != nil || got == nil || *got.Name != "Sales" {
		t.Errorf("Get folder = %v, %v", got, err)
	}
}

func TestRefusals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	folder := f.create(acc(f.alice, true), f.ws, map[string]any{"type": "FOLDER", "name": "Sales"})[0]
	bobs := f.create(acc(f.bob, false), f.ws, map[string]any{"type": "FOLDER", "name": "Bob's", "userWorkspaceId": f.bob})[0]
	inner := f.create(acc(f.alice, true), f.ws, map[string]any{"type": "FOLDER", "name": "Inner", "folderId": folder.ID})[0]

	type refusal struct {
		NotFound, Forbidden, Validation bool
		Code, Message                   string
	}
	of := func(err error) refusal {
		e, ok := navigation.AsError(err)
		if !ok {
			return refusal{Message: "not a refusal: " + err.Error()}
		}
		return refusal{e.NotFound, e.Forbidden, e.Validation, e.Code, e.Message}
	}
	for _, tc := range []struct {
		name string
		call func() error
		want refusal
	}{
		{"workspace item without LAYOUTS", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.bob, false), inputs(t, map[string]any{"type": "FOLDER", "name": "x"}))
			return err
		}, refusal{Forbidden: true, Message: "Entity performing the request does not have permission"}},
		{"personal item for someone else", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.bob, true), inputs(t, map[string]any{"type": "FOLDER", "name": "x", "userWorkspaceId": f.alice}))
			return err
		}, refusal{Code: navigation.CodeInvalidInput, Message: "You can only create navigation menu items for yourself"}},
		{"personal item by an API key", func() error {
			_, err := f.store.Create(ctx, f.ws, acc("", true), inputs(t, map[string]any{"type": "FOLDER", "name": "x", "userWorkspaceId": f.alice}))
			return err
		}, refusal{Code: navigation.CodeInvalidInput, Message: "User-level navigation menu items can only be created by authenticated users"}},
		{"folder without a name", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"type": "FOLDER", "name": " "}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "A name is required for FOLDER type"}},
		{"record without its object", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"type": "RECORD", "targetRecordId": ids.NewUUID()}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "A valid targetObjectMetadataUniversalIdentifier is required for RECORD type"}},
		{"link that is no URL", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"type": "LINK", "link": "not a url"}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "A valid link is required for LINK type"}},
		{"object of another workspace", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"type": "OBJECT", "targetObjectMetadataId": f.otherObj}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "Object metadata " + f.otherObj + " not found"}},
		{"in another member's folder", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, false), inputs(t, map[string]any{"type": "VIEW", "viewId": f.view, "folderId": bobs.ID, "userWorkspaceId": f.alice}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "Folder " + bobs.ID + " not found"}},
		{"all or none", func() error {
			_, err := f.store.Create(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"type": "FOLDER", "name": "ok"}, map[string]any{"type": "VIEW"}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeInvalidInput, Message: "A valid viewUniversalIdentifier is required for VIEW type"}},
		{"update of another member's item", func() error {
			_, err := f.store.Update(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"id": bobs.ID, "update": map[string]any{"name": "mine"}}))
			return err
		}, refusal{Code: navigation.CodeInvalidInput, Message: "You can only update your own navigation menu items"}},
		{"update from another workspace", func() error {
			_, err := f.store.Update(ctx, f.other, acc(f.stranger, true), inputs(t, map[string]any{"id": folder.ID, "update": map[string]any{"name": "mine"}}))
			return err
		}, refusal{NotFound: true, Message: "Navigation menu item not found"}},
		{"folder into its own subfolder", func() error {
			_, err := f.store.Update(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"id": folder.ID, "update": map[string]any{"folderId": inner.ID}}))
			return err
		}, refusal{Validation: true, Code: navigation.CodeCircularDependency, Message: "Circular dependency detected in navigation menu item hierarchy"}},
		{"update of a property Twenty does not edit", func() error {
			_, err := f.store.Update(ctx, f.ws, acc(f.alice, true), inputs(t, map[string]any{"id": folder.ID, "update": map[string]any{"type": "LINK"}}))
			return err
		}, refusal{Code: navigation.CodeInvalidInput, Message: "type cannot be updated"}},
		{"delete of workspace item without LAYOUTS", func() error {
			_, err := f.store.Delete(ctx, f.ws, acc(f.bob, false), []string{folder.ID})
			return err
		}, refusal{Forbidden: true, Message: "Entity performing the request does not have permission"}},
		{"delete from another workspace", func() error {
			_, err := f.store.Delete(ctx, f.other, acc(f.stranger, true), []string{folder.ID})
			return err
		}, refusal{NotFound: true, Message: "Navigation menu item not found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil {
				t.Fatal("no refusal")
			}
			if diff := cmp.Diff(tc.want, of(err)); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
	got, err := f.store.List(ctx, f.ws, f.alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("after refusals alice lists %d items, want 2 (nothing of a refused batch)", len(got))
	}
}

func TestUpdateDeleteAndCascades(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := acc(f.alice, true)
	folder := f.create(admin, f.ws, map[string]any{"type": "FOLDER", "name": "Sales"})[0]
	other := f.create(admin, f.ws, map[string]any{"type": "FOLDER", "name": "Other"})[0]
	view := f.create(admin, f.ws, map[string]any{"type": "VIEW", "viewId": f.view, "folderId": folder.ID})[0]
	rec := ids.NewUUID()
	f.create(acc(f.alice, false), f.ws, map[string]any{"type": "RECORD", "targetRecordId": rec, "targetObjectMetadataId": f.object, "userWorkspaceId": f.alice})

	got, err := f.store.Update(ctx, f.ws, admin, inputs(t, map[string]any{"id": view.ID, "update": map[string]any{"folderId": other.ID, "position": 7, "icon": "IconStar"}}))
	if err != nil {
		t.Fatal(err)
	}
	want := view
	want.FolderID, want.Position, want.Icon = &other.ID, 7, ptr("IconStar")
	if diff := cmp.Diff([]navigation.Item{want}, got); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}

	// A record destroyed takes its favorites along; a view soft-deleted hides its items; a folder
	// deleted takes what it holds.
	if err := f.store.DeleteForRecords(ctx, f.ws, []string{rec}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE view SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?`, f.view); err != nil {
		t.Fatal(err)
	}
	list := func() []string {
		items, err := f.store.List(ctx, f.ws, f.alice)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, it := range items {
			names = append(names, it.Type+":"+deref(it.Name))
		}
		return names
	}
	if diff := cmp.Diff([]string{"FOLDER:Sales", "FOLDER:Other"}, list()); diff != "" {
		t.Errorf("after record and view deletion (-want +got):\n%s", diff)
	}
	if _, err := f.db.Exec(`UPDATE view SET deleted_at = NULL WHERE id = ?`, f.view); err != nil {
		t.Fatal(err)
	}
	deleted, err := f.store.Delete(ctx, f.ws, admin, []string{other.ID})
	if err != nil || len(deleted) != 1 || deleted[0].ID != other.ID {
		t.Fatalf("Delete = %v, %v", deleted, err)
	}
	if diff := cmp.Diff([]string{"FOLDER:Sales"}, list()); diff != "" {
		t.Errorf("after folder deletion (-want +got):\n%s", diff)
	}
	// A view destroyed takes its items (ON DELETE CASCADE).
	f.create(admin, f.ws, map[string]any{"type": "VIEW", "viewId": f.view})
	if _, err := f.db.Exec(`DELETE FROM view WHERE id = ?`, f.view); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"FOLDER:Sales"}, list()); diff != "" {
		t.Errorf("after view destroy (-want +got):\n%s", diff)
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func TestDefaultStatements(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Exec(`UPDATE view SET view_key = 'INDEX' WHERE id = ?`, f.view); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run adds nothing
		if _, err := f.db.Batch(ctx, navigation.DefaultStatements(f.ws)...); err != nil {
			t.Fatal(err)
		}
	}
	items, err := f.store.List(ctx, f.ws, "")
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Type, Name, ViewID string
		Position           float64
	}
	var gotItems []got
	for _, it := range items {
		gotItems = append(gotItems, got{it.Type, deref(it.Name), deref(it.ViewID), it.Position})
	}
	want := []got{{Type: "VIEW", ViewID: f.view, Position: 4}, {Type: "FOLDER", Name: "Workflows", Position: 6}}
	if diff := cmp.Diff(want, gotItems); diff != "" {
		t.Errorf("standard items (-want +got):\n%s", diff)
	}
	if other, err := f.store.List(ctx, f.other, ""); err != nil || len(other) != 0 {
		t.Errorf("another workspace lists %v, %v", other, err)
	}
}
