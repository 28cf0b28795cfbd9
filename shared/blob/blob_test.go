package blob_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/shared/blob"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key     string
		wantErr error
	}{
		{key: "a", wantErr: nil},
		{key: "workspace/1/file name(1).png", wantErr: nil},
		{key: ".", wantErr: nil},
		{key: strings.Repeat("k", blob.MaxKeySize), wantErr: nil},
		{key: "", wantErr: blob.ErrInvalidKey},
		{key: strings.Repeat("k", blob.MaxKeySize+1), wantErr: blob.ErrInvalidKey},
		{key: strings.Repeat("ü", blob.MaxKeySize/2) + "x", wantErr: blob.ErrInvalidKey},
		{key: "bad\xff", wantErr: blob.ErrInvalidKey},
	}
	for _, tc := range tests {
		if err := blob.ValidateKey(tc.key); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateKey(%.20q…) = %v, want %v", tc.key, err, tc.wantErr)
		}
	}
}
