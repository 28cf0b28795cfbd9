package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/kv/kvtest"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// devRoutes are for local development, tests and benchmarks: what the local stack cannot trigger
// from outside, and probes of the runtime itself. They exist only when DEV_ROUTES is "true".
func (g *gateway) devRoutes(mux *http.ServeMux) {
	g.devMetrics(mux) // metricsdev.go
	mux.HandleFunc("/ws", only(http.MethodGet, g.websocket))
	mux.HandleFunc("/__dev/direct", only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	}))
	mux.HandleFunc("/__dev/instance", only(http.MethodGet, cfworker.ServeInstance))
	mux.HandleFunc("/__dev/hop", only(http.MethodGet, g.hop))
	// authn answers like direct, behind the record APIs' authentication: the difference of the two
	// is what verifying a token costs.
	mux.Handle("/__dev/authn", g.recordAPIAuth(only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		c := principalFrom(r.Context())
		writeJSON(w, http.StatusOK, map[string]string{"type": string(c.Type), "workspaceId": c.WorkspaceID})
	})))
	mux.HandleFunc("/__dev/whoami", only(http.MethodGet, g.whoami))
	mux.HandleFunc("/__dev/panic", func(http.ResponseWriter, *http.Request) { panic("dev: deliberate panic") })
	mux.HandleFunc("/__dev/crash", func(w http.ResponseWriter, r *http.Request) {
		// An unrecovered panic on another goroutine ends the Go program; the glue must start a
		// new instance for the next event.
		go func() { panic("dev: deliberate crash of the Go instance") }()
		time.Sleep(time.Second)
	})
	mux.HandleFunc("/__dev/wait-until/{key}", only(http.MethodPost, g.waitUntil))
	mux.HandleFunc("/__dev/kv/{key...}", only(http.MethodGet, g.kvGet))
	mux.HandleFunc("/__dev/realtime/publish", only(http.MethodPost, g.publish))
	mux.Handle("/__dev/conformance", conformance.Handler(func(r *http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{"kv": kvtest.Checks(g.cache, "conformance/"+r.Header.Get("X-Request-Id")+"/")}
	}))
	mux.HandleFunc("/__dev/svc/{service}/{rest...}", g.forwardToService)
}

// hop makes one shallow Connect call, so benchmarks can isolate the cost of a hop.
func (g *gateway) hop(w http.ResponseWriter, r *http.Request) {
	res, err := g.services[0].health(r.Context(), connect.NewRequest(&commonv1.HealthRequest{}))
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"service": res.Msg.GetHealth().GetService(), "instanceId": res.Msg.GetHealth().GetInstanceId()})
}

// whoami asks auth what credentials reached it, proving the caller's Authorization crosses the hop.
func (g *gateway) whoami(w http.ResponseWriter, r *http.Request) {
	res, err := g.auth.IdentifyCaller(r.Context(), &authv1.IdentifyCallerRequest{})
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"scheme":           res.GetScheme(),
		"credentialSha256": res.GetCredentialSha256(),
		"requestId":        res.GetRequestId(),
	})
}

// waitUntil answers 202 at once and writes the key to KV afterwards, inside this request's
// waitUntil: the key appears only if the request's own ExecutionContext kept it alive.
func (g *gateway) waitUntil(w http.ResponseWriter, r *http.Request) {
	key := "dev/wait-until/" + r.PathValue("key")
	cfworker.WaitUntil(r.Context(), func(ctx context.Context) {
		time.Sleep(200 * time.Millisecond)
		if err := g.cache.Put(ctx, key, []byte("done"), 0); err != nil {
			slog.ErrorContext(ctx, "wait-until write failed", "error", err.Error())
		}
	})
	writeJSON(w, http.StatusAccepted, map[string]string{"key": key})
}

func (g *gateway) kvGet(w http.ResponseWriter, r *http.Request) {
	v, err := g.cache.Get(r.Context(), "dev/"+r.PathValue("key"))
	switch {
	case errors.Is(err, kv.ErrNotFound):
		writeError(w, http.StatusNotFound, "", "Key not found")
	case err != nil:
		writeError(w, http.StatusInternalServerError, "", err.Error())
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(v)
	}
}

// forwardToService passes /__dev/svc/{service}/{rest} to that Worker's /__dev/{rest}.
func (g *gateway) forwardToService(w http.ResponseWriter, r *http.Request) {
	var client connect.HTTPClient
	for _, s := range g.services {
		if s.name == r.PathValue("service") {
			client = s.http
		}
	}
	if client == nil {
		notFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Unreadable body")
		return
	}
	url := baseURL + "/__dev/" + r.PathValue("rest")
	if r.URL.RawQuery != "" {
		url += "?" + r.URL.RawQuery
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, url, bytes.NewReader(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Bad forward target")
		return
	}
	req.Header = r.Header.Clone()
	req.Header.Set(rpc.DevHeader, "1")
	res, err := client.Do(req)
	if err != nil {
		slog.ErrorContext(r.Context(), "forward to service failed", "service", r.PathValue("service"), "error", err.Error())
		writeError(w, http.StatusBadGateway, "BadGatewayException", "Service unreachable")
		return
	}
	defer res.Body.Close()
	for k, vs := range res.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, res.Body) // the status is sent: a failed copy has no one left to tell
}
