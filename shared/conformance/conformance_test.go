package conformance

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	errBoom := errors.New("boom")
	checks := []Check{
		{Name: "ok", Run: func(context.Context) error { return nil }},
		{Name: "fails", Run: func(context.Context) error { return errBoom }},
		{Name: "panics", Run: func(context.Context) error { panic("kaput") }},
		{Name: "no func"},
	}

	got := Run(t.Context(), "suite", checks)

	want := []Result{
		{Suite: "suite", Check: "ok", Passed: true},
		{Suite: "suite", Check: "fails", Error: "boom"},
		{Suite: "suite", Check: "panics", Error: "panic: kaput"},
		{Suite: "suite", Check: "no func", Error: "check has no Run func"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Run() mismatch (-want +got):\n%s", diff)
	}
	if Passed(got) {
		t.Errorf("Passed(%v) = true, want false", got)
	}
}

func TestRunTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	checks := []Check{
		{Name: "respects ctx", Run: func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}},
		{Name: "ignores ctx", Run: func(context.Context) error {
			<-release
			return nil
		}},
		{Name: "after", Run: func(context.Context) error { return nil }},
	}

	got := run(t.Context(), "suite", checks, 10*time.Millisecond)

	if len(got) != len(checks) {
		t.Fatalf("run() returned %d results, want %d", len(got), len(checks))
	}
	for _, r := range got[:2] {
		if r.Passed || !strings.Contains(r.Error, "deadline exceeded") {
			t.Errorf("run() result %+v, want a failure mentioning the deadline", r)
		}
	}
	if !got[2].Passed {
		t.Errorf("run() result %+v, want the check after a timeout to pass", got[2])
	}
}

func TestRunCanceledParent(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := Check{Name: "waits", Run: func(ctx context.Context) error {
		return Wait(ctx, time.Hour)
	}}

	got := Run(ctx, "suite", []Check{check})

	if len(got) != 1 || got[0].Passed {
		t.Errorf("Run(canceled ctx) = %+v, want one failed result", got)
	}
}

func TestPassedEmpty(t *testing.T) {
	if !Passed(nil) {
		t.Error("Passed(nil) = false, want true")
	}
}

func TestWait(t *testing.T) {
	if err := Wait(t.Context(), time.Millisecond); err != nil {
		t.Errorf("Wait(1ms) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(canceled, 1h) = %v, want %v", err, context.Canceled)
	}
}
