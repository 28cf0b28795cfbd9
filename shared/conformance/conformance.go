// Package conformance runs contract checks against an implementation of a
// platform seam (a KV store, a blob store, a queue producer, ...).
//
// A seam package (kv, blob, queue, fanout) ships its contract as a function
// that returns []Check. The same checks run natively against the in-memory
// fake from a _test.go file, and inside a running Worker against the real
// Cloudflare binding through Handler. For that reason this package, and every
// package that builds checks, must not import "testing".
package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// CheckTimeout bounds the run time of a single check. A check that is still
// running when its context expires is reported as failed.
const CheckTimeout = 10 * time.Second

// Check is one named assertion about an implementation. Run returns nil when
// the implementation behaves as the contract requires, and otherwise an
// error that says what was observed and what was wanted.
type Check struct {
	Name string
	Run  func(ctx context.Context) error
}

// Result is the outcome of one Check.
type Result struct {
	Suite  string `json:"suite"`
	Check  string `json:"check"`
	Passed bool   `json:"passed"`
	Error  string `json:"error,omitempty"`
}

// Run runs checks in order and returns one Result per check, named suite.
//
// Each check gets a context derived from ctx that expires after
// CheckTimeout. A panic in a check is recovered and reported as a failure.
// A check that ignores its context and overruns is reported as failed and
// left running in its own goroutine; Run moves on to the next check.
func Run(ctx context.Context, suite string, checks []Check) []Result {
	return run(ctx, suite, checks, CheckTimeout)
}

func run(ctx context.Context, suite string, checks []Check, timeout time.Duration) []Result {
	results := make([]Result, 0, len(checks))
	for _, c := range checks {
		r := Result{Suite: suite, Check: c.Name, Passed: true}
		if err := runOne(ctx, c, timeout); err != nil {
			r.Passed = false
			r.Error = err.Error()
		}
		results = append(results, r)
	}
	return results
}

// runOne runs c with a timeout and turns a panic into an error.
func runOne(ctx context.Context, c Check, timeout time.Duration) error {
	if c.Run == nil {
		return errors.New("check has no Run func")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	done := make(chan error, 1) // Buffered: an overrunning check must not block forever.
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- c.Run(ctx)
	}()

	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("check did not finish within %v: %w", timeout, ctx.Err())
	}
}

// Passed reports whether every result passed.
func Passed(results []Result) bool {
	for _, r := range results {
		if !r.Passed {
			return false
		}
	}
	return true
}

// Wait blocks for d or until ctx is done, whichever comes first, and returns
// ctx.Err() in the second case. Checks use it to space out writes to the same
// key, which Cloudflare KV and R2 rate-limit to one per second. In a Worker the timer is the
// request's own (cfworker.Sleep).
func Wait(ctx context.Context, d time.Duration) error { return cfworker.Sleep(ctx, d) }
