package queuemem_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/queue"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/queue/queuetest"
)

func TestConformance(t *testing.T) {
	m := queuemem.New()
	for _, r := range conformance.Run(t.Context(), "queue", queuetest.Checks(m)) {
		t.Run(r.Check, func(t *testing.T) {
			if !r.Passed {
				t.Error(r.Error)
			}
		})
	}

	var sizes []int
	for _, b := range m.Sent() {
		sizes = append(sizes, len(b))
	}
	if diff := cmp.Diff([]int{len(queuetest.BodyPrefix + "small"), 0, queue.MaxBodySize}, sizes); diff != "" {
		t.Errorf("sizes of sent bodies mismatch (-want +got):\n%s", diff)
	}
}

func TestSentIsACopy(t *testing.T) {
	ctx := t.Context()
	m := queuemem.New()
	body := []byte("hello")
	if err := m.Send(ctx, body); err != nil {
		t.Fatalf("Send = %v", err)
	}
	body[0] = 'X'
	m.Sent()[0][1] = 'X'

	if diff := cmp.Diff([][]byte{[]byte("hello")}, m.Sent()); diff != "" {
		t.Errorf("Sent() after mutating inputs and outputs (-want +got):\n%s", diff)
	}
}

func TestRejectedSendsAreNotRecorded(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	m := queuemem.New()
	if err := m.Send(ctx, make([]byte, queue.MaxBodySize+1)); !errors.Is(err, queue.ErrTooLarge) {
		t.Errorf("Send(too large) = %v, want %v", err, queue.ErrTooLarge)
	}
	cancel()
	if err := m.Send(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Send(canceled) = %v, want %v", err, context.Canceled)
	}

	if got := m.Sent(); len(got) != 0 {
		t.Errorf("Sent() = %q, want nothing", got)
	}
}

func TestConcurrentSend(t *testing.T) {
	ctx := t.Context()
	var m queuemem.Memory // The zero value is ready to use.
	var want [][]byte
	var wg sync.WaitGroup
	for i := range 50 {
		body := fmt.Appendf(nil, "msg-%02d", i)
		want = append(want, body)
		wg.Go(func() {
			if err := m.Send(ctx, body); err != nil {
				t.Errorf("Send(%q) = %v", body, err)
			}
		})
	}
	wg.Wait()

	less := func(a, b []byte) bool { return string(a) < string(b) }
	if diff := cmp.Diff(want, m.Sent(), cmpopts.SortSlices(less)); diff != "" {
		t.Errorf("Sent() mismatch, ignoring order (-want +got):\n%s", diff)
	}
}
