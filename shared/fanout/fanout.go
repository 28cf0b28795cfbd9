// Package fanout defines the publish side of realtime event fan-out: an
// event published to a room reaches whoever is subscribed to that room at
// that moment. There is no history and no retry.
//
// Implementations: fanoutmem (in-process hub) and, outside this module's
// shared code, a Durable Object publisher. fanouttest holds the conformance
// checks that all must pass.
package fanout

import (
	"context"
	"errors"
	"fmt"
)

// Limits enforced by every implementation.
const (
	// MaxRoomSize is the longest room name, in bytes.
	MaxRoomSize = 128
	// MaxEventSize is the largest event: 1 MiB, the largest WebSocket
	// message a Durable Object may send.
	MaxEventSize = 1 << 20
)

var (
	// ErrInvalidRoom is returned when a room name breaks the rules of
	// ValidateRoom.
	ErrInvalidRoom = errors.New("fanout: invalid room")
	// ErrTooLarge is returned when an event exceeds MaxEventSize.
	ErrTooLarge = errors.New("fanout: event too large")
)

// Publisher publishes events to rooms.
type Publisher interface {
	// Publish delivers event to the current subscribers of room and reports
	// how many it reached. A room with no subscribers is not an error: it
	// returns 0 and nil. An invalid room gets an error matching
	// ErrInvalidRoom and an oversized event one matching ErrTooLarge, before
	// anything is delivered. Publish does not retain event.
	Publish(ctx context.Context, room string, event []byte) (delivered int, err error)
}

// ValidateRoom reports whether room is a valid room name: 1 to MaxRoomSize
// bytes from [A-Za-z0-9._:-]. The error wraps ErrInvalidRoom.
func ValidateRoom(room string) error {
	if room == "" {
		return fmt.Errorf("room is empty: %w", ErrInvalidRoom)
	}
	if len(room) > MaxRoomSize {
		return fmt.Errorf("room is %d bytes, over the %d-byte limit: %w", len(room), MaxRoomSize, ErrInvalidRoom)
	}
	for i := range len(room) {
		if !roomByte(room[i]) {
			return fmt.Errorf("room %q has byte %q at offset %d, want only [A-Za-z0-9._:-]: %w", room, room[i], i, ErrInvalidRoom)
		}
	}
	return nil
}

func roomByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '.', c == '_', c == ':', c == '-':
		return true
	}
	return false
}

// ValidateEvent reports whether event fits in MaxEventSize. The error wraps
// ErrTooLarge.
func ValidateEvent(event []byte) error {
	if len(event) > MaxEventSize {
		return fmt.Errorf("event is %d bytes, over the %d-byte limit: %w", len(event), MaxEventSize, ErrTooLarge)
	}
	return nil
}
