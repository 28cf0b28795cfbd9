//go:build js && wasm

package main

import (
	"net/http"
	"os"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/faults"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/kv/cfkv"
	"github.com/twentyworkers/twenty/shared/kv/kvtest"
	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/queue/cfqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuetest"
	"github.com/twentyworkers/twenty/shared/rpc"
)

func main() {
	logging.Setup("records", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	shard, err := d1.Open("DB_0")
	if err != nil {
		panic(err)
	}
	cache, err := cfkv.Open("CACHE")
	if err != nil {
		panic(err)
	}
	jobs, err := cfqueue.Open("JOBS_QUEUE")
	if err != nil {
		panic(err)
	}
	probes := []health.Probe{
		health.SQL("CONTROL", control.DB), health.SQL("DB_0", shard.DB),
		health.KV("CACHE", cache), health.Bound("JOBS_QUEUE", "queue", jobs),
	}
	dev := http.NewServeMux()
	dev.Handle("/__dev/conformance", conformance.Handler(func(r *http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{
			"kv":    kvtest.Checks(cache, "conformance/records/"+r.Header.Get("X-Request-Id")+"/"),
			"queue": queuetest.Checks(jobs),
		}
	}))
	b := seams{control: control, shard: shard, cache: cache, jobs: jobs}
	b.inject(cfworker.Var, dev) // faults.go
	srv := newServer(b.control, map[string]*d1.DB{"DB_0": b.shard}, b.cache, b.jobs, probes)
	if rt, err := jsfetch.Binding("REALTIME"); err == nil { // realtimepublish.go
		srv.relay.Publish = publishRealtime(realtimev1connect.NewRealtimeServiceClient(b.client(rt, faults.DO, "REALTIME"), "http://internal", rpc.ClientOptions()...), srv.realtimeIdle, srv.realtimeHeard)
	}
	cfworker.Serve(cfworker.Handlers{Fetch: srv.handler(dev), Scheduled: srv.sweepOnCron})
}
