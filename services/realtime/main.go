//go:build js && wasm

package main

import (
	"net/http"
	"os"
	"syscall/js"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/fanout/fanouttest"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/logging"
)

func main() {
	logging.Setup("realtime", os.Stdout, cfworker.Var("LOG_LEVEL"))
	ns := js.Global().Get("context").Get("env").Get("ROOMS")
	if ns.IsUndefined() {
		panic("no ROOMS Durable Object binding") // startup only: a deployment error
	}
	r := &rooms{stub: func(room string) (connect.HTTPClient, error) {
		stub := ns.Call("get", ns.Call("idFromName", room))
		return &http.Client{Transport: &jsfetch.Transport{Fetcher: stub}}, nil
	}}
	dev := http.NewServeMux()
	dev.Handle("/__dev/conformance", conformance.Handler(func(*http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{"fanout": fanouttest.Checks(r, "conformance-empty-room")}
	}))
	cfworker.Serve(cfworker.Handlers{Fetch: newHandler(r, dev)})
}
