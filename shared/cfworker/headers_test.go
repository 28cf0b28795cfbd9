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

func TestEventPoolRunsEveryEvent(t *testing.T) {
	p := newEventPool()
	const events = 3 * maxEventWorkers
	done := make(chan int, events)
	release := make(chan struct{})
	for i := range events {
		p.run(func() {
			<-release // all busy at once: past maxEventWorkers, events get goroutines of their own
			done <- i
		})
	}
	close(release)
	seen := map[int]bool{}
	for range events {
		seen[<-done] = true
	}
	if len(seen) != events {
		t.Fatalf("ran %d distinct events, want %d", len(seen), events)
	}
	if got := p.workers.Load(); got != maxEventWorkers {
		t.Errorf("workers = %d, want %d kept", got, maxEventWorkers)
	}
	// Idle workers take the next events.
	for i := range 5 {
		p.run(func() { done <- i })
		<-done
	}
	if got := p.workers.Load(); got != maxEventWorkers {
		t.Errorf("workers after idle reuse = %d, want %d", got, maxEventWorkers)
	}
}
