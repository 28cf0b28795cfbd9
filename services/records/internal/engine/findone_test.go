package engine

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// queryError returns the *QueryError err holds, or fails the test.
func queryError(t *testing.T, err error) *QueryError {
	t.Helper()
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Fatalf("error = %v, want a *QueryError", err)
	}
	return qe
}

// TestFindOne checks FindOne against FindMany's rendering of the same record, its shapes, and
// Twenty's errors (example 17: a missing record is "Record not found").
func TestFindOne(t *testing.T) {
	db := newDB(t, wsA, wsB)
	seed(t, db, wsA)
	const deleted = "00000000-0000-4000-8000-0000000000de"
	insert(t, db, wsA, "person", row{"id": deleted, "deletedAt": "2024-06-01T00:00:00.000Z"})
	var e Engine
	// FindMany's record of id, at the given depth.
	listed := func(id, params string) map[string]any {
		p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, "filter=id[eq]:"+id+params))
		if err != nil || len(p.Records) != 1 {
			t.Fatalf("FindMany(%s): %v, %d records", id, err, len(p.Records))
		}
		return p.Records[0]
	}
	tests := []struct {
		name  string
		ws    string
		id    string
		shape Shape
		want  map[string]any
		code  Code
		msg   string
	}{
		{name: "depth 0 as FindMany", ws: wsA, id: ada, want: listed(ada, "")},
		{name: "depth 1 embeds the company", ws: wsA, id: ada, shape: Shape{Depth: 1}, want: listed(ada, "&depth=1")},
		{name: "a soft-deleted company is not embedded", ws: wsA, id: carla, shape: Shape{Depth: 1}, want: listed(carla, "&depth=1")},
		{name: "upper-case id", ws: wsA, id: "00000000-0000-4000-8000-00000000000D", want: listed(ada, "")},
		{name: "fields", ws: wsA, id: ada, shape: Shape{Fields: []string{"city", "id"}}, want: map[string]any{"id": ada, "city": "London"}},
		{name: "missing", ws: wsA, id: "00000000-0000-4000-8000-000000000999", code: CodeRecordNotFound, msg: "Record not found"},
		{name: "soft-deleted", ws: wsA, id: deleted, code: CodeRecordNotFound, msg: "Record not found"},
		{name: "another workspace's", ws: wsB, id: ada, code: CodeRecordNotFound, msg: "Record not found"},
		{name: "malformed id", ws: wsA, id: "malformed-uuid", code: CodeInvalidQueryInput, msg: `Value "malformed-uuid" is not a valid UUID`},
		{name: "unknown field", ws: wsA, id: ada, shape: Shape{Fields: []string{"nope"}}, code: CodeInvalidFields,
			msg: "'fields' parameter invalid. Unknown or unreadable fields on 'person': nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.FindOne(t.Context(), db, tt.ws, object(t, "person"), objects(), tt.id, tt.shape)
			if tt.code != "" {
				qe := queryError(t, err)
				if qe.Code != tt.code || qe.Message != tt.msg {
					t.Errorf("error = %s %q, want %s %q", qe.Code, qe.Message, tt.code, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("FindOne: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("record mismatch (-want +got):\n%s", diff)
			}
		})
	}
	if got, _ := e.FindOne(t.Context(), db, wsA, object(t, "person"), objects(), ada, Shape{Depth: 1}); got["company"].(map[string]any)["people"] != nil {
		t.Errorf("the embedded company embeds its people")
	}
}
