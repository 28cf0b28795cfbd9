package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
)

// newPublishingHarness serves the records contract with the relay publishing to a fake realtime
// Worker, as the Worker does with its REALTIME binding.
func newPublishingHarness(t *testing.T) (*harness, *server, *fakeRealtime, recordsv1connect.RecordsServiceClient) {
	t.Helper()
	h := newHarness(t)
	rt := &fakeRealtime{idle: map[string]bool{}}
	srv := newServer(h.control, h.shards, h.cache, h.jobs, nil)
	srv.relay.Publish = publishRealtime(rt, srv.realtimeIdle, srv.realtimeHeard)
	hs := httptest.NewServer(srv.handler(nil))
	t.Cleanup(hs.Close)
	return h, srv, rt, recordsv1connect.NewRecordsServiceClient(hs.Client(), hs.URL)
}

// TestRecordEventsGoWhereSomeoneListens: a write's events go on the jobs queue only while the
// workspace has a webhook (recorded by SetEventListener, or found in the control database the
// first time, and again once that is over ten minutes old), and to the realtime Worker only while
// its room is listened to or was not checked lately; a room that answers it is idle stops being
// published to once its listener is past the grace, and one that answers it has streams no
// listener stood for gets one.
func TestRecordEventsGoWhereSomeoneListens(t *testing.T) {
	h, srv, rt, client := newPublishingHarness(t)
	ctx := context.Background()

	// A workspace with a webhook from before the listeners existed: found on its first write.
	ws := h.workspace(t)
	if _, err := h.control.Exec(`INSERT INTO webhooks (id, workspace_id, target_url, operations) VALUES ('w0', ?, 'https://a.test', '["*.*"]')`, ws); err != nil {
		t.Fatal(err)
	}
	if _, err := client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	listen := func(kind recordsv1.EventListenerKind, key string, on bool) {
		t.Helper()
		if _, err := client.SetEventListener(ctx, &recordsv1.SetEventListenerRequest{WorkspaceId: ws, Kind: kind, Key: key, Listening: on}); err != nil {
			t.Fatalf("SetEventListener: %v", err)
		}
	}
	webhook, realtime := recordsv1.EventListenerKind_EVENT_LISTENER_KIND_WEBHOOK, recordsv1.EventListenerKind_EVENT_LISTENER_KIND_REALTIME
	// deleteWebhook deletes a webhook as the jobs Worker does: from the control database, then its
	// listener.
	deleteWebhook := func(id string) {
		t.Helper()
		if _, err := h.control.Exec(`UPDATE webhooks SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		listen(webhook, id, false)
	}
	shard := h.shards[func() string { sc, _, _ := srv.schemaOf(ctx, ws, true); return sc.Shard }()]
	type sent struct{ Queued, Published int }
	steps := []struct {
		name   string
		before func()
		want   sent
	}{
		{"a webhook found in the control database, the room asked", func() { rt.idle[ws] = true }, sent{1, 1}},
		{"that webhook deleted", func() { deleteWebhook("w0") }, sent{0, 0}},
		{"a webhook set", func() { listen(webhook, "w1", true) }, sent{1, 0}},
		{"a stream opening", func() { listen(webhook, "w1", false); listen(realtime, "", true); rt.idle[ws] = false }, sent{0, 1}},
		{"an idle room within the grace", func() { rt.idle[ws] = true }, sent{0, 1}},
		{"an idle room past the grace", func() {
			if _, err := shard.Exec(`UPDATE "` + outbox.ListenersTable + `" SET "at" = '2020-01-01T00:00:00.000Z' WHERE "kind" = 'realtime'`); err != nil {
				t.Fatal(err)
			}
		}, sent{0, 1}},
		{"after the idle room", func() {}, sent{0, 0}},
		{"a webhook the shard missed (stored by an older jobs Worker)", func() {
			if _, err := h.control.Exec(`INSERT INTO webhooks (id, workspace_id, target_url, operations) VALUES ('w2', ?, 'https://a.test', '["*.*"]')`, ws); err != nil {
				t.Fatal(err)
			}
		}, sent{0, 0}},
		{"a day after the webhooks were recorded", func() {
			if _, err := shard.Exec(`UPDATE "` + outbox.ListenersTable + `" SET "at" = '2020-01-01T00:00:00.000Z' WHERE "kind" = 'known'`); err != nil {
				t.Fatal(err)
			}
		}, sent{1, 0}},
		{"that webhook deleted too", func() { deleteWebhook("w2") }, sent{0, 0}},
		{"the room checked over ten minutes ago, with a stream no gateway recorded", func() {
			rt.idle[ws] = false
			if _, err := shard.Exec(`UPDATE "` + outbox.ListenersTable + `" SET "at" = '2020-01-01T00:00:00.000Z' WHERE "kind" = 'realtime-idle'`); err != nil {
				t.Fatal(err)
			}
		}, sent{0, 1}},
		{"that stream's listener recorded", func() {
			var n int
			if err := shard.QueryRow(`SELECT count(*) FROM "` + outbox.ListenersTable + `" WHERE "kind" = 'realtime'`).Scan(&n); err != nil || n != 1 {
				t.Errorf("realtime listeners after the room was heard = %d, %v; want 1", n, err)
			}
		}, sent{0, 1}},
		{"that stream closed, past the grace", func() {
			rt.idle[ws] = true
			if _, err := shard.Exec(`UPDATE "` + outbox.ListenersTable + `" SET "at" = '2020-01-01T00:00:00.000Z' WHERE "kind" = 'realtime'`); err != nil {
				t.Fatal(err)
			}
		}, sent{0, 1}},
		{"the room checked", func() {}, sent{0, 0}},
		{"a workflow trigger", func() {
			table, _ := ddl.TableName(ws, triggerObject)
			if _, err := shard.Exec(`INSERT INTO "`+table+`" ("id", "type", "settings") VALUES (?, 'DATABASE_EVENT', '{}')`, ids.NewUUID()); err != nil {
				t.Fatal(err)
			}
		}, sent{1, 0}},
	}
	for _, step := range steps {
		step.before()
		queued, published := len(h.sentEvents(t)), len(rt.got)
		if _, err := client.CreateMany(ctx, &recordsv1.CreateManyRequest{
			WorkspaceId: ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + ids.NewUUID() + `"}]`),
			Actor: &recordsv1.Actor{Source: "MANUAL", Name: "Tim"},
		}); err != nil {
			t.Fatalf("%s: CreateMany: %v", step.name, err)
		}
		got := sent{len(h.sentEvents(t)) - queued, len(rt.got) - published}
		if diff := cmp.Diff(step.want, got); diff != "" {
			t.Errorf("%s: batches (-want +got):\n%s", step.name, diff)
		}
	}

	for _, bad := range []*recordsv1.SetEventListenerRequest{
		{WorkspaceId: ws, Kind: recordsv1.EventListenerKind_EVENT_LISTENER_KIND_UNSPECIFIED, Listening: true},
		{WorkspaceId: ws, Kind: webhook, Listening: true},
		{WorkspaceId: "not-a-workspace", Kind: realtime, Listening: true},
	} {
		if _, err := client.SetEventListener(ctx, bad); connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("SetEventListener(%v) = %v, want invalid argument", bad, err)
		}
	}
}

