package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// floorConfigs are the platform floor's Workers (infra/bench/floor): plain JS, no Go.
var floorConfigs = []string{"infra/bench/floor/entry.jsonc", "infra/bench/floor/records.jsonc"}

// floorPaths are the floor's requests: a JS Worker answering itself, a list of 20 people read
// by a second JS Worker in one D1 batch (page, count, stamp), and the same after a Rate Limiting
// binding call, which the gateway makes for every API request; then a create and an update, each
// with its event row in the same D1 batch (what the outbox costs at least), after the same call.
var floorPaths = []string{"/baseline", "/list", "/list?rl", "/create?rl", "/update?rl"}

// floorFigures times the platform floor on a second local stack: the least any implementation
// of our design (a gateway Worker, a records Worker, D1, a rate limit) pays on this machine's
// workerd, to read the records figures against. It reports through wrangler dev's URL and at the
// runtime's own socket, with workerd's CPU per request, as the records figures do.
func floorFigures(ctx context.Context, w, stderr io.Writer, root string, n, warmup int) error {
	fmt.Fprintf(stderr, "bench: starting the platform floor's stack (%d plain JS Workers)\n", len(floorConfigs))
	st, err := devstack.Start(ctx, devstack.Options{Root: root, Configs: floorConfigs, ReadyPath: "/baseline", Timeout: 90 * time.Second})
	if err != nil {
		return fmt.Errorf("platform floor: %w", err)
	}
	defer st.Stop()
	tg := &target{client: newClient(1, 30*time.Second), base: st.BaseURL, method: http.MethodGet, header: http.Header{}}
	rt, rtErr := st.Runtime(ctx, "/list")
	bases := []struct{ label, url string }{{"through wrangler dev's URL", st.BaseURL}}
	if rtErr == nil {
		bases = append(bases, struct{ label, url string }{"at the runtime's own socket", rt.URL})
	} else {
		fmt.Fprintf(stderr, "bench: floor runtime socket not found: %v\n", rtErr)
	}
	for _, b := range bases {
		t := *tg
		t.base = b.url
		for _, p := range floorPaths {
			t.load(ctx, p, warmup, 1)
		}
		targets := make([]*target, len(floorPaths))
		for i := range targets {
			targets[i] = &t
		}
		var meter cpuMeter
		if rt != nil {
			meter = cpuMeter{runtimePID: rt.PID, proxyPID: rt.ProxyPID}
		}
		before := meter.read()
		results := interleave(ctx, targets, floorPaths, n)
		var cpu cpuUse
		cpu.add(before, meter.read())
		fmt.Fprintf(w, "\nplatform floor, %s (plain JS Workers on the same local stack: JS entry -> service binding -> JS Worker -> one D1 batch; ?rl adds the Rate Limiting binding call)\n", b.label)
		printResults(w, results)
		cpu.print(w, len(floorPaths)*n)
	}
	return nil
}
