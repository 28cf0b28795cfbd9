//go:build js && wasm

package main

import (
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/faults"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/kv"
)

// seams are the records Worker's bindings. With DEV_FAULTS (the local stack's fault tests only),
// inject puts package faults' decorators in front of them and serves their faults on
// /__dev/faults; otherwise they are the bindings themselves and cost nothing.
type seams struct {
	control, shard *d1.DB
	cache          kv.Store
	jobs           jobqueue.Producer
	table          *faults.Table // nil: no fault injection
}

func (s *seams) inject(get func(string) string, dev *http.ServeMux) {
	if !faults.Enabled(get) {
		return
	}
	s.table = &faults.Table{}
	s.control, s.shard = faults.DB(s.control, s.table, "CONTROL"), faults.DB(s.shard, s.table, "DB_0")
	s.cache = faults.KVStore(s.cache, s.table, "CACHE")
	s.jobs = faults.Producer(s.jobs, s.table, "JOBS_QUEUE")
	faults.Routes(dev, s.table)
}

// client answers c, in front of the Worker or Durable Object named target when faults are on.
func (s *seams) client(c connect.HTTPClient, seam, target string) connect.HTTPClient {
	if s.table == nil {
		return c
	}
	return faults.HTTPClient(c, s.table, seam, target)
}
