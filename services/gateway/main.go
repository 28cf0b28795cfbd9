//go:build js && wasm

package main

import (
	"os"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/kv/cfkv"
	"github.com/twentyworkers/twenty/shared/logging"
)

func main() {
	logging.Setup("gateway", os.Stdout, cfworker.Var("LOG_LEVEL"))
	ft := newGatewayFaults(cfworker.Var) // faults.go
	clients := map[string]connect.HTTPClient{}
	for _, b := range backends {
		c, err := jsfetch.Binding(b.binding)
		if err != nil {
			panic(err) // startup only: a missing binding is a deployment error
		}
		clients[b.name] = ft.client(c, b.name)
	}
	cache, err := cfkv.Open("CACHE")
	if err != nil {
		panic(err)
	}
	workspaceLimiter, err := openLimiter("WORKSPACE_RATE_LIMIT")
	if err != nil {
		panic(err)
	}
	anonymousLimiter, err := openLimiter("ANONYMOUS_RATE_LIMIT")
	if err != nil {
		panic(err)
	}
	// One Analytics Engine data point per request (docs/operations.md, Metrics); wrangler dev's
	// local binding stores nothing, so the local stack also keeps them for /__dev/metrics.
	metrics, err := logging.OpenAnalytics("METRICS")
	if err != nil {
		metrics = nil
	}
	h, _ := newGateway(deps{
		cfg: parseConfig(cfworker.Var), clients: clients, cache: ft.kv(cache, "CACHE"), metrics: metrics,
		workspaceLimiter: workspaceLimiter, anonymousLimiter: anonymousLimiter, uploads: jsUploadStreams{},
	})
	cfworker.Serve(cfworker.Handlers{Fetch: ft.serve(h)})
}