// TestAWriteNobodyHearsLeavesNoOutboxRow: once a workspace's webhooks are known to be none and its
// room was found idle, a create whose batch wrote its own timeline leaves nothing in the outbox,
// relay or not (the batch deleted its row); an update, whose timeline the relay writes, and a
// create in a workspace with a webhook still leave theirs for the relay.
func TestAWriteNobodyHearsLeavesNoOutboxRow(t *testing.T) {
	h, srv, rt, client := newPublishingHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	rt.idle[ws] = true
	byKey := &recordsv1.Actor{Source: "API", Name: "key"}
	create := func() string {
		t.Helper()
		id := ids.NewUUID()
		if _, err := client.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people", RecordsJson: []byte(`[{"id":"` + id + `"}]`), Actor: byKey}); err != nil {
			t.Fatalf("CreateMany: %v", err)
		}
		return id
	}
	shard := h.shards[func() string { sc, _, _ := srv.schemaOf(ctx, ws, true); return sc.Shard }()]
	waiting := func() int {
		t.Helper()
		var n int
		if err := shard.QueryRow(`SELECT count(*) FROM "`+outbox.Table+`" WHERE "workspace_id" = ?`, ws).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	create() // the relay records the webhooks (none) and finds the room idle
	srv.relayPaused.Store(true)
	quiet := create()
	if n := waiting(); n != 0 {
		t.Errorf("outbox rows after a create nobody hears = %d, want 0", n)
	}
	if got := timelineOf(t, h, ws, "targetPersonId", quiet); len(got) != 1 || got[0]["name"] != "person.created" {
		t.Errorf("its timeline = %v, want its person.created activity", got)
	}
	if _, err := client.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "people",
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: quiet}}, DataJson: []byte(`{"city":"Oslo"}`), Actor: byKey}); err != nil {
		t.Fatalf("UpdateMany: %v", err)
	}
	if n := waiting(); n != 1 {
		t.Errorf("outbox rows after an update = %d, want 1 (its timeline is the relay's)", n)
	}
	if _, err := client.SetEventListener(ctx, &recordsv1.SetEventListenerRequest{WorkspaceId: ws, Kind: recordsv1.EventListenerKind_EVENT_LISTENER_KIND_WEBHOOK, Key: "w1", Listening: true}); err != nil {
		t.Fatal(err)
	}
	create()
	if n := waiting(); n != 2 {
		t.Errorf("outbox rows after a create with a webhook = %d, want 2", n)
	}
}
