package queue_test

import (
	"errors"
	"testing"

	"github.com/twentyworkers/twenty/shared/queue"
)

func TestValidateBody(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{size: 0, wantErr: nil},
		{size: queue.MaxBodySize, wantErr: nil},
		{size: queue.MaxBodySize + 1, wantErr: queue.ErrTooLarge},
	}
	for _, tc := range tests {
		if err := queue.ValidateBody(make([]byte, tc.size)); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateBody(%d bytes) = %v, want %v", tc.size, err, tc.wantErr)
		}
	}
}
