package requestid

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"", false},
		{"abc-123_X.y", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"has space", false},
		{"new\nline", false},
		{`quote"`, false},
	}
	for _, tt := range tests {
		if got := Valid(tt.id); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestMiddleware(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"adopts a valid id", "client-id-1", true},
		{"replaces an invalid id", "bad id\n", false},
		{"draws one when absent", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen string
			h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = FromContext(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				req.Header.Set(Header, tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Header().Get(Header); got != seen {
				t.Errorf("response id %q, context id %q: want equal", got, seen)
			}
			if !Valid(seen) {
				t.Errorf("context id %q is not valid", seen)
			}
			if (seen == tt.incoming) != tt.keep {
				t.Errorf("id = %q, incoming %q: kept = %v, want %v", seen, tt.incoming, seen == tt.incoming, tt.keep)
			}
		})
	}
}
