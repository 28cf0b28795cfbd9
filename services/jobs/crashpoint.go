package main

import (
	"net/http"
	"sync/atomic"
)

// crashPoint lets the local stack's tests end the jobs Worker's Go instance at the worst moment of
// a workflow run: after a step's effect (a record written, a request sent) and before the run
// records it. Armed through a dev route (reachable only through the gateway's dev forward), it
// fires once. Unarmed, it costs one atomic load per step.
type crashPoint struct {
	armed atomic.Bool
	// crash ends the Go instance; the glue starts a new one for the next event, and the queue
	// delivers the unacknowledged step job again.
	crash func()
}

// reached fires the crash when armed.
func (c *crashPoint) reached() {
	if c != nil && c.armed.CompareAndSwap(true, false) {
		c.crash()
	}
}

// arm is the dev route POST /__dev/crash-after-next-step.
func (c *crashPoint) arm(w http.ResponseWriter, _ *http.Request) {
	c.armed.Store(true)
	w.WriteHeader(http.StatusNoContent)
}
