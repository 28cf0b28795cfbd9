package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// compareRecordFigures times the record requests on two local stacks side by side, A (this
// checkout) and B (another one, built), at their runtimes' own sockets: one round on each in
// turn, the order swapped every round, so the machine's drift, which moves whole runs by 20% and
// more, falls on both alike. It prints each stack's figures and, per request, B's p50, p90 and
// p99 over A's.
func compareRecordFigures(ctx context.Context, w, stderr io.Writer, a, b *devstack.Stack, rootA, rootB string, tg *target, n int) error {
	runner := func(s *devstack.Stack, pass string) (*recordRunner, error) {
		rt, err := s.Runtime(ctx, "/healthz")
		if err != nil {
			return nil, fmt.Errorf("runtime socket: %w", err)
		}
		direct := *tg
		direct.base = rt.URL
		r, err := newRecordRunner(ctx, &direct, true, cpuMeter{runtimePID: rt.PID})
		if r != nil {
			r.pass = pass
		}
		return r, err
	}
	ra, err := runner(a, "A")
	if err != nil {
		return err
	}
	rb, err := runner(b, "B")
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: comparing the record requests on two stacks (%d rounds each, alternating)\n", n)
	start := time.Now()
	for i := range n {
		first, second := ra, rb
		if i%2 == 1 {
			first, second = rb, ra
		}
		if err := first.round(ctx); err != nil {
			return err
		}
		if err := second.round(ctx); err != nil {
			return err
		}
	}
	elapsed := time.Since(start) / 2
	resA, resB := ra.finish(ctx, elapsed), rb.finish(ctx, elapsed)
	for _, side := range []struct {
		name string
		r    *recordRunner
		res  []pathResult
	}{{"A (" + rootA + ")", ra, resA}, {"B (" + rootB + ")", rb, resB}} {
		fmt.Fprintf(w, "\nrecords on stack %s, at the runtime's socket (n=%d each%s, %d workspace(s))\n", side.name, n, gapNote(tg.gap), side.r.workspaces)
		printResults(w, side.res)
		side.r.cpuUse.print(w, len(side.r.ops)*n)
	}
	fmt.Fprintf(w, "\nB over A (rounds alternated between the stacks)\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "path\tp50 A ms\tp50 B ms\tp50 B/A\tp90 B/A\tp99 B/A\t")
	for i := range resA {
		la, lb := resA[i].lat, resB[i].lat
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t\n", resA[i].path, Millis(la.P50), Millis(lb.P50),
			ratio(lb.P50, la.P50), ratio(lb.P90, la.P90), ratio(lb.P99, la.P99))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	per := func(u cpuUse) float64 {
		return float64(u.total.runtime) / float64(time.Millisecond) / float64(len(ra.ops)*n)
	}
	if ra.cpuUse.seen && rb.cpuUse.seen {
		fmt.Fprintf(w, "workerd CPU per request: A %.2f ms, B %.2f ms, B/A %.3f\n", per(ra.cpuUse), per(rb.cpuUse), per(rb.cpuUse)/per(ra.cpuUse))
	}
	return nil
}

func ratio(b, a time.Duration) float64 {
	if a == 0 {
		return 0
	}
	return float64(b) / float64(a)
}
