package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// The costs are the capacity model's inputs: each action run alone, one at a time, with the CPU
// the stack's workerd spends on it: its Workers, D1 (SQLite in the same process locally), the
// Durable Objects, and the work it leaves behind (the event relay, the queue consumer, the
// realtime publish), read from /proc before and after a batch and less the idle rate.

var costActions = []Action{ActLogin, ActSubscribe, ActList, ActGet, ActGQLList, ActSearch, ActCreate, ActUpdate, ActUpload}

// cost is one action's figures.
type cost struct {
	action  Action
	n       int
	lat     Latencies
	errors  int
	cpuEach time.Duration // workerd CPU per action, idle rate removed
}

// costSettle is the pause before and after each batch, for the work an action leaves behind.
const costSettle = 1500 * time.Millisecond

// measureCosts runs n of each action in its own workspace (within its budget of 100 calls a
// minute), sequentially.
func measureCosts(ctx context.Context, w io.Writer, r *runner, watcher *ProcWatcher, n int) error {
	runtimeCPUNow := func() time.Duration {
		s := watcher.read()
		var d time.Duration
		for _, p := range s.procs {
			if p.class == runtimeClass {
				d += p.cpu
			}
		}
		return d
	}
	// The idle rate: wrangler's and the Workers' timers, the cron.
	c0, t0 := runtimeCPUNow(), time.Now()
	sleepUntil(ctx, time.Now().Add(3*time.Second))
	idle := float64(runtimeCPUNow()-c0) / float64(time.Since(t0))
	var costs []cost
	sess := 1 << 30
	for i, a := range costActions {
		if ctx.Err() != nil {
			break
		}
		slot := i * r.perWS
		// A session logged in beforehand, for every action but the login itself.
		sess++
		r.exec(ctx, Event{At: time.Since(r.start), Slot: slot, Session: sess, Action: ActLogin})
		sleepUntil(ctx, time.Now().Add(costSettle))
		from := time.Since(r.start)
		c0, t0 := runtimeCPUNow(), time.Now()
		for range n {
			ev := Event{At: time.Since(r.start), Slot: slot, Session: sess, Action: a}
			if a == ActLogin || a == ActSubscribe {
				sess++ // each its own session (a stream per session)
				ev.Session = sess
				if a == ActSubscribe {
					r.exec(ctx, Event{At: ev.At, Slot: slot, Session: sess, Action: ActLogin})
					ev.At = time.Since(r.start)
				}
			}
			r.exec(ctx, ev)
		}
		to := time.Since(r.start)
		sleepUntil(ctx, time.Now().Add(costSettle))
		spent := runtimeCPUNow() - c0
		if a == ActSubscribe {
			// The logins of the subscribing sessions are not the subscription's cost: take the
			// login's measured cost off.
			for _, c := range costs {
				if c.action == ActLogin {
					spent -= time.Duration(n) * c.cpuEach
				}
			}
		}
		spent -= time.Duration(idle * float64(time.Since(t0)))
		var lat []time.Duration
		errs := 0
		for _, s := range r.rec.Between(from, to) {
			if s.Action != a {
				continue
			}
			if s.OK() {
				lat = append(lat, s.Latency)
			} else {
				errs++
			}
		}
		costs = append(costs, cost{action: a, n: n, lat: Summarize(lat), errors: errs, cpuEach: max(0, spent) / time.Duration(n)})
		r.sessions.Range(func(_, v any) bool { v.(*session).close(); return true })
	}
	fmt.Fprintf(w, "\ncosts: each action alone, %d in a row, sequential; workerd CPU (Workers, D1, Durable Objects, queues, and the work an action leaves behind) per action, idle rate (%.1f%% of a core) removed, 10 ms ticks\n", n, 100*idle)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "action\tn\tfailed\tp50 ms\tp90 ms\tmax ms\tCPU ms/action\tHTTP requests\tCPU ms/request\t")
	for _, c := range costs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%.1f\t%d\t%.1f\t\n", c.action, c.n, c.errors, ms(c.lat.P50), ms(c.lat.P90), ms(c.lat.Max),
			float64(c.cpuEach)/float64(time.Millisecond), c.action.requests(), float64(c.cpuEach)/float64(time.Millisecond)/float64(c.action.requests()))
	}
	return tw.Flush()
}
