package graphql

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLimits(t *testing.T) {
	tests := []struct {
		name  string
		opts  []Option
		query string
		want  string // JSON
	}{
		{
			name:  "depth",
			opts:  []Option{WithMaxDepth(3)},
			query: `{ currentUser { friends { friends { id } } } }`,
			want: `{"errors":[{"message":"The operation has a depth of 4, more than the maximum of 3.",
				"locations":[{"line":1,"column":1}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "depth through fragments",
			opts:  []Option{WithMaxDepth(3)},
			query: `query Q { currentUser { ...F } } fragment F on User { ... on User { friends { friends { id } } } }`,
			want: `{"errors":[{"message":"Operation \"Q\" has a depth of 4, more than the maximum of 3.",
				"locations":[{"line":1,"column":1}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "depth at the limit",
			opts:  []Option{WithMaxDepth(3)},
			query: `{ currentUser { friends { id } } }`,
			want:  `{"data":{"currentUser":{"friends":[{"id":"u2"},null,{"id":"u3"}]}}}`,
		},
		{
			name:  "introspection does not count for depth",
			opts:  []Option{WithMaxDepth(2)},
			query: `{ __type(name: "Token") { fields { type { ofType { name } } } } }`,
			want:  `{"data":{"__type":{"fields":[{"type":{"ofType":{"name":"String"}}},{"type":{"ofType":{"name":"DateTime"}}}]}}}`,
		},
		{
			name:  "root fields",
			opts:  []Option{WithMaxRootFields(2)},
			query: "{ a: currentUser { id } __typename ...F ...F }\nfragment F on Query { b: currentUser { id } c: currentUser { id } }",
			want: `{"errors":[{"message":"The operation has 3 root fields, more than the maximum of 2.",
				"locations":[{"line":1,"column":1}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "fields",
			opts:  []Option{WithMaxFields(3)},
			query: `{ currentUser { id email name } }`,
			want: `{"errors":[{"message":"The document has more than 3 fields, fragments expanded.",
				"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "document size",
			opts:  []Option{WithMaxDocumentBytes(20)},
			query: `{ currentUser { id email } }`,
			want: `{"errors":[{"message":"The document is 28 bytes long, more than the maximum of 20.",
				"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "no limits",
			opts:  []Option{WithMaxDepth(0), WithMaxRootFields(0), WithMaxFields(0), WithMaxDocumentBytes(0)},
			query: `{ currentUser { friends { friends { id } } } }`,
			want:  `{"data":{"currentUser":{"friends":[{"friends":null},null,{"friends":null}]}}}`,
		},
		{
			name:  "tokens",
			opts:  []Option{WithMaxTokens(5)},
			query: `{ currentUser { id email } }`,
			want:  `{"errors":[{"message":"Syntax Error: exceeded token limit of 5","extensions":{"code":"GRAPHQL_PARSE_FAILED"}}]}`,
		},
		{
			name:  "same field selected too often",
			query: "{ currentUser { ...F " + strings.Repeat("id ", 29) + "} } fragment F on User { ... on User { id } id }",
			want: `{"errors":[{"message":"The field \"id\" is selected more than 30 times in one selection set.",
				"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
		{
			name:  "same field selected as often as allowed",
			query: "{ currentUser { ...F " + strings.Repeat("id ", 28) + "} } fragment F on User { ... on User { id } id }",
			want:  `{"data":{"currentUser":{"id":"u1"}}}`,
		},
		{
			name:  "fragment cycle",
			query: `{ currentUser { ...A } } fragment A on User { id ...B } fragment B on User { ...A }`,
			want: `{"errors":[{"message":"Cannot spread fragment \"A\" within itself via \"B\".",
				"locations":[{"line":1,"column":81}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestSchema(t, tt.opts...)
			got := toJSON(t, s.Execute(context.Background(), Request{Query: tt.query}))
			if diff := cmp.Diff(got, decodeJSON(t, []byte(tt.want))); diff != "" {
				t.Errorf("Execute(%s) mismatch (-got +want):\n%s", tt.query, diff)
			}
		})
	}
}

func TestValidationErrorsAreCapped(t *testing.T) {
	s, _ := newTestSchema(t)
	var q strings.Builder
	q.WriteString("{ __typename }")
	for i := range 150 {
		q.WriteString(" fragment F" + strconv.Itoa(i) + " on Query { __typename }")
	}
	resp := s.Execute(context.Background(), Request{Query: q.String()})
	if got, want := len(resp.Errors), maxValidationErrors+1; got != want {
		t.Fatalf("got %d errors, want %d", got, want)
	}
	if got, want := resp.Errors[maxValidationErrors].Message, "Too many validation errors, error limit reached. Validation aborted."; got != want {
		t.Errorf("last error = %q, want %q", got, want)
	}
}

// TestFragmentBomb checks that fragments spread exponentially often are rejected early, their
// counts saturating instead of overflowing.
func TestFragmentBomb(t *testing.T) {
	s, _ := newTestSchema(t)
	var q strings.Builder
	q.WriteString("{ currentUser { ...F0 } }\n")
	const n = 70
	for i := range n {
		q.WriteString("fragment F" + strconv.Itoa(i) + " on User { id ...F" + strconv.Itoa(i+1) + " ...F" + strconv.Itoa(i+1) + " }\n")
	}
	q.WriteString("fragment F" + strconv.Itoa(n) + " on User { id }\n")
	got := toJSON(t, s.Execute(context.Background(), Request{Query: q.String()}))
	want := decodeJSON(t, []byte(`{"errors":[{"message":"The document has more than 2000 fields, fragments expanded.",
		"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]}`))
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

// TestExpandedLimits checks the two shapes whose cost grew with the square of their size within
// every other limit: k aliases spreading one fragment of k fields (k×k fields executed), and many
// fragments spread in one selection set (compared pairwise by validation).
func TestExpandedLimits(t *testing.T) {
	s, _ := newTestSchema(t)
	var aliases, fields, spreads, fragments strings.Builder
	for i := range 60 {
		fmt.Fprintf(&aliases, "a%d: friends { ...F } ", i)
		fmt.Fprintf(&fields, "e%d: id ", i)
	}
	for i := range maxSpreadsPerSelection + 1 {
		fmt.Fprintf(&spreads, "...F%d ", i)
		fmt.Fprintf(&fragments, "fragment F%d on User { f%d: email } ", i, i)
	}
	for _, tc := range []struct{ query, want string }{
		{"{ currentUser { " + aliases.String() + "} } fragment F on User { " + fields.String() + "}",
			"The document has more than 2000 fields, fragments expanded."},
		{"{ currentUser { " + spreads.String() + "} } " + fragments.String(),
			fmt.Sprintf("A selection set spreads %d fragments, more than the maximum of %d.", maxSpreadsPerSelection+1, maxSpreadsPerSelection)},
	} {
		r := s.Execute(context.Background(), Request{Query: tc.query})
		if len(r.Errors) != 1 || r.Errors[0].Message != tc.want {
			t.Errorf("%.60s…: errors %+v, want %q", tc.query, r.Errors, tc.want)
		}
	}
}

func TestDocumentCache(t *testing.T) {
	s, _ := newTestSchema(t)
	ctx := context.Background()
	for range 3 {
		s.Execute(ctx, Request{Query: "{ currentUser { id } }"})
		s.Execute(ctx, Request{Query: "{ nope }"})
	}
	if got, want := s.cache.len(), 2; got != want {
		t.Errorf("cache holds %d documents, want %d", got, want)
	}
	if a, b := s.load("{ currentUser { id } }"), s.load("{ currentUser { id } }"); a != b {
		t.Error("a cached query was parsed again")
	}
}

func TestDocCacheEviction(t *testing.T) {
	tests := []struct {
		name                 string
		maxEntries, maxBytes int
		add                  []string
		want                 []string // cached, most recently used first
	}{
		{"by entries", 2, 100, []string{"a", "b", "a", "c"}, []string{"c", "a"}},
		{"by bytes", 10, 5, []string{"aa", "bb", "aa", "cc"}, []string{"cc", "aa"}},
		{"too large", 10, 5, []string{"aa", "bbbbbb"}, []string{"aa"}},
		{"disabled", 0, 5, []string{"aa"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newDocCache(tt.maxEntries, tt.maxBytes)
			for _, q := range tt.add {
				if _, ok := c.get(q); !ok {
					c.add(q, &document{})
				}
			}
			var got []string
			if c != nil {
				for el := c.order.Front(); el != nil; el = el.Next() {
					got = append(got, el.Value.(*cacheEntry).query)
				}
			}
			if diff := cmp.Diff(got, tt.want); diff != "" {
				t.Errorf("cached (-got +want):\n%s", diff)
			}
		})
	}
}
