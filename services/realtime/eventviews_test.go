package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
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
