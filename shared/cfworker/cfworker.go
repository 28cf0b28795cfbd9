// Package cfworker runs a Go program as a Cloudflare Worker with one Go instance per isolate.
//
// The JavaScript entry (shared/js/glue.mjs) instantiates the program once per isolate and hands it
// every fetch, queue and scheduled event, each with that event's own ExecutionContext. Serve (in
// cfworker_js.go) registers the callbacks; everything else here is platform-neutral and tested
// natively.
package cfworker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync/atomic"
	"time"
)

// Handlers are the events a Worker serves. A nil field means the Worker does not take that event.
type Handlers struct {
	// Fetch serves HTTP requests, from the internet or from another Worker's service binding.
	Fetch http.Handler
	// Queue handles one batch of queue messages. It must Ack or Retry each message; any message left
	// undecided when it returns (or panics) is retried, so nothing acknowledged is ever redelivered.
	Queue func(ctx context.Context, b *Batch)
	// Scheduled runs a Cron Trigger.
	Scheduled func(ctx context.Context, e ScheduledEvent) error
}

// Batch is one delivery of queue messages.
type Batch struct {
	Queue    string
	Messages []*Message
}

// Message is one queue message. Ack and Retry decide its fate; the first decision wins.
type Message struct {
	ID        string
	Attempts  int
	Timestamp time.Time
	Body      []byte

	decided atomic.Bool
	ack     func()
	retry   func(delay time.Duration)
}

// NewMessage builds a message whose decisions call ack and retry. Serve uses it for real batches;
// tests use it to drive queue handlers natively.
func NewMessage(id string, attempts int, ts time.Time, body []byte, ack func(), retry func(time.Duration)) *Message {
	return &Message{ID: id, Attempts: attempts, Timestamp: ts, Body: body, ack: ack, retry: retry}
}

// Ack marks the message as handled; it will not be delivered again.
func (m *Message) Ack() {
	if m.decided.CompareAndSwap(false, true) && m.ack != nil {
		m.ack()
	}
}

// Retry asks for redelivery after delay (0 = the queue's default). After the queue's max_retries the
// message goes to its dead-letter queue.
func (m *Message) Retry(delay time.Duration) {
	if m.decided.CompareAndSwap(false, true) && m.retry != nil {
		m.retry(delay)
	}
}

// retryUndecided retries every message the handler left undecided.
func (b *Batch) retryUndecided() {
	for _, m := range b.Messages {
		m.Retry(0)
	}
}

// ScheduledEvent is one firing of a Cron Trigger.
type ScheduledEvent struct {
	Cron string
	Time time.Time
}

// instance identifies this Go program: an id drawn at start and a count of the events it served.
// Both exist to prove (and monitor) that one instance serves many requests.
var instance = struct {
	id     string
	served atomic.Uint64
}{id: newInstanceID()}

func newInstanceID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Instance reports this Go instance's id and how many events it has served so far.
func Instance() (id string, served uint64) {
	return instance.id, instance.served.Load()
}

// waiterKey carries the current event's waitUntil in a context.
type waiterKey struct{}

// withWaiter returns ctx carrying waitUntil, which must keep the event alive until fn has returned.
func withWaiter(ctx context.Context, waitUntil func(fn func())) context.Context {
	return context.WithValue(ctx, waiterKey{}, waitUntil)
}

// WaitUntil runs fn after the response may already have been sent, keeping the event that ctx
// belongs to alive until fn returns (the Workers ExecutionContext.waitUntil of that very event).
// fn gets a context that is not cancelled when the request ends. Outside workerd, fn runs in a
// goroutine.
func WaitUntil(ctx context.Context, fn func(ctx context.Context)) {
	detached := context.WithoutCancel(ctx)
	background.Add(1)
	run := func() {
		defer background.Add(-1)
		defer func() { _ = recover() }() // a background task must never take the instance down
		fn(detached)
	}
	if w, ok := ctx.Value(waiterKey{}).(func(func())); ok {
		w(run)
		return
	}
	go run()
}
