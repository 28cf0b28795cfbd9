package cfworker

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHeaderPacking(t *testing.T) {
	tests := []struct {
		name string
		in   http.Header
		want http.Header
	}{
		{name: "none", in: http.Header{}, want: http.Header{}},
		{
			name: "values kept in order, several per name",
			in:   http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "Authorization": {"Bearer x.y.z"}},
			want: http.Header{"Content-Type": {"application/json"}, "X-Multi": {"a", "b"}, "Authorization": {"Bearer x.y.z"}},
		},
		{name: "empty value", in: http.Header{"X-Empty": {""}}, want: http.Header{"X-Empty": {""}}},
		{
			name: "colons and spaces in values",
			in:   http.Header{"Link": {"<https://a.example/x?y=1>; rel=\"next\", <https://a.example/>; rel=first"}},
			want: http.Header{"Link": {"<https://a.example/x?y=1>; rel=\"next\", <https://a.example/>; rel=first"}},
		},
		{
			name: "line breaks cannot start another header",
			in:   http.Header{"X-Echo": {"a\r\nSet-Cookie: evil=1"}},
			want: http.Header{"X-Echo": {"a  Set-Cookie: evil=1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := http.Header{}
			UnpackHeader(PackHeader(tt.in), got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnpackHeaderFromGlue(t *testing.T) {
	// As glue.mjs packHeaders writes them: lower-case names, one line each for name and value.
	got := http.Header{}
	UnpackHeader("content-type\napplication/json\nx-request-id\nr1\naccept\n*/*\ntruncated", got)
	want := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r1"}, "Accept": {"*/*"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UnpackHeader mismatch (-want +got):\n%s", diff)
	}
}
