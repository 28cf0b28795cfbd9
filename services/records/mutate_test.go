package main

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// recordsWorkspace initialises a workspace in the harness and creates people p1 (Paris) and p2
// (Lyon) in it.
func recordsWorkspace(t *testing.T, h *harness) (ws, p1, p2 string) {
	t.Helper()
	ctx := context.Background()
	ws, p1, p2 = h.workspace(t), ids.NewUUID(), ids.NewUUID()
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	_, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		RecordsJson: []byte(`[{"id":"` + p1 + `","city":"Paris"},{"id":"` + p2 + `","city":"Lyon"}]`), Actor: &recordsv1.Actor{Source: "API"}})
	if err != nil {
		t.Fatal(err)
	}
	return ws, p1, p2
}

// filterSelection is a selection by a REST filter.
func filterSelection(t *testing.T, s string) *recordsv1.Selection {
	t.Helper()
	f, err := restquery.ParseFilter(s)
	if err != nil {
		t.Fatal(err)
	}
	return &recordsv1.Selection{By: &recordsv1.Selection_Filter{Filter: recordquery.ToProto(&recordquery.Query{Filter: f}).GetFilter()}}
}

func idSelection(id string) *recordsv1.Selection {
	return &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}
}

// cities decodes the id and city of the records of a response.
func cities(t *testing.T, b []byte) []string {
	t.Helper()
	var records []struct{ ID, City string }
	if err := json.Unmarshal(b, &records); err != nil {
		t.Fatalf("records %s: %v", b, err)
	}
	out := []string{}
	for _, r := range records {
		out = append(out, r.ID+" "+r.City)
	}
	return out
}

// TestMutations runs update, soft delete, restore and destroy through the records contract, and
// checks the event batch each sends.
func TestMutations(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, p1, p2 := recordsWorkspace(t, h)
	member := ids.NewUUID()
	actor := &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: member, Name: "Tim Apple", UserId: ids.NewUUID()}
	sent := len(h.sentEvents(t))

	steps := []struct {
		name   string
		call   func() (*recordsv1.MutationResponse, error)
		want   []string
		event  string
		events []string // the ids of the event batch
	}{{
		name: "update by id",
		call: func() (*recordsv1.MutationResponse, error) {
			return h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(p1),
				DataJson: []byte(`{"city":"Rome"}`), Actor: actor})
		},
		want: []string{p1 + " Rome"}, event: "person.updated", events: []string{p1},
	}, {
		name: "update by filter, fields",
		call: func() (*recordsv1.MutationResponse, error) {
			return h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: filterSelection(t, "city[in]:[Rome,Lyon]"),
				DataJson: []byte(`{"jobTitle":"CEO"}`), Actor: actor, Shape: &recordsv1.Shape{Fields: []string{"id"}, HasFields: true}})
		},
		want: sortedPair(p1+" ", p2+" "), event: "person.updated", events: sortedPair(p1, p2),
	}, {
		name: "soft delete",
		call: func() (*recordsv1.MutationResponse, error) {
			return h.client.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(p1), Actor: actor})
		},
		want: []string{p1 + " Rome"}, event: "person.deleted", events: []string{p1},
	}, {
		name: "restore",
		call: func() (*recordsv1.MutationResponse, error) {
			return h.client.RestoreMany(ctx, &recordsv1.RestoreManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: filterSelection(t, "id[eq]:"+p1), Actor: actor})
		},
		want: []string{p1 + " Rome"}, event: "person.restored", events: []string{p1},
	}, {
		name: "destroy",
		call: func() (*recordsv1.MutationResponse, error) {
			return h.client.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(p2), Destroy: true, Actor: actor})
		},
		want: []string{p2 + " Lyon"}, event: "person.destroyed", events: []string{p2},
	}}
	for _, st := range steps {
		res, err := st.call()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if diff := cmp.Diff(st.want, cities(t, res.GetRecordsJson())); diff != "" || res.GetObjectNamePlural() != "people" {
			t.Errorf("%s: records of %s (-want +got):\n%s", st.name, res.GetObjectNamePlural(), diff)
		}
		events := h.sentEvents(t)
		if len(events) != sent+1 {
			t.Fatalf("%s: %d event batches, want %d", st.name, len(events), sent+1)
		}
		sent++
		b := events[len(events)-1]
		var got []string
		for _, e := range b.GetEvents() {
			got = append(got, e.GetRecordId())
			if e.GetWorkspaceMemberId() != member || e.GetUserId() != actor.GetUserId() {
				t.Errorf("%s: event of member %q user %q", st.name, e.GetWorkspaceMemberId(), e.GetUserId())
			}
		}
		if diff := cmp.Diff(st.events, got); diff != "" || b.GetName() != st.event {
			t.Errorf("%s: event %s (-want +got records):\n%s", st.name, b.GetName(), diff)
		}
	}
	// The update's event says what changed, with the record before and after.
	b := h.sentEvents(t)[len(h.sentEvents(t))-5]
	e := b.GetEvents()[0]
	var before, after struct{ City string }
	if err := errors.Join(json.Unmarshal(e.GetBeforeJson(), &before), json.Unmarshal(e.GetAfterJson(), &after)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"city", "updatedBy"}, e.GetUpdatedFields()); diff != "" || before.City != "Paris" || after.City != "Rome" {
		t.Errorf("update event %s → %s (-want +got updated fields):\n%s", before.City, after.City, diff)
	}
}

