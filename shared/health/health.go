// Package health answers every Worker's Health RPC: the build version, the Go instance, and, for a
// deep check, whether each platform binding answers.
package health

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
)

// Version is the build's version, set at link time:
// -ldflags "-X github.com/twentyworkers/twenty/shared/health.Version=…".
var Version = "dev"

// probeTimeout bounds one binding probe, so a hung binding reports down instead of hanging Health.
const probeTimeout = 3 * time.Second

// Probe checks that one binding answers.
type Probe struct {
	Name  string // binding name in the Worker's configuration
	Kind  string // d1, kv, r2, queue, durable_object, service
	Check func(ctx context.Context) error
}

// Checker implements the Health RPC that every service's contract has; services embed it.
type Checker struct {
	Service string
	Probes  []Probe
}

// Health implements the Health RPC of every service's Connect handler interface.
func (c *Checker) Health(ctx context.Context, req *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return &commonv1.HealthResponse{Health: c.Report(ctx, req.GetDeep())}, nil
}

// Report builds the service's health; deep runs every probe, concurrently.
func (c *Checker) Report(ctx context.Context, deep bool) *commonv1.ServiceHealth {
	id, served := cfworker.Instance()
	h := &commonv1.ServiceHealth{Service: c.Service, Version: Version, Ok: true, InstanceId: id, RequestsServed: served}
	if !deep {
		return h
	}
	h.Bindings = make([]*commonv1.BindingStatus, len(c.Probes))
	var wg sync.WaitGroup
	for i, p := range c.Probes {
		wg.Go(func() { h.Bindings[i] = run(ctx, p) })
	}
	wg.Wait()
	for _, b := range h.Bindings {
		h.Ok = h.Ok && b.Ok
	}
	return h
}

func run(ctx context.Context, p Probe) *commonv1.BindingStatus {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	start := time.Now()
	err := p.Check(ctx)
	s := &commonv1.BindingStatus{
		Name:      p.Name,
		Kind:      p.Kind,
		Ok:        err == nil,
		LatencyMs: float64(time.Since(start).Microseconds()) / 1000,
	}
	if err != nil {
		s.Error = err.Error()
	}
	return s
}

// SQL probes a D1 (or SQLite) database with SELECT 1.
func SQL(name string, db *sql.DB) Probe {
	return Probe{Name: name, Kind: "d1", Check: func(ctx context.Context) error {
		var one int
		return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}}
}
