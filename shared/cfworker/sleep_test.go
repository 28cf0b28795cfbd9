package cfworker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"waits", context.Background(), 5 * time.Millisecond, nil},
		{"zero", context.Background(), 0, nil},
		{"context ended", cancelled, time.Hour, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			if err := Sleep(tc.ctx, tc.d); !errors.Is(err, tc.want) {
				t.Fatalf("Sleep = %v, want %v", err, tc.want)
			}
			if tc.want == nil && time.Since(start) < tc.d {
				t.Errorf("Sleep returned after %s, before %s", time.Since(start), tc.d)
			}
		})
	}
}

func TestBackgroundCountsRunningTasks(t *testing.T) {
	before := Background()
	release := make(chan struct{})
	var done sync.WaitGroup
	done.Add(2)
	for range 2 {
		WaitUntil(context.Background(), func(context.Context) {
			defer done.Done()
			<-release
		})
	}
	if got := Background() - before; got != 2 {
		t.Errorf("Background while two tasks run = +%d, want +2", got)
	}
	close(release)
	done.Wait()
	deadline := time.Now().Add(time.Second)
	for Background() != before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := Background() - before; got != 0 {
		t.Errorf("Background after the tasks returned = +%d, want 0", got)
	}
}
