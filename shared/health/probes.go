package health

import (
	"context"
	"errors"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/kv"
)

// probeKey is read, never written, by the probes: a missing key still proves the binding answers.
const probeKey = "health/probe"

// KV probes a KV namespace with a read.
func KV(name string, s kv.Store) Probe {
	return Probe{Name: name, Kind: "kv", Check: func(ctx context.Context) error {
		_, err := s.Get(ctx, probeKey)
		if errors.Is(err, kv.ErrNotFound) {
			return nil
		}
		return err
	}}
}

// Blob probes an R2 bucket with a read.
func Blob(name string, s blob.Store) Probe {
	return Probe{Name: name, Kind: "r2", Check: func(ctx context.Context) error {
		_, err := s.Get(ctx, probeKey)
		if errors.Is(err, blob.ErrNotFound) {
			return nil
		}
		return err
	}}
}

// Bound reports a binding that cannot be probed without side effects (a queue producer: sending a
// message would be work for a consumer) as present.
func Bound(name, kind string, v any) Probe {
	return Probe{Name: name, Kind: kind, Check: func(context.Context) error {
		if v == nil {
			return errors.New("not bound")
		}
		return nil
	}}
}
