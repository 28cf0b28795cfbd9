//go:build js && wasm

package main

import (
	"os"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/cfkv"
	"github.com/twentyworkers/twenty/shared/logging"
)

func main() {
	logging.Setup("auth", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	cache, err := cfkv.Open("CACHE")
	if err != nil {
		panic(err)
	}
	probes := []health.Probe{health.SQL("CONTROL", control.DB), health.KV("CACHE", cache)}
	cfworker.Serve(cfworker.Handlers{Fetch: newHandler(probes, nil)})
}
