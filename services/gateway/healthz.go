package main

import (
	"context"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
)

// healthTimeout bounds the whole /healthz fan-out: a service slower than this is reported down.
const healthTimeout = 5 * time.Second

// healthzTTL is how long this isolate reuses one /healthz result. Monitors poll it often, and each
// fresh check costs every Worker a round of binding reads (billed D1, KV and R2 operations): a
// public endpoint must not multiply cost per hit. An outage still shows within healthzTTL.
const healthzTTL = 2 * time.Second

// healthzCache holds the last /healthz answer. Its mutex also makes concurrent requests that find it
// stale wait for one fresh check instead of each starting their own.
type healthzCache struct {
	mu     sync.Mutex
	at     time.Time
	status int
	body   healthzBody
}

// healthFunc calls one service's Health RPC.
type healthFunc func(context.Context, *connect.Request[commonv1.HealthRequest]) (*connect.Response[commonv1.HealthResponse], error)

// Terminus-shaped /healthz body, as Twenty's NestJS health check answers:
// {"status":"ok|error","info":{up…},"error":{down…},"details":{all}}.
type healthzBody struct {
	Status  string                   `json:"status"`
	Info    map[string]serviceStatus `json:"info"`
	Error   map[string]serviceStatus `json:"error"`
	Details map[string]serviceStatus `json:"details"`
}

type serviceStatus struct {
	Status         string                   `json:"status"` // up or down
	Message        string                   `json:"message,omitempty"`
	Version        string                   `json:"version,omitempty"`
	InstanceID     string                   `json:"instanceId,omitempty"`
	RequestsServed uint64                   `json:"requestsServed,omitempty"`
	Bindings       map[string]bindingStatus `json:"bindings,omitempty"`
}

type bindingStatus struct {
	Kind      string  `json:"kind"`
	Status    string  `json:"status"`
	Message   string  `json:"message,omitempty"`
	LatencyMs float64 `json:"latencyMs"`
}

func upOrDown(ok bool) string {
	if ok {
		return "up"
	}
	return "down"
}

// healthz answers 200 when every service is up, 503 naming the ones that are not, from a check at
// most healthzTTL old. The lock is not held across the check (no request may wait on another's
// I/O, see the glue): requests that find the check stale each run one.
func (g *gateway) healthz(w http.ResponseWriter, r *http.Request) {
	c := &g.healthzCache
	c.mu.Lock()
	fresh := !c.at.IsZero() && g.now().Sub(c.at) < healthzTTL
	status, body := c.status, c.body
	c.mu.Unlock()
	if !fresh {
		status, body = g.checkAll(r.Context())
		c.mu.Lock()
		c.status, c.body, c.at = status, body, g.now()
		c.mu.Unlock()
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, body)
}

// checkAll asks every service for a deep health check over its binding, concurrently.
func (g *gateway) checkAll(ctx context.Context) (int, healthzBody) {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()

	statuses := make([]serviceStatus, len(g.services))
	var wg sync.WaitGroup
	for i, s := range g.services {
		wg.Go(func() { statuses[i] = checkService(ctx, s.health) })
	}
	self := g.self.Report(ctx, false)
	wg.Wait()

	body := healthzBody{Status: "ok", Info: map[string]serviceStatus{}, Error: map[string]serviceStatus{}, Details: map[string]serviceStatus{}}
	body.Details["gateway"] = fromReport(self)
	body.Info["gateway"] = body.Details["gateway"]
	for i, s := range g.services {
		body.Details[s.name] = statuses[i]
		if statuses[i].Status == "up" {
			body.Info[s.name] = statuses[i]
		} else {
			body.Error[s.name] = statuses[i]
			body.Status = "error"
		}
	}
	if body.Status != "ok" {
		return http.StatusServiceUnavailable, body
	}
	return http.StatusOK, body
}

func checkService(ctx context.Context, call healthFunc) serviceStatus {
	res, err := call(ctx, connect.NewRequest(&commonv1.HealthRequest{Deep: true}))
	if err != nil {
		return serviceStatus{Status: "down", Message: connect.CodeOf(err).String() + ": unreachable"}
	}
	return fromReport(res.Msg.GetHealth())
}

func fromReport(h *commonv1.ServiceHealth) serviceStatus {
	s := serviceStatus{
		Status:         upOrDown(h.GetOk()),
		Version:        h.GetVersion(),
		InstanceID:     h.GetInstanceId(),
		RequestsServed: h.GetRequestsServed(),
	}
	if len(h.GetBindings()) > 0 {
		s.Bindings = make(map[string]bindingStatus, len(h.GetBindings()))
	}
	for _, b := range h.GetBindings() {
		s.Bindings[b.GetName()] = bindingStatus{Kind: b.GetKind(), Status: upOrDown(b.GetOk()), Message: b.GetError(), LatencyMs: b.GetLatencyMs()}
		if !b.GetOk() && s.Message == "" {
			s.Message = "binding " + b.GetName() + " is down"
		}
	}
	return s
}
