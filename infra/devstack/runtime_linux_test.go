//go:build linux

package devstack

import (
	"net"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
)

func TestListeningPortsAndGroup(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	ports, err := listeningPorts(os.Getpid())
	if err != nil {
		t.Fatalf("listeningPorts: %v", err)
	}
	if !slices.Contains(ports, port) {
		t.Errorf("listeningPorts = %v, want it to hold %d", ports, port)
	}
	pids, err := groupPIDs(syscall.Getpgrp())
	if err != nil {
		t.Fatalf("groupPIDs: %v", err)
	}
	if !slices.Contains(pids, os.Getpid()) {
		t.Errorf("groupPIDs(own group) = %v, want it to hold %d", pids, os.Getpid())
	}
}

func TestCPUTime(t *testing.T) {
	x := 0
	for i := range 300_000_000 {
		x += i
	}
	_ = x
	got, err := CPUTime(os.Getpid())
	if err != nil {
		t.Fatalf("CPUTime: %v", err)
	}
	if got <= 0 {
		t.Errorf("CPUTime = %v after a busy loop, want > 0", got)
	}
}

// TestRunTime: the run time of this process's threads grows while it computes, to the
// nanosecond (CPUTime counts 10 ms ticks): a busy loop sees it pass 20 ms within seconds, however
// loaded the machine.
func TestRunTime(t *testing.T) {
	before, err := RunTime(os.Getpid())
	if err != nil {
		t.Fatalf("RunTime: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	x := 0
	for {
		for range 1_000_000 {
			x++
		}
		now, err := RunTime(os.Getpid())
		if err != nil {
			t.Fatalf("RunTime: %v", err)
		}
		if now-before >= 20*time.Millisecond {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("RunTime grew by %v over 10 s of a busy loop, want 20 ms", now-before)
		}
	}
	_ = x
}
