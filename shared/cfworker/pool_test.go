package cfworker

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

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

// TestEventPoolDropsGrownWorkers checks that a worker is not kept after an event that left the
// program's stacks over the budget, and that workers are kept again once they are back under it.
func TestEventPoolDropsGrownWorkers(t *testing.T) {
	p := newEventPool()
	var stacks atomic.Uint64
	p.stackBytes = func() uint64 { return stacks.Load() }
	done := make(chan struct{})
	p.run(func() { done <- struct{}{} })
	<-done
	waitWorkers(t, p, 1)

	p.run(func() { // the deep request
		stacks.Store(maxKeptStackBytes + 1)
		done <- struct{}{}
	})
	<-done
	waitWorkers(t, p, 0)

	stacks.Store(maxKeptStackBytes / 4)
	p.run(func() { done <- struct{}{} })
	<-done
	waitWorkers(t, p, 1)
}

func waitWorkers(t *testing.T, p *eventPool, want int32) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for p.workers.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("workers = %d, want %d", p.workers.Load(), want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestMemory checks that the figures are read (a program always has a heap and a stack).
func TestMemory(t *testing.T) {
	before := Memory()
	runtime.GC()
	m := Memory()
	if m.HeapBytes == 0 || m.StackBytes == 0 || m.TotalBytes < m.StackBytes || m.Goroutines == 0 || m.HeapObjects == 0 {
		t.Errorf("Memory() = %+v, want every figure set", m)
	}
	if m.GCCycles <= before.GCCycles {
		t.Errorf("GC cycles %d after a collection, %d before", m.GCCycles, before.GCCycles)
	}
}
