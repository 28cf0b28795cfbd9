package cfworker

import (
	"encoding/json"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
)

// maxEventWorkers bounds the goroutines kept between events (see eventPool).
const maxEventWorkers = 16

// maxKeptStackBytes bounds the stack memory of the whole program past which a worker that has
// just served an event is not kept. The pool's workers serving ordinary requests hold a few
// hundred KiB of stacks in all; a stack grown far past that by one deep request would otherwise
// stay for good (stacks are not shrunk, see eventPool) and count against the 64 MiB soft memory
// limit, making the collector run ever more often for every later request.
const maxKeptStackBytes = 8 << 20

// eventPool runs each event on a goroutine that outlives it. A fresh goroutine starts on a small
// stack and copies it as a request's handlers grow it (morestack was about 5% of a Worker's CPU);
// a worker kept from an earlier event starts on the stack that event grew. The glue starts the
// program with GODEBUG=gcshrinkstackoff=1, so that the collector does not shrink idle workers'
// stacks back. At most maxEventWorkers stay; events past them run on goroutines of their own. A
// worker ends after an event that left the program's stacks over maxKeptStackBytes, so what one
// request grew is given back.
type eventPool struct {
	work    chan func()
	workers atomic.Int32
	// stackBytes reports the program's stack memory (stackBytes, or a fake in tests).
	stackBytes func() uint64
}

func newEventPool() *eventPool { return &eventPool{work: make(chan func()), stackBytes: stackBytes} }

// run starts fn on an idle worker, a new worker, or, past maxEventWorkers, a goroutine of its own.
// It never blocks.
func (p *eventPool) run(fn func()) {
	select {
	case p.work <- fn:
		return
	default:
	}
	if p.workers.Add(1) <= maxEventWorkers {
		go p.worker(fn)
		return
	}
	p.workers.Add(-1)
	go fn()
}

func (p *eventPool) worker(fn func()) {
	defer p.workers.Add(-1)
	for {
		fn()
		if p.stackBytes() > maxKeptStackBytes {
			return // its stack is freed with it
		}
		fn = <-p.work
	}
}

// stackBytes reads the memory the runtime holds for goroutine stacks (about 0.25 µs natively).
func stackBytes() uint64 {
	s := [1]metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s[:])
	return s[0].Value.Uint64()
}

// MemoryStats are the Go instance's memory figures, for the development routes and tests that
// check an isolate returns to its baseline after a heavy request.
type MemoryStats struct {
	HeapBytes  uint64 `json:"heapBytes"`  // heap objects, live or not yet swept
	StackBytes uint64 `json:"stackBytes"` // goroutine stacks
	TotalBytes uint64 `json:"totalBytes"` // everything the runtime has mapped
	Goroutines uint64 `json:"goroutines"`
	// HeapObjects and GCCycles are what a collection marks and how many have run: each one
	// pauses the isolate (one thread), so both are figures of the tail latency (infra/bench).
	HeapObjects uint64 `json:"heapObjects"`
	GCCycles    uint64 `json:"gcCycles"`
}

// Memory reads the instance's MemoryStats.
func Memory() MemoryStats {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/gc/heap/objects:objects"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(s)
	return MemoryStats{HeapBytes: s[0].Value.Uint64(), StackBytes: s[1].Value.Uint64(),
		TotalBytes: s[2].Value.Uint64(), Goroutines: s[3].Value.Uint64(),
		HeapObjects: s[4].Value.Uint64(), GCCycles: s[5].Value.Uint64()}
}

// ServeInstance answers a development route with this instance's id, events served and memory;
// with ?gc=1 it collects first, so that the heap figure is the live heap.
func ServeInstance(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("gc") == "1" {
		runtime.GC()
	}
	id, served := Instance()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(struct {
		InstanceID     string      `json:"instanceId"`
		RequestsServed uint64      `json:"requestsServed"`
		Memory         MemoryStats `json:"memory"`
		D1             D1Usage     `json:"d1"`
		// Background is how many WaitUntil tasks are running (see Background).
		Background int64 `json:"background"`
	}{id, served, Memory(), d1Usage(), Background()})
}
