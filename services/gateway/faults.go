//go:build js && wasm

package main

import (
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/faults"
	"github.com/twentyworkers/twenty/shared/kv"
)

// gatewayFaults is the gateway's fault table for the local stack's fault tests: with DEV_ROUTES
// and DEV_FAULTS its service bindings and KV namespace ask it before each call, and
// /__dev/faults sets it. Otherwise it is nil and every binding is used as it is.
type gatewayFaults struct{ table *faults.Table }

func newGatewayFaults(get func(string) string) gatewayFaults {
	if get("DEV_ROUTES") != "true" || !faults.Enabled(get) {
		return gatewayFaults{}
	}
	return gatewayFaults{table: &faults.Table{}}
}

// client answers the binding to the Worker named service.
func (f gatewayFaults) client(c connect.HTTPClient, service string) connect.HTTPClient {
	if f.table == nil {
		return c
	}
	return faults.HTTPClient(c, f.table, faults.Binding, service)
}

// kv answers the KV namespace named binding.
func (f gatewayFaults) kv(s kv.Store, binding string) kv.Store {
	if f.table == nil {
		return s
	}
	return faults.KVStore(s, f.table, binding)
}

// serve answers /__dev/faults itself and passes the rest to h.
func (f gatewayFaults) serve(h http.Handler) http.Handler {
	if f.table == nil {
		return h
	}
	routes := http.NewServeMux()
	faults.Routes(routes, f.table)
	// Not a ServeMux in front of h: it would redirect unclean paths (/rest//people) that the
	// gateway refuses itself.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/__dev/faults" {
			routes.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
