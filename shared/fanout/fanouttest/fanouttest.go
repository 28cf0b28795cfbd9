// Package fanouttest holds the conformance checks for fanout.Publisher.
//
// The checks run natively against fanoutmem (from fanoutmem's tests) and
// inside a Worker against the Durable Object publisher (through
// conformance.Handler). This package must not import "testing".
package fanouttest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/fanout"
)

// Checks returns the conformance checks for p. room must be a valid room
// name that nobody is subscribed to while the checks run, e.g. one with a
// random suffix; the checks publish only small or rejected events to it,
// plus one event of exactly fanout.MaxEventSize bytes.
func Checks(p fanout.Publisher, room string) []conformance.Check {
	return []conformance.Check{
		{Name: "room is valid", Run: func(context.Context) error {
			// Guards the other checks: they assume room itself is valid.
			if err := fanout.ValidateRoom(room); err != nil {
				return fmt.Errorf("Checks called with an invalid room: %w", err)
			}
			return nil
		}},
		{Name: "publish without subscribers", Run: func(ctx context.Context) error {
			return wantDelivered(ctx, p, room, []byte(`{"type":"fanouttest"}`), 0)
		}},
		{Name: "publish empty event", Run: func(ctx context.Context) error {
			return wantDelivered(ctx, p, room, []byte{}, 0)
		}},
		{Name: "publish at size limit", Run: func(ctx context.Context) error {
			return wantDelivered(ctx, p, room, make([]byte, fanout.MaxEventSize), 0)
		}},
		{Name: "invalid room", Run: func(ctx context.Context) error {
			var errs []error
			for _, bad := range []string{"", strings.Repeat("r", fanout.MaxRoomSize+1), "has space", "a/b", "ünï"} {
				if n, err := p.Publish(ctx, bad, []byte("{}")); !errors.Is(err, fanout.ErrInvalidRoom) {
					errs = append(errs, fmt.Errorf("Publish(%.20q…) = %d, %v; want error %v", bad, n, err, fanout.ErrInvalidRoom))
				}
			}
			return errors.Join(errs...)
		}},
		{Name: "event too large", Run: func(ctx context.Context) error {
			size := fanout.MaxEventSize + 1
			if n, err := p.Publish(ctx, room, make([]byte, size)); !errors.Is(err, fanout.ErrTooLarge) {
				return fmt.Errorf("Publish(%q, %d bytes) = %d, %v; want error %v", room, size, n, err, fanout.ErrTooLarge)
			}
			return nil
		}},
	}
}

func wantDelivered(ctx context.Context, p fanout.Publisher, room string, event []byte, want int) error {
	n, err := p.Publish(ctx, room, event)
	if err != nil {
		return fmt.Errorf("Publish(%q, %d bytes) = %w, want nil", room, len(event), err)
	}
	if n != want {
		return fmt.Errorf("Publish(%q, %d bytes) delivered %d, want %d", room, len(event), n, want)
	}
	return nil
}
