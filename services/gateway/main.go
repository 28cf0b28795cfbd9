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
	clients := map[string]connect.HTTPClient{}
	for _, b := range backends {
		c, err := jsfetch.Binding(b.binding)
		if err != nil {
			panic(err) // startup only: a missing binding is a deployment error
		}
		clients[b.name] = c
	}
	cache, err := cfkv.Open("CACHE")
	if err != nil {
		panic(err)
	}
	h, _ := newGateway(parseConfig(cfworker.Var), clients, cache)
	cfworker.Serve(cfworker.Handlers{Fetch: h})
}
