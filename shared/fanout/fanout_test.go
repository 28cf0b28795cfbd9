package fanout_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/shared/fanout"
)

func TestValidateRoom(t *testing.T) {
	tests := []struct {
		room    string
		wantErr error
	}{
		{room: "a", wantErr: nil},
		{room: "workspace:3f2a-9c.person_42", wantErr: nil},
		{room: "AZaz09._:-", wantErr: nil},
		{room: strings.Repeat("r", fanout.MaxRoomSize), wantErr: nil},
		{room: "", wantErr: fanout.ErrInvalidRoom},
		{room: strings.Repeat("r", fanout.MaxRoomSize+1), wantErr: fanout.ErrInvalidRoom},
		{room: "has space", wantErr: fanout.ErrInvalidRoom},
		{room: "slash/room", wantErr: fanout.ErrInvalidRoom},
		{room: "ünicode", wantErr: fanout.ErrInvalidRoom},
		{room: "nul\x00", wantErr: fanout.ErrInvalidRoom},
	}
	for _, tc := range tests {
		if err := fanout.ValidateRoom(tc.room); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateRoom(%.20q…) = %v, want %v", tc.room, err, tc.wantErr)
		}
	}
}

func TestValidateEvent(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{size: 0, wantErr: nil},
		{size: fanout.MaxEventSize, wantErr: nil},
		{size: fanout.MaxEventSize + 1, wantErr: fanout.ErrTooLarge},
	}
	for _, tc := range tests {
		if err := fanout.ValidateEvent(make([]byte, tc.size)); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateEvent(%d bytes) = %v, want %v", tc.size, err, tc.wantErr)
		}
	}
}
