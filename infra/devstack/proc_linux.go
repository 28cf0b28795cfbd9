//go:build linux

package devstack

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// sysProcAttr puts the wrapper in its own process group and sends it SIGTERM
// when the forking thread dies; its trap then kills the whole group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// groupAlive reports whether process group pgid has a member that is not a
// zombie. Orphaned zombies can linger until init reaps them, and they would
// keep kill(-pgid, 0) succeeding.
func groupAlive(pgid int) bool {
	if pgid <= 0 {
		return false
	}
	if err := syscall.Kill(-pgid, 0); err == syscall.ESRCH {
		return false
	}
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return true
	}
	for _, f := range stats {
		fields, err := statFields(f)
		if err != nil || len(fields) < 3 {
			continue // The process exited meanwhile.
		}
		if pg, _ := strconv.Atoi(string(fields[2])); pg != pgid {
			continue
		}
		if state := string(fields[0]); state != "Z" && state != "X" {
			return true
		}
	}
	return false
}

// statFields reads a /proc/<pid>/stat file and returns its fields after the command name: state,
// ppid, pgrp, … The format is "pid (comm) state ppid pgrp ..."; comm may contain spaces and
// parentheses, so the fields start after the last ')'.
func statFields(path string) ([][]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil, fmt.Errorf("devstack: malformed %s", path)
	}
	return bytes.Fields(b[i+1:]), nil
}
