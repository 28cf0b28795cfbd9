// Package fanoutmem is an in-process fanout.Publisher with subscriptions,
// for tests and local development.
package fanoutmem

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/twentyworkers/twenty/shared/fanout"
)

var _ fanout.Publisher = (*Hub)(nil)

// DefaultBuffer is the number of events a subscriber can fall behind by
// before Publish starts skipping it.
const DefaultBuffer = 16

// Hub delivers published events to subscribers of the same room over
// buffered channels. Publish never blocks on a subscriber: if a subscriber's
// buffer is full, that event is dropped for it and not counted, much as a
// realtime server drops a client that cannot keep up.
//
// A Hub is safe for concurrent use. The zero value is not usable; call New.
type Hub struct {
	buffer int

	mu    sync.Mutex
	rooms map[string]map[*subscriber]struct{}
}

type subscriber struct {
	ch chan []byte
}

// New returns a Hub whose subscribers each buffer DefaultBuffer events.
func New() *Hub {
	return NewWithBuffer(DefaultBuffer)
}

// NewWithBuffer returns a Hub whose subscribers each buffer n events. An n
// below 1 is treated as 1.
func NewWithBuffer(n int) *Hub {
	return &Hub{buffer: max(n, 1), rooms: make(map[string]map[*subscriber]struct{})}
}

// Subscribe registers a subscriber to room and returns the channel its
// events arrive on and a func that unsubscribes and closes the channel.
// cancel may be called more than once. Each received event is the
// subscriber's own copy.
//
// Subscribe does not validate room; Publish rejects invalid rooms, so a
// subscriber to one never receives anything.
func (h *Hub) Subscribe(room string) (events <-chan []byte, cancel func()) {
	s := &subscriber{ch: make(chan []byte, h.buffer)}
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.rooms[room]
	if subs == nil {
		subs = make(map[*subscriber]struct{})
		h.rooms[room] = subs
	}
	subs[s] = struct{}{}

	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			h.mu.Lock()
			defer h.mu.Unlock()
			delete(h.rooms[room], s)
			if len(h.rooms[room]) == 0 {
				delete(h.rooms, room)
			}
			close(s.ch) // Under h.mu, so Publish never sends on a closed channel.
		})
	}
}

// Publish implements fanout.Publisher.
func (h *Hub) Publish(ctx context.Context, room string, event []byte) (int, error) {
	if err := fanout.ValidateRoom(room); err != nil {
		return 0, fmt.Errorf("fanoutmem: publish: %w", err)
	}
	if err := fanout.ValidateEvent(event); err != nil {
		return 0, fmt.Errorf("fanoutmem: publish to %q: %w", room, err)
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("fanoutmem: publish to %q: %w", room, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	delivered := 0
	for s := range h.rooms[room] {
		select {
		case s.ch <- bytes.Clone(event):
			delivered++
		default: // Full: skip rather than block every other subscriber.
		}
	}
	return delivered, nil
}
