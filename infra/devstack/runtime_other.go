//go:build !linux

package devstack

import (
	"context"
	"errors"
	"time"
)

// Runtime is the workerd process of a stack that runs the Workers (found on Linux only).
type Runtime struct {
	URL           string
	PID, ProxyPID int
}

var errNotLinux = errors.New("devstack: finding the runtime needs Linux's /proc")

// Runtime finds the stack's runtime; only on Linux.
func (s *Stack) Runtime(context.Context, string) (*Runtime, error) { return nil, errNotLinux }

// CPUTime returns the CPU time a process has used; only on Linux.
func CPUTime(int) (time.Duration, error) { return 0, errNotLinux }

// RunTime is CPUTime to the nanosecond, on Linux only.
func RunTime(int) (time.Duration, error) { return 0, errNotLinux }
