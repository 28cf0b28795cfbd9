// Package queue defines the producer side of a message queue seam shaped
// after Cloudflare Queues.
//
// Implementations: queuemem (in-memory recorder) and cfqueue (Queues producer
// binding, js only). queuetest holds the conformance checks that both must
// pass. Consumers are not abstracted here: a consumer Worker adapts
// syumai's queues.Consume to a plain func in its own package.
package queue

import (
	"context"
	"errors"
	"fmt"
)

// MaxBodySize is the largest message body Send accepts, in bytes.
//
// Cloudflare documents a 128 KB message limit, where 1 KB is 1,000 bytes and
// up to about 100 bytes of internal metadata count towards it; the local
// simulator (miniflare) rejects serialized messages over 128,000 bytes. We
// keep a 1,000-byte margin below that so a body accepted here is never
// rejected by the platform. Larger payloads belong in R2, with the key in
// the message.
const MaxBodySize = 127_000

// ErrTooLarge is returned by Send when the body exceeds MaxBodySize.
var ErrTooLarge = errors.New("queue: message too large")

// Producer sends messages to a queue.
type Producer interface {
	// Send enqueues one message with body as its content, delivered to the
	// consumer as bytes. An empty body is allowed. A body over MaxBodySize
	// gets an error matching ErrTooLarge before anything is sent. Send does
	// not retain body.
	Send(ctx context.Context, body []byte) error
}

// ValidateBody reports whether body fits in MaxBodySize. The error wraps
// ErrTooLarge.
func ValidateBody(body []byte) error {
	if len(body) > MaxBodySize {
		return fmt.Errorf("message is %d bytes, over the %d-byte limit: %w", len(body), MaxBodySize, ErrTooLarge)
	}
	return nil
}
