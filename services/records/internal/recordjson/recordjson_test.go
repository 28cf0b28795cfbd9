package recordjson

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"null", nil, `null`},
		{"record", map[string]any{"id": "a", "position": 1.5, "n": int64(-3), "ok": true, "tags": []any{}, "name": map[string]any{"lastName": "Doe", "firstName": "John"}, "gone": nil},
			`{"gone":null,"id":"a","n":-3,"name":{"firstName":"John","lastName":"Doe"},"ok":true,"position":1.5,"tags":[]}`},
		{"records", []map[string]any{{"b": 1.0}, {"a": "x"}}, `[{"b":1},{"a":"x"}]`},
		{"no HTML escaping, JSON's escapes", "<a href=\"x\">&</a>\\\n\t\x01\u2028é", `"<a href=\"x\">&</a>\\\n\t\u0001` + "\u2028é\""},
		{"invalid UTF-8", "a\xffb", `"a\ufffdb"`},
		{"numbers as JavaScript writes them", []any{0.0, 1e21, 1e20, 1e-7, 0.000001, 123456789.125, -2.5e-10, float64(1 << 53)},
			`[0,1e+21,100000000000000000000,1e-7,0.000001,123456789.125,-2.5e-10,9007199254740992]`},
		{"other types through encoding/json", []string{"a"}, `["a"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("Marshal (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Marshal(math.NaN()); err == nil {
		t.Error("Marshal(NaN) succeeded")
	}
}

// TestMarshalReadsBackAsEncodingJSON checks, on random records, that the output is valid JSON
// holding the same values encoding/json's does.
func TestMarshalReadsBackAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var value func(depth int) any
	value = func(depth int) any {
		switch k := r.IntN(8); {
		case k == 0:
			return nil
		case k == 1:
			return r.IntN(2) == 0
		case k == 2:
			var b strings.Builder
			for range r.IntN(12) {
				b.WriteRune(rune(r.IntN(0x3000)))
			}
			return b.String()
		case k == 3:
			return r.Int64() >> r.IntN(64)
		case k == 4:
			return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(60)-30))
		case k == 5 && depth < 3:
			l := make([]any, r.IntN(4))
			for i := range l {
				l[i] = value(depth + 1)
			}
			return l
		case depth < 3:
			m := map[string]any{}
			for range r.IntN(5) {
				m[string(rune('a'+r.IntN(26)))+"x"] = value(depth + 1)
			}
			return m
		}
		return "leaf"
	}
	for range 2000 {
		v := value(0)
		ours, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		theirs, _ := json.Marshal(v)
		var a, b any
		if err := json.Unmarshal(ours, &a); err != nil {
			t.Fatalf("invalid JSON %s: %v", ours, err)
		}
		if err := json.Unmarshal(theirs, &b); err != nil {
			t.Fatalf("invalid JSON %s: %v", theirs, err)
		}
		if diff := cmp.Diff(b, a); diff != "" {
			t.Fatalf("%s reads back differently from %s:\n%s", ours, theirs, diff)
		}
	}
}

func BenchmarkMarshalRecords(b *testing.B) {
	rec := map[string]any{"id": "0f8b8a5e-3d4c-4a8e-9a51-1f9f1e3b7c2d", "city": "Paris", "position": 3.0, "jobTitle": "",
		"name":      map[string]any{"firstName": "Bench", "lastName": "12"},
		"emails":    map[string]any{"primaryEmail": "bench12@example.com", "additionalEmails": []any{}},
		"createdBy": map[string]any{"source": "API", "name": "", "workspaceMemberId": nil, "context": map[string]any{}},
		"createdAt": "2026-11-22T17:00:00.000Z", "updatedAt": "2026-11-22T17:00:00.000Z", "deletedAt": nil, "companyId": nil}
	recs := make([]map[string]any, 200)
	for i := range recs {
		recs[i] = rec
	}
	b.Run("recordjson", func(b *testing.B) {
		for b.Loop() {
			if _, err := Marshal(recs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(recs); err != nil {
				b.Fatal(err)
			}
		}
	})
}
