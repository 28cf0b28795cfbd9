package kv_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/kv"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key     string
		wantErr error
	}{
		{key: "a", wantErr: nil},
		{key: "users/42:session", wantErr: nil},
		{key: "ünïcode", wantErr: nil},
		{key: "...", wantErr: nil},
		{key: strings.Repeat("k", kv.MaxKeySize), wantErr: nil},
		{key: "", wantErr: kv.ErrInvalidKey},
		{key: ".", wantErr: kv.ErrInvalidKey},
		{key: "..", wantErr: kv.ErrInvalidKey},
		{key: strings.Repeat("k", kv.MaxKeySize+1), wantErr: kv.ErrInvalidKey},
		{key: strings.Repeat("é", kv.MaxKeySize/2) + "x", wantErr: kv.ErrInvalidKey},
		{key: "bad\xff", wantErr: kv.ErrInvalidKey},
	}
	for _, tc := range tests {
		if err := kv.ValidateKey(tc.key); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateKey(%.20q…) = %v, want %v", tc.key, err, tc.wantErr)
		}
	}
}

func TestValidateValue(t *testing.T) {
	tests := []struct {
		size    int
		wantErr error
	}{
		{size: 0, wantErr: nil},
		{size: kv.MaxValueSize, wantErr: nil},
		{size: kv.MaxValueSize + 1, wantErr: kv.ErrTooLarge},
	}
	for _, tc := range tests {
		if err := kv.ValidateValue(make([]byte, tc.size)); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateValue(%d bytes) = %v, want %v", tc.size, err, tc.wantErr)
		}
	}
}

func TestEffectiveTTL(t *testing.T) {
	tests := []struct {
		ttl     time.Duration
		want    time.Duration
		wantErr error
	}{
		{ttl: 0, want: 0},
		{ttl: time.Nanosecond, want: kv.MinTTL},
		{ttl: time.Second, want: kv.MinTTL},
		{ttl: 59*time.Second + 1, want: kv.MinTTL},
		{ttl: time.Minute, want: time.Minute},
		{ttl: time.Minute + time.Millisecond, want: 61 * time.Second},
		{ttl: 24 * time.Hour, want: 24 * time.Hour},
		{ttl: kv.MaxTTL, want: kv.MaxTTL},
		{ttl: kv.MaxTTL + time.Second, want: 0},
		{ttl: 73 * 365 * 24 * time.Hour, want: 0},
		{ttl: -time.Second, wantErr: kv.ErrInvalidTTL},
	}
	for _, tc := range tests {
		got, err := kv.EffectiveTTL(tc.ttl)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("EffectiveTTL(%v) error = %v, want %v", tc.ttl, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("EffectiveTTL(%v) = %v, want %v", tc.ttl, got, tc.want)
		}
	}
}

func TestValidatePut(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		size    int
		ttl     time.Duration
		want    time.Duration
		wantErr error
	}{
		{name: "ok", key: "k", size: 1, ttl: time.Second, want: kv.MinTTL},
		{name: "bad key first", key: "", size: kv.MaxValueSize + 1, ttl: -1, wantErr: kv.ErrInvalidKey},
		{name: "too large before ttl", key: "k", size: kv.MaxValueSize + 1, ttl: -1, wantErr: kv.ErrTooLarge},
		{name: "bad ttl", key: "k", size: 1, ttl: -1, wantErr: kv.ErrInvalidTTL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := kv.ValidatePut(tc.key, make([]byte, tc.size), tc.ttl)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ValidatePut() error = %v, want %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("ValidatePut() = %v, want %v", got, tc.want)
			}
		})
	}
}
