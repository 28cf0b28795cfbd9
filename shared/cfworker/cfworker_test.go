package cfworker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestServeRecoveredTurnsPanicInto500(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Partial", "yes")
		panic("boom")
	})
	resp := serveRecovered(context.Background(), h, httptest.NewRequest(http.MethodGet, "/panic", nil))
	if resp.status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", resp.status)
	}
	if got := resp.body.String(); got != internalErrorBody {
		t.Errorf("body = %s, want %s", got, internalErrorBody)
	}
	if got := resp.header.Get("X-Partial"); got != "" {
		t.Errorf("header of the panicking handler leaked: X-Partial = %q", got)
	}
}

func TestServeRecoveredKeepsResponse(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte("made"))
		w.WriteHeader(http.StatusTeapot) // ignored, as net/http does
	})
	resp := serveRecovered(context.Background(), h, httptest.NewRequest(http.MethodPost, "/", nil))
	got := []string{http.StatusText(resp.status), resp.header.Get("Content-Type"), resp.body.String()}
	want := []string{"Created", "text/plain", "made"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("response mismatch (-want +got):\n%s", diff)
	}
}

// decisions records what a batch did with each message.
type decisions struct {
	mu  sync.Mutex
	got map[string]string
}

func (d *decisions) message(id string) *Message {
	return NewMessage(id, 1, time.Unix(0, 0), []byte(id),
		func() { d.record(id, "ack") },
		func(delay time.Duration) { d.record(id, "retry "+delay.String()) })
}

func (d *decisions) record(id, what string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got[id] = what
}

func TestHandleBatchDecidesEveryMessage(t *testing.T) {
	tests := []struct {
		name   string
		handle func(context.Context, *Batch)
		want   map[string]string
	}{
		{
			name: "handler decisions stand; the first decision wins",
			handle: func(_ context.Context, b *Batch) {
				b.Messages[0].Ack()
				b.Messages[0].Retry(time.Second)
				b.Messages[1].Retry(5 * time.Second)
			},
			want: map[string]string{"a": "ack", "b": "retry 5s", "c": "retry 0s"},
		},
		{
			name: "a panic retries only what was not decided",
			handle: func(_ context.Context, b *Batch) {
				b.Messages[0].Ack()
				panic("boom")
			},
			want: map[string]string{"a": "ack", "b": "retry 0s", "c": "retry 0s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &decisions{got: map[string]string{}}
			b := &Batch{Queue: "jobs", Messages: []*Message{d.message("a"), d.message("b"), d.message("c")}}
			handleBatch(context.Background(), tt.handle, b)
			if diff := cmp.Diff(tt.want, d.got); diff != "" {
				t.Errorf("decisions mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunScheduledRecoversPanic(t *testing.T) {
	err := runScheduled(context.Background(), func(context.Context, ScheduledEvent) error { panic("cron boom") }, ScheduledEvent{Cron: "* * * * *"})
	if err == nil {
		t.Fatal("runScheduled of a panicking task = nil, want an error")
	}
}

func TestWaitUntilUsesTheEventsWaiterAndOutlivesCancel(t *testing.T) {
	var handed []func()
	ctx, cancel := context.WithCancel(withWaiter(context.Background(), func(fn func()) { handed = append(handed, fn) }))
	var ranWith error
	WaitUntil(ctx, func(ctx context.Context) { ranWith = ctx.Err() })
	cancel()
	if len(handed) != 1 {
		t.Fatalf("waiter got %d functions, want 1", len(handed))
	}
	handed[0]()
	if ranWith != nil {
		t.Errorf("background task saw ctx.Err() = %v, want nil after the request ended", ranWith)
	}
}
