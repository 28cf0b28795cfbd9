package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
)

// TestMatchAppliesStreamViews: a stream whose subscriber may not read opportunities gets none of
// their events, and its person events lose jobTitle (before, after, diff, updatedFields), an
// update of jobTitle alone not sent; an admin's stream gets every event whole.
func TestMatchAppliesStreamViews(t *testing.T) {
	state := roomState{Version: 1,
		Streams: map[string]map[string]json.RawMessage{
			"admin":  {"p": json.RawMessage(`{"objectNameSingular":"person"}`), "o": json.RawMessage(`{"objectNameSingular":"opportunity"}`)},
			"member": {"p": json.RawMessage(`{"objectNameSingular":"person"}`), "o": json.RawMessage(`{"objectNameSingular":"opportunity"}`)},
			"broken": {"p": json.RawMessage(`{"objectNameSingular":"person"}`)},
		},
		Views: map[string]json.RawMessage{
			"member": json.RawMessage(`{"deny":["opportunity"],"hide":{"person":["jobTitle"]}}`),
			"admin":  json.RawMessage(`null`),
			"broken": json.RawMessage(`{"deny":`),
		},
	}
	q := state.compile()
	type props struct {
		Before, After map[string]any
		UpdatedFields []string
		Diff          map[string]map[string]any
	}
	type seen struct {
		Matches map[string][]string
		Member  *props // the member's variant; nil when it gets the shared event or nothing
	}
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		want  []seen
	}{
		{"person created", &jobsv1.DatabaseEventBatch{Name: "person.created", ObjectNameSingular: "person", Events: []*jobsv1.DatabaseEvent{
			{Id: "e1", RecordId: "p1", AfterJson: []byte(`{"id":"p1","city":"Paris","jobTitle":"CEO"}`)},
			{Id: "e2", RecordId: "p2", AfterJson: []byte(`{"id":"p2","city":"Rome"}`)}, // nothing hidden in it: the shared event
		}}, []seen{
			{Matches: map[string][]string{"admin": {"p"}, "member": {"p"}}, Member: &props{After: map[string]any{"id": "p1", "city": "Paris"}}},
			{Matches: map[string][]string{"admin": {"p"}, "member": {"p"}}},
		}},
		{"person updated", &jobsv1.DatabaseEventBatch{Name: "person.updated", ObjectNameSingular: "person", Events: []*jobsv1.DatabaseEvent{
			{Id: "e3", RecordId: "p1", BeforeJson: []byte(`{"id":"p1","jobTitle":"CEO"}`), AfterJson: []byte(`{"id":"p1","jobTitle":"CTO"}`), UpdatedFields: []string{"jobTitle"}},
			{Id: "e4", RecordId: "p1", BeforeJson: []byte(`{"id":"p1","city":"Paris","jobTitle":"CTO"}`), AfterJson: []byte(`{"id":"p1","city":"Rome","jobTitle":"CFO"}`), UpdatedFields: []string{"city", "jobTitle"}},
		}}, []seen{
			{Matches: map[string][]string{"admin": {"p"}}},
			{Matches: map[string][]string{"admin": {"p"}, "member": {"p"}}, Member: &props{
				Before: map[string]any{"id": "p1", "city": "Paris"}, After: map[string]any{"id": "p1", "city": "Rome"},
				UpdatedFields: []string{"city"}, Diff: map[string]map[string]any{"city": {"before": "Paris", "after": "Rome"}}}},
		}},
		{"opportunity created", &jobsv1.DatabaseEventBatch{Name: "opportunity.created", ObjectNameSingular: "opportunity", Events: []*jobsv1.DatabaseEvent{
			{Id: "e5", RecordId: "o1", AfterJson: []byte(`{"id":"o1","name":"Deal"}`)},
		}}, []seen{{Matches: map[string][]string{"admin": {"o"}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := recordEvents(tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			if err := q.match(tt.batch.GetObjectNameSingular(), events); err != nil {
				t.Fatal(err)
			}
			var got []seen
			for _, e := range events {
				s := seen{Matches: e.Matches}
				if id := e.Variant["member"]; id != "" {
					var ev struct{ Properties props }
					if err := json.Unmarshal(e.Variants[id], &ev); err != nil {
						t.Fatal(err)
					}
					s.Member = &ev.Properties
				}
				if _, ok := e.Variant["admin"]; ok {
					t.Errorf("event %s: the admin got a variant", e.ID)
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("matches (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAddQueryRefreshesTheView: a query registered with the subscriber's permissions read again
// hands the room the new view (JSON null: nothing hidden); without one the room's stays.
func TestAddQueryRefreshesTheView(t *testing.T) {
	var bodies []map[string]any
	stub := func(string) (connect.HTTPClient, error) {
		return &http.Client{Transport: roundTrip(func(req *http.Request) (*http.Response, error) {
			var body map[string]any
			if err := json.NewDecoder(req.Body).Decode(&body); err != nil {
				return nil, err
			}
			bodies = append(bodies, body)
			rec := httptest.NewRecorder()
			_, _ = rec.WriteString(`{"ok":true}`)
			return rec.Result(), nil
		})}, nil
	}
	srv := httptest.NewServer(newHandler(&rooms{stub: stub}, nil))
	defer srv.Close()
	client := realtimev1connect.NewRealtimeServiceClient(srv.Client(), srv.URL)
	sig := []byte(`{"objectNameSingular":"person"}`)
	tests := []struct {
		name     string
		view     []byte
		want     any
		wantSent bool
		wantCode connect.Code
	}{
		{"restricted", []byte(`{"deny":["opportunity"],"hide":{"person":["jobTitle"]}}`),
			map[string]any{"deny": []any{"opportunity"}, "hide": map[string]any{"person": []any{"jobTitle"}}}, true, 0},
		{"nothing hidden", []byte(`null`), nil, true, 0},
		{"not given", nil, nil, false, 0},
		{"not JSON", []byte(`{`), nil, false, connect.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bodies = nil
			_, err := client.AddQuery(context.Background(), &realtimev1.AddQueryRequest{WorkspaceId: "ws-1", EventStreamId: "s1", QueryId: "q1",
				OperationSignatureJson: sig, Caller: &realtimev1.Caller{UserWorkspaceId: "uw-1"}, ViewJson: tt.view})
			if connect.CodeOf(err) != tt.wantCode && (err != nil || tt.wantCode != 0) {
				t.Fatalf("AddQuery: %v, want code %v", err, tt.wantCode)
			}
			if err != nil {
				return
			}
			view, sent := bodies[0]["view"]
			if diff := cmp.Diff([]any{tt.wantSent, tt.want}, []any{sent, view}); diff != "" {
				t.Errorf("room's view (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkMatchViews matches a batch of 10 person creations against 1,000 streams of one query
// each, none restricted or half of them hiding jobTitle and denying opportunities.
func BenchmarkMatchViews(b *testing.B) {
	batch := &jobsv1.DatabaseEventBatch{Name: "person.created", ObjectNameSingular: "person"}
	for i := range 10 {
		batch.Events = append(batch.Events, &jobsv1.DatabaseEvent{Id: fmt.Sprintf("e%d", i), RecordId: fmt.Sprintf("p%d", i),
			AfterJson: []byte(`{"id":"p","name":{"firstName":"Ada","lastName":"Lovelace"},"city":"Paris","jobTitle":"CEO","emails":{"primaryEmail":"ada@x.dev"}}`)})
	}
	for _, restricted := range []bool{false, true} {
		state := roomState{Version: 1, Streams: map[string]map[string]json.RawMessage{}, Views: map[string]json.RawMessage{}}
		for i := range 1000 {
			sid := fmt.Sprintf("s%d", i)
			state.Streams[sid] = map[string]json.RawMessage{"q": json.RawMessage(`{"objectNameSingular":"person"}`)}
			if restricted && i%2 == 0 {
				state.Views[sid] = json.RawMessage(`{"deny":["opportunity"],"hide":{"person":["jobTitle"]}}`)
			}
		}
		q := state.compile()
		b.Run(fmt.Sprintf("restricted=%v", restricted), func(b *testing.B) {
			for b.Loop() {
				events, err := recordEvents(batch)
				if err != nil {
					b.Fatal(err)
				}
				if err := q.match("person", events); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
