// Package queuetest holds the conformance checks for queue.Producer.
//
// The checks run natively against queuemem (from queuemem's tests) and inside
// a Worker against a real Queues producer binding (through
// conformance.Handler). This package must not import "testing".
package queuetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/queue"
)

// BodyPrefix starts every non-empty body that Checks sends, so that a
// consumer of a real queue can recognise conformance messages and
// acknowledge them without processing. The checks also send one empty body.
const BodyPrefix = "queuetest:"

// Checks returns the conformance checks for p.
//
// Against a real binding the checks really enqueue three messages: a small
// one, an empty one and one of exactly queue.MaxBodySize bytes. Point p at a
// dedicated test queue, or make its consumer acknowledge bodies that are
// empty or start with BodyPrefix.
func Checks(p queue.Producer) []conformance.Check {
	return []conformance.Check{
		{Name: "send small", Run: func(ctx context.Context) error {
			return send(ctx, p, []byte(BodyPrefix+"small"))
		}},
		{Name: "send empty", Run: func(ctx context.Context) error {
			return send(ctx, p, []byte{})
		}},
		{Name: "send at limit", Run: func(ctx context.Context) error {
			return send(ctx, p, body(queue.MaxBodySize))
		}},
		{Name: "send over limit", Run: func(ctx context.Context) error {
			b := body(queue.MaxBodySize + 1)
			if err := p.Send(ctx, b); !errors.Is(err, queue.ErrTooLarge) {
				return fmt.Errorf("Send(%d bytes) = %v, want %v", len(b), err, queue.ErrTooLarge)
			}
			return nil
		}},
	}
}

func send(ctx context.Context, p queue.Producer, b []byte) error {
	if err := p.Send(ctx, b); err != nil {
		return fmt.Errorf("Send(%d bytes) = %w, want nil", len(b), err)
	}
	return nil
}

// body returns n bytes starting with BodyPrefix and padded with every byte
// value, to catch text conversions on the way.
func body(n int) []byte {
	b := bytes.NewBufferString(BodyPrefix)
	for i := 0; b.Len() < n; i++ {
		b.WriteByte(byte(i))
	}
	return b.Bytes()[:n]
}