func sortedPair(a, b string) []string {
	if a < b {
		return []string{a, b}
	}
	return []string{b, a}
}

// TestFindOneAndErrors checks FindOne and the errors of the record calls: NotFound for a missing
// record, InvalidArgument with Twenty's messages otherwise, and no events for refused calls.
func TestFindOneAndErrors(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, p1, _ := recordsWorkspace(t, h)
	res, err := h.client.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "people", Id: p1,
		Shape: &recordsv1.Shape{Fields: []string{"id", "city"}, HasFields: true}})
	if err != nil {
		t.Fatalf("FindOne: %v", err)
	}
	if diff := cmp.Diff(`{"city":"Paris","id":"`+p1+`"}`, string(res.GetRecordJson())); diff != "" || res.GetObjectNameSingular() != "person" {
		t.Errorf("FindOne of %s (-want +got):\n%s", res.GetObjectNameSingular(), diff)
	}
	sent := len(h.sentEvents(t))
	missing := ids.NewUUID()
	tests := []struct {
		name string
		call func() error
		code connect.Code
		msg  string
	}{
		{"find a missing record", func() error {
			_, err := h.client.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "people", Id: missing})
			return err
		}, connect.CodeNotFound, "Record not found"},
		{"find with depth 2", func() error {
			_, err := h.client.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "people", Id: p1, Shape: &recordsv1.Shape{Depth: 2}})
			return err
		}, connect.CodeInvalidArgument, "'depth=2' parameter invalid. Allowed values are 0, 1"},
		{"find in an unknown object", func() error {
			_, err := h.client.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "person", Id: p1})
			return err
		}, connect.CodeInvalidArgument, "object 'person' not found. Did you mean 'people'?"},
		{"update a missing record", func() error {
			_, err := h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(missing), DataJson: []byte(`{}`), Actor: &recordsv1.Actor{Source: "API"}})
			return err
		}, connect.CodeNotFound, "Record not found"},
		{"update without a selection", func() error {
			_, err := h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", DataJson: []byte(`{"city":"X"}`), Actor: &recordsv1.Actor{Source: "API"}})
			return err
		}, connect.CodeInvalidArgument, "A non-empty filter is required"},
		{"update with an array", func() error {
			_, err := h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(p1), DataJson: []byte(`[]`)})
			return err
		}, connect.CodeInvalidArgument, "data must be a JSON object"},
		{"update with bad data", func() error {
			_, err := h.client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(p1), DataJson: []byte(`{"nope":1}`), Actor: &recordsv1.Actor{Source: "API"}})
			return err
		}, connect.CodeInvalidArgument, `Object person doesn't have any "nope" field.`},
		{"destroy a missing record", func() error {
			_, err := h.client.DeleteMany(ctx, &recordsv1.DeleteManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Selection: idSelection(missing), Destroy: true})
			return err
		}, connect.CodeNotFound, "Record not found"},
		{"restore with a malformed filter", func() error {
			_, err := h.client.RestoreMany(ctx, &recordsv1.RestoreManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
				Selection: &recordsv1.Selection{By: &recordsv1.Selection_Filter{Filter: &recordsv1.Filter{}}}})
			return err
		}, connect.CodeInvalidArgument, "recordquery: empty filter node"},
	}
	for _, tt := range tests {
		err := tt.call()
		var ce *connect.Error
		if !errors.As(err, &ce) || ce.Code() != tt.code || ce.Message() != tt.msg {
			t.Errorf("%s: error = %v, want %v %q", tt.name, err, tt.code, tt.msg)
		}
	}
	if n := len(h.sentEvents(t)); n != sent {
		t.Errorf("refused calls sent %d event batches", n-sent)
	}
}

// TestCreateUpsert checks upsert and shape on CreateMany: the matched record is updated, the
// other inserted, one "upserted" event batch.
func TestCreateUpsert(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws, p1, _ := recordsWorkspace(t, h)
	p3 := ids.NewUUID()
	sent := len(h.sentEvents(t))
	res, err := h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", Upsert: true,
		RecordsJson: []byte(`[{"id":"` + p3 + `","city":"Oslo"},{"id":"` + p1 + `","city":"Nice"}]`), Actor: &recordsv1.Actor{Source: "API"},
		Shape: &recordsv1.Shape{Fields: []string{"id", "city"}, HasFields: true}})
	if err != nil {
		t.Fatalf("upsert: %v", err)
	}
	if diff := cmp.Diff(`[{"city":"Oslo","id":"`+p3+`"},{"city":"Nice","id":"`+p1+`"}]`, string(res.GetRecordsJson())); diff != "" {
		t.Errorf("upserted records (-want +got):\n%s", diff)
	}
	events := h.sentEvents(t)
	if len(events) != sent+1 || events[sent].GetName() != "person.upserted" {
		t.Fatalf("events after the upsert: %d, want one person.upserted", len(events)-sent)
	}
	var kinds []string
	for _, e := range events[sent].GetEvents() {
		kinds = append(kinds, e.GetRecordId()+map[bool]string{true: " updated", false: " created"}[e.GetBeforeJson() != nil])
	}
	if diff := cmp.Diff([]string{p3 + " created", p1 + " updated"}, kinds); diff != "" {
		t.Errorf("upsert events (-want +got):\n%s", diff)
	}
	// Without upsert, the same id is refused.
	_, err = h.client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + p1 + `"}]`), Actor: &recordsv1.Actor{Source: "API"}})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("create of an existing id = %v, want invalid argument", err)
	}
}
