package eventsub

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/graphql"
)

func TestParse(t *testing.T) {
	const sub = `subscription OnEventSubscription($eventStreamId: String!) { onEventSubscription(eventStreamId: $eventStreamId) { eventStreamId } }`
	tests := []struct {
		name string
		req  graphql.Request
		want *Subscription
		code string
	}{
		{"Twenty's front end", graphql.Request{Query: sub, Variables: map[string]any{"eventStreamId": "s1"}}, &Subscription{EventStreamID: "s1", ResponseKey: "onEventSubscription", Selection: Selection{"eventStreamId": {Name: "eventStreamId"}}}, ""},
		{"alias and literal", graphql.Request{Query: `subscription { live: onEventSubscription(eventStreamId: "s2") { metadataEvents { type } } }`}, &Subscription{EventStreamID: "s2", ResponseKey: "live",
			Selection: Selection{"metadataEvents": {Name: "metadataEvents", Sub: Selection{"type": {Name: "type"}}}}}, ""},
		{"aliases, fragments and __typename", graphql.Request{Query: `subscription { onEventSubscription(eventStreamId: "s3") { id: eventStreamId ...F
			objectRecordEventsWithQueryIds { ... on ObjectRecordEventWithQueryIds { q: queryIds } __typename } } }
			fragment F on EventSubscription { objectRecordEventsWithQueryIds { objectRecordEvent { recordId } } }`}, &Subscription{EventStreamID: "s3", ResponseKey: "onEventSubscription",
			Selection: Selection{
				"id": {Name: "eventStreamId"},
				"objectRecordEventsWithQueryIds": {Name: "objectRecordEventsWithQueryIds", Sub: Selection{
					"objectRecordEvent": {Name: "objectRecordEvent", Sub: Selection{"recordId": {Name: "recordId"}}},
					"q":                 {Name: "queryIds"},
					"__typename":        {Name: "__typename:ObjectRecordEventWithQueryIds"},
				}},
			}}, ""},
		{"named among several", graphql.Request{Query: sub + ` subscription B { onEventSubscription(eventStreamId: "b") { eventStreamId } }`, OperationName: "B"}, &Subscription{EventStreamID: "b", ResponseKey: "onEventSubscription", Selection: Selection{"eventStreamId": {Name: "eventStreamId"}}}, ""},
		{"legacy", graphql.Request{Query: `subscription { onDbEvent(input: {action: UPDATED, recordId: "00000000-0000-4000-8000-000000000001"}) { record } }`}, &Subscription{ResponseKey: "onDbEvent", DBEvent: map[string]any{"action": "UPDATED", "recordId": "00000000-0000-4000-8000-000000000001"},
			Selection: Selection{"record": {Name: "record"}}}, ""},
		{"empty", graphql.Request{}, nil, graphql.CodeBadRequest},
		{"missing variable", graphql.Request{Query: sub}, nil, graphql.CodeBadUserInput},
		{"empty stream id", graphql.Request{Query: sub, Variables: map[string]any{"eventStreamId": ""}}, nil, graphql.CodeBadUserInput},
		{"too long", graphql.Request{Query: sub, Variables: map[string]any{"eventStreamId": strings.Repeat("x", MaxStreamIDLength+1)}}, nil, graphql.CodeBadUserInput},
		{"a query", graphql.Request{Query: `{ ok }`}, nil, graphql.CodeBadRequest},
		{"unknown field", graphql.Request{Query: `subscription { nope }`}, nil, graphql.CodeValidationFailed},
		{"two root fields", graphql.Request{Query: `subscription { a: onDbEvent(input: {}) { action } b: onDbEvent(input: {}) { action } }`}, nil, graphql.CodeValidationFailed},
		{"ambiguous", graphql.Request{Query: sub + ` subscription B { onDbEvent(input: {}) { action } }`}, nil, graphql.CodeOperationResolutionFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.req)
			if tc.code != "" {
				if err == nil || err.Code() != tc.code {
					t.Fatalf("Parse = %+v, %v; want code %s", got, err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.DBEvent != nil {
				if !strings.HasPrefix(got.EventStreamID, "db-") {
					t.Errorf("onDbEvent stream id %q, want db-…", got.EventStreamID)
				}
				got.EventStreamID = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSelectionJSON(t *testing.T) {
	sel := Selection{"id": {Name: "eventStreamId"}, "events": {Name: "objectRecordEventsWithQueryIds", Sub: Selection{"queryIds": {Name: "queryIds"}}}}
	b, err := json.Marshal(sel)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"events":["objectRecordEventsWithQueryIds",{"queryIds":["queryIds",null]}],"id":["eventStreamId",null]}`; string(b) != want {
		t.Errorf("json.Marshal(selection) = %s, want %s", b, want)
	}
	var back Selection
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sel, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}
