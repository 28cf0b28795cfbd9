package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// recordsInstance is the records Worker's instance route, behind the gateway's dev forward.
const recordsInstance = "/__dev/svc/records/instance"

// collectorRounds is how many full collections collectorFigures times.
const collectorRounds = 7

// collectorFigures prints what the records Worker's garbage collector costs after the record
// figures ran, with their workspaces' schemas cached: how many collections ran during them (one
// isolate has one thread, so a collection pauses every request in flight: the tail of the record
// figures), what a collection marks (the live heap), and how long a full one takes, timed as a
// request that collects less one that does not, medians of collectorRounds alternating rounds.
func collectorFigures(ctx context.Context, w io.Writer, tg *target, before instanceInfo) error {
	after, err := tg.instanceAt(ctx, recordsInstance)
	if err != nil {
		return fmt.Errorf("records instance: %w", err)
	}
	var plain, collect []time.Duration
	var live instanceInfo
	for range collectorRounds {
		for _, gc := range []bool{false, true} {
			path := recordsInstance
			if gc {
				path += "?gc=1"
			}
			start := time.Now()
			info, err := tg.instanceAt(ctx, path)
			if err != nil {
				return fmt.Errorf("records instance: %w", err)
			}
			if d := time.Since(start); gc {
				collect, live = append(collect, d), info
			} else {
				plain = append(plain, d)
			}
		}
	}
	pause := Summarize(collect).P50 - Summarize(plain).P50
	requests := after.RequestsServed - before.RequestsServed
	cycles := after.Memory.GCCycles - before.Memory.GCCycles
	fmt.Fprintf(w, "records Worker's garbage collector: %d collections in %d requests it served during the figures; live heap %.1f MB in %d objects; a full collection %.1f ms (median of %d, a request that collects less one that does not)\n",
		cycles, requests, float64(live.Memory.HeapBytes)/(1<<20), live.Memory.HeapObjects, pause.Seconds()*1000, collectorRounds)
	return nil
}
