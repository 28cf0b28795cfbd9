package eventsub

import (
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
		{"Twenty's front end", graphql.Request{Query: sub, Variables: map[string]any{"eventStreamId": "s1"}}, &Subscription{EventStreamID: "s1", ResponseKey: "onEventSubscription"}, ""},
		{"alias and literal", graphql.Request{Query: `subscription { live: onEventSubscription(eventStreamId: "s2") { metadataEvents { type } } }`}, &Subscription{EventStreamID: "s2", ResponseKey: "live"}, ""},
		{"named among several", graphql.Request{Query: sub + ` subscription B { onEventSubscription(eventStreamId: "b") { eventStreamId } }`, OperationName: "B"}, &Subscription{EventStreamID: "b", ResponseKey: "onEventSubscription"}, ""},
		{"legacy", graphql.Request{Query: `subscription { onDbEvent(input: {action: UPDATED, recordId: "00000000-0000-4000-8000-000000000001"}) { record } }`}, &Subscription{ResponseKey: "onDbEvent", DBEvent: map[string]any{"action": "UPDATED", "recordId": "00000000-0000-4000-8000-000000000001"}}, ""},
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
