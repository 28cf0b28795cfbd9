//go:build js && wasm

// Package cfqueue is a queue.Producer over a Cloudflare Queues producer
// binding, built on github.com/syumai/workers/cloudflare/queues.
package cfqueue

import (
	"context"
	"fmt"

	"github.com/syumai/workers/cloudflare/queues"

	"github.com/twentyworkers/twenty/shared/queue"
)

var _ queue.Producer = (*Producer)(nil)

// Producer is a queue.Producer backed by a Queues producer binding. Messages
// are sent with contentType "bytes", so the consumer receives the body as an
// ArrayBuffer (syumai: Message.Body is a Uint8Array-backed js.Value; use
// Message.BytesBody).
//
// The underlying JavaScript call cannot be canceled: ctx is checked before
// it, not during it.
type Producer struct {
	p *queues.Producer
}

// Open returns a Producer for the queue bound to the Worker as binding (the
// "binding" of a queues.producers entry in the wrangler config). Call it
// while the Worker's runtime context exists, e.g. in main of a syumai/workers
// program.
func Open(binding string) (*Producer, error) {
	p, err := queues.NewProducer(binding)
	if err != nil {
		return nil, fmt.Errorf("cfqueue: open binding %q: %w", binding, err)
	}
	return &Producer{p: p}, nil
}

// Send implements queue.Producer.
func (p *Producer) Send(ctx context.Context, body []byte) error {
	if err := queue.ValidateBody(body); err != nil {
		return fmt.Errorf("cfqueue: send: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cfqueue: send: %w", err)
	}
	if err := p.p.SendBytes(body); err != nil {
		return fmt.Errorf("cfqueue: send %d bytes: %w", len(body), err)
	}
	return nil
}
