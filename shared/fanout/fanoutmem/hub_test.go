package fanoutmem_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/fanout"
	"github.com/twentyworkers/twenty/shared/fanout/fanoutmem"
	"github.com/twentyworkers/twenty/shared/fanout/fanouttest"
)

func TestConformance(t *testing.T) {
	h := fanoutmem.New()
	// A subscriber elsewhere must not count towards the checked room.
	_, cancel := h.Subscribe("other-room")
	defer cancel()

	for _, r := range conformance.Run(t.Context(), "fanout", fanouttest.Checks(h, "conformance:room")) {
		t.Run(r.Check, func(t *testing.T) {
			if !r.Passed {
				t.Error(r.Error)
			}
		})
	}
}

// drain returns the events buffered on ch without blocking.
func drain(ch <-chan []byte) []string {
	var got []string
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return got
			}
			got = append(got, string(e))
		default:
			return got
		}
	}
}

func TestPublishDeliversToRoomSubscribers(t *testing.T) {
	ctx := t.Context()
	h := fanoutmem.New()
	a, cancelA := h.Subscribe("room")
	defer cancelA()
	b, cancelB := h.Subscribe("room")
	defer cancelB()
	other, cancelOther := h.Subscribe("other")
	defer cancelOther()

	n, err := h.Publish(ctx, "room", []byte("e1"))

	if err != nil || n != 2 {
		t.Fatalf("Publish = %d, %v; want 2, nil", n, err)
	}
	got := map[string][]string{"a": drain(a), "b": drain(b), "other": drain(other)}
	want := map[string][]string{"a": {"e1"}, "b": {"e1"}, "other": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received events mismatch (-want +got):\n%s", diff)
	}
}

func TestFullSubscriberIsSkipped(t *testing.T) {
	ctx := t.Context()
	h := fanoutmem.NewWithBuffer(2)
	slow, cancelSlow := h.Subscribe("room")
	defer cancelSlow()

	var counts []int
	for i := range 3 {
		n, err := h.Publish(ctx, "room", fmt.Appendf(nil, "e%d", i))
		if err != nil {
			t.Fatalf("Publish(e%d) = %v", i, err)
		}
		counts = append(counts, n)
	}
	fast, cancelFast := h.Subscribe("room")
	defer cancelFast()
	n, err := h.Publish(ctx, "room", []byte("e3"))
	if err != nil {
		t.Fatalf("Publish(e3) = %v", err)
	}
	counts = append(counts, n)

	if diff := cmp.Diff([]int{1, 1, 0, 1}, counts); diff != "" {
		t.Errorf("delivered counts mismatch (-want +got):\n%s", diff)
	}
	got := map[string][]string{"slow": drain(slow), "fast": drain(fast)}
	want := map[string][]string{"slow": {"e0", "e1"}, "fast": {"e3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("received events mismatch (-want +got):\n%s", diff)
	}
}

func TestCancel(t *testing.T) {
	ctx := t.Context()
	h := fanoutmem.New()
	events, cancel := h.Subscribe("room")

	cancel()
	cancel() // Idempotent.

	if _, ok := <-events; ok {
		t.Error("channel still open after cancel")
	}
	if n, err := h.Publish(ctx, "room", []byte("e")); err != nil || n != 0 {
		t.Errorf("Publish after cancel = %d, %v; want 0, nil", n, err)
	}
}

func TestEventsAreCopies(t *testing.T) {
	ctx := t.Context()
	h := fanoutmem.New()
	a, cancelA := h.Subscribe("room")
	defer cancelA()
	b, cancelB := h.Subscribe("room")
	defer cancelB()
	event := []byte("abc")

	if _, err := h.Publish(ctx, "room", event); err != nil {
		t.Fatalf("Publish = %v", err)
	}
	event[0] = 'X'
	(<-a)[1] = 'Y'

	if got, want := string(<-b), "abc"; got != want {
		t.Errorf("second subscriber got %q, want %q", got, want)
	}
}

func TestPublishErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		room    string
		size    int
		wantErr error
	}{
		{name: "invalid room", ctx: t.Context(), room: "a b", size: 1, wantErr: fanout.ErrInvalidRoom},
		{name: "too large", ctx: t.Context(), room: "r", size: fanout.MaxEventSize + 1, wantErr: fanout.ErrTooLarge},
		{name: "canceled", ctx: canceled, room: "r", size: 1, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := fanoutmem.New()
			events, cancel := h.Subscribe(tc.room)
			defer cancel()

			n, err := h.Publish(tc.ctx, tc.room, make([]byte, tc.size))

			if !errors.Is(err, tc.wantErr) || n != 0 {
				t.Errorf("Publish = %d, %v; want 0, %v", n, err, tc.wantErr)
			}
			if got := drain(events); len(got) != 0 {
				t.Errorf("subscriber received %d events after a failed Publish, want none", len(got))
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := t.Context()
	h := fanoutmem.New()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 50 {
				events, cancel := h.Subscribe("room")
				drain(events)
				cancel()
			}
		})
		wg.Go(func() {
			for range 50 {
				if _, err := h.Publish(ctx, "room", []byte("e")); err != nil {
					t.Errorf("Publish = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}
