package recordmatch

import (
	"encoding/json"
	"testing"
)

func TestMatches(t *testing.T) {
	ada := `{"id":"1","name":{"firstName":"Ada","lastName":"Lovelace"},"city":"London","jobTitle":"","position":3,"deletedAt":null,"emails":{"primaryEmail":"ada@x.io","additionalEmails":["a@y.io"]},"tags":["math","poet"]}`
	gone := `{"id":"2","name":{"firstName":"Bob","lastName":"B"},"city":"Paris","position":1,"deletedAt":"2026-01-01T00:00:00.000Z"}`
	tests := []struct {
		name, record, filter string
		includeDeleted       bool
		want                 bool
	}{
		{"empty", ada, `{}`, false, true},
		{"eq", ada, `{"city":{"eq":"London"}}`, false, true},
		{"eq case", ada, `{"city":{"eq":"london"}}`, false, false},
		{"neq", ada, `{"city":{"neq":"Paris"}}`, false, true},
		{"composite", ada, `{"name":{"firstName":{"eq":"Ada"}}}`, false, true},
		{"composite no", ada, `{"name":{"firstName":{"eq":"Bob"}}}`, false, false},
		{"ilike", ada, `{"name":{"lastName":{"ilike":"%love%"}}}`, false, true},
		{"like case", ada, `{"name":{"lastName":{"like":"%love%"}}}`, false, false},
		{"like underscore", ada, `{"city":{"like":"Lond_n"}}`, false, true},
		{"startsWith", ada, `{"city":{"startsWith":"Lon"}}`, false, true},
		{"endsWith", ada, `{"city":{"endsWith":"x"}}`, false, false},
		{"in", ada, `{"city":{"in":["Paris","London"]}}`, false, true},
		{"in no", ada, `{"city":{"in":["Paris"]}}`, false, false},
		{"gt number", ada, `{"position":{"gt":2}}`, false, true},
		{"lte number", ada, `{"position":{"lte":2}}`, false, false},
		{"is null empty text", ada, `{"jobTitle":{"is":"NULL"}}`, false, true},
		{"is not null", ada, `{"city":{"is":"NOT_NULL"}}`, false, true},
		{"and", ada, `{"and":[{"city":{"eq":"London"}},{"position":{"gte":3}}]}`, false, true},
		{"or", ada, `{"or":[{"city":{"eq":"Paris"}},{"position":{"eq":3}}]}`, false, true},
		{"not", ada, `{"not":{"city":{"eq":"London"}}}`, false, false},
		{"containsAny", ada, `{"tags":{"containsAny":["poet"]}}`, false, true},
		{"relation unknown matches", ada, `{"company":{"name":{"eq":"x"}}}`, false, true},
		{"unknown under not still matches", ada, `{"not":{"company":{"name":{"eq":"x"}}}}`, false, true},
		{"and of false and unknown", ada, `{"and":[{"city":{"eq":"Paris"}},{"company":{"name":{"eq":"x"}}}]}`, false, false},
		{"soft-deleted hidden", gone, `{"city":{"eq":"Paris"}}`, false, false},
		{"soft-deleted with deletedAt filter", gone, `{"deletedAt":{"is":"NOT_NULL"}}`, false, true},
		{"soft-deleted on delete event", gone, `{"city":{"eq":"Paris"}}`, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var rec, filter map[string]any
			if err := json.Unmarshal([]byte(tc.record), &rec); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tc.filter), &filter); err != nil {
				t.Fatal(err)
			}
			f, err := FilterOf(filter, 0)
			if err != nil {
				t.Fatalf("FilterOf(%s) = %v", tc.filter, err)
			}
			if got := Matches(f, rec, tc.includeDeleted); got != tc.want {
				t.Errorf("Matches(%s, %s) = %v, want %v", tc.filter, tc.record, got, tc.want)
			}
		})
	}
}

func TestMatchesEvent(t *testing.T) {
	q, err := ParseSignature([]byte(`{"objectNameSingular":"person","variables":{"filter":{"city":{"eq":"Paris"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	paris := map[string]any{"id": "1", "city": "Paris"}
	rome := map[string]any{"id": "1", "city": "Rome"}
	deleted := map[string]any{"id": "1", "city": "Paris", "deletedAt": "2026-01-01T00:00:00Z"}
	tests := []struct {
		name, object, action string
		before, after        map[string]any
		want                 bool
	}{
		{"created match", "person", "CREATED", nil, paris, true},
		{"created other", "person", "CREATED", nil, rome, false},
		{"other object", "company", "CREATED", nil, paris, false},
		{"updated out of the list", "person", "UPDATED", paris, rome, true},
		{"updated elsewhere", "person", "UPDATED", rome, rome, false},
		{"soft-deleted", "person", "DELETED", paris, deleted, true},
		{"destroyed", "person", "DESTROYED", paris, nil, true},
	}
	for _, tc := range tests {
		if got := MatchesEvent(q, tc.object, tc.action, tc.before, tc.after); got != tc.want {
			t.Errorf("%s: MatchesEvent = %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := ParseSignature([]byte(`{"objectNameSingular":"person","variables":{"filter":{"city":{"bogus":1}}}}`)); err == nil {
		t.Error("ParseSignature accepted an unknown operator")
	}
}
