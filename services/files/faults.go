//go:build js && wasm

package main

import (
	"context"
	"net/http"
	"sync/atomic"

	"github.com/twentyworkers/twenty/shared/faults"
)

// injectFaults lets the local stack's fault tests fail or slow down the files Worker's R2
// bucket. The files Worker has a .dev.vars (its secrets), so wrangler does not hand it the
// process environment's DEV_FAULTS; its faults are armed instead by the first request to
// /__dev/faults, a dev route only a gateway with DEV_ROUTES forwards. Until then each object call
// costs one atomic load more.
func injectFaults(s *server, dev *http.ServeMux) {
	var armed atomic.Pointer[faults.Table]
	s.objects = faultObjects{objects: s.objects, check: func(ctx context.Context) error {
		if t := armed.Load(); t != nil {
			return t.Check(ctx, faults.R2, "FILES_BUCKET")
		}
		return nil
	}}
	t := &faults.Table{}
	routes := http.NewServeMux()
	faults.Routes(routes, t)
	dev.Handle("/__dev/faults", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		armed.Store(t)
		routes.ServeHTTP(w, r)
	}))
}

// faultObjects is objects asking check before each call.
type faultObjects struct {
	objects
	check func(context.Context) error
}

func (o faultObjects) Stat(ctx context.Context, key string) (objectInfo, error) {
	if err := o.check(ctx); err != nil {
		return objectInfo{}, err
	}
	return o.objects.Stat(ctx, key)
}

func (o faultObjects) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := o.check(ctx); err != nil {
		return err
	}
	return o.objects.Put(ctx, key, body, contentType)
}

func (o faultObjects) Delete(ctx context.Context, key string) error {
	if err := o.check(ctx); err != nil {
		return err
	}
	return o.objects.Delete(ctx, key)
}

func (o faultObjects) List(ctx context.Context, cursor string, limit int) (objectPage, error) {
	if err := o.check(ctx); err != nil {
		return objectPage{}, err
	}
	return o.objects.List(ctx, cursor, limit)
}
