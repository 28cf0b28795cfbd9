// Package queuemem is an in-memory queue.Producer that records what it is
// sent, for tests and local development.
package queuemem

import (
	"bytes"
	"context"
	"fmt"
	"sync"

	"github.com/twentyworkers/twenty/shared/queue"
)

var _ queue.Producer = (*Memory)(nil)

// Memory records the bodies sent to it, in order. Nothing consumes them.
//
// A Memory is safe for concurrent use. The zero value is ready to use.
type Memory struct {
	mu   sync.Mutex
	sent [][]byte
}

// New returns an empty Memory.
func New() *Memory {
	return &Memory{}
}

// Send implements queue.Producer.
func (m *Memory) Send(ctx context.Context, body []byte) error {
	if err := queue.ValidateBody(body); err != nil {
		return fmt.Errorf("queuemem: send: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("queuemem: send: %w", err)
	}
	b := bytes.Clone(body)
	if b == nil {
		b = []byte{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, b)
	return nil
}

// Sent returns a copy of every body sent so far, oldest first.
func (m *Memory) Sent() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([][]byte, len(m.sent))
	for i, b := range m.sent {
		out[i] = bytes.Clone(b)
	}
	return out
}
