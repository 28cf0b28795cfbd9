package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// The stack's processes are read from /proc: CPU time (utime + stime, in clock ticks of 10 ms) and
// resident memory of every member of the stack's process group, the threads of the workerd that
// runs the Workers, and the whole machine's busy time (other work on this machine shows there).

const clockTick = 10 * time.Millisecond // USER_HZ is 100 on Linux

// procStat is what one /proc/<pid>/stat (or task stat) line holds that we use.
type procStat struct {
	Comm       string
	PPID, PGRP int
	CPU        time.Duration // utime + stime
}

// parseStat reads "pid (comm) state ppid pgrp … utime stime …". comm may hold spaces and
// parentheses, so the fields start after the last ')'.
func parseStat(b []byte) (procStat, error) {
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return procStat{}, errors.New("stat: no (comm)")
	}
	f := bytes.Fields(b[end+1:])
	if len(f) < 13 {
		return procStat{}, errors.New("stat: short")
	}
	ppid, err1 := strconv.Atoi(string(f[1]))
	pgrp, err2 := strconv.Atoi(string(f[2]))
	ut, err3 := strconv.ParseInt(string(f[11]), 10, 64)
	st, err4 := strconv.ParseInt(string(f[12]), 10, 64)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return procStat{}, fmt.Errorf("stat: %w", err)
	}
	return procStat{Comm: string(b[open+1 : end]), PPID: ppid, PGRP: pgrp, CPU: time.Duration(ut+st) * clockTick}, nil
}

// parseRSS reads VmRSS from /proc/<pid>/status, in bytes (0 if absent: a zombie).
func parseRSS(b []byte) int64 {
	for line := range bytes.SplitSeq(b, []byte("\n")) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := bytes.Fields(rest)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(string(f[0]), 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// parseMachine reads the first line of /proc/stat and answers busy and total CPU time over every
// core (idle and iowait are not busy).
func parseMachine(b []byte) (busy, total time.Duration, err error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 5 || string(f[0]) != "cpu" {
		return 0, 0, errors.New("/proc/stat: no cpu line")
	}
	var sum, idle int64
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("/proc/stat: %w", err)
		}
		if i >= 8 { // guest and guest_nice are already in user and nice
			break
		}
		sum += n
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return time.Duration(sum-idle) * clockTick, time.Duration(sum) * clockTick, nil
}

// runtimeClass is the workerd that runs the Workers (wrangler starts it with an inspector); the
// other workerd is wrangler's dev proxy.
const runtimeClass = "workerd (Workers, D1, DOs)"

// generatorClass is this process: the load generator, on the same machine as the stack.
const generatorClass = "load generator (this process)"

// classify names a stack process from its command line.
func classify(cmdline []byte, comm string) string {
	switch {
	case bytes.Contains(cmdline, []byte("workerd")) && bytes.Contains(cmdline, []byte("--inspector-addr")):
		return runtimeClass
	case bytes.Contains(cmdline, []byte("workerd")):
		return "workerd (wrangler's dev proxy)"
	case bytes.Contains(cmdline, []byte("esbuild")):
		return "esbuild"
	case bytes.Contains(cmdline, []byte("wrangler")):
		return "wrangler (node)"
	default:
		return comm
	}
}

// snapshot is the processes and the machine at one moment.
type snapshot struct {
	at            time.Time
	procs         map[int]procSample
	threads       map[string]time.Duration // the runtime's threads by name, CPU summed
	busy          time.Duration            // the machine, summed over its cores
	runtimeThread int                      // the runtime's pid, if found
}

type procSample struct {
	class string
	cpu   time.Duration
	rss   int64
}

// ProcWatcher samples a process group (pgid > 0) or a list of pids every interval.
type ProcWatcher struct {
	pgid int
	pids []int

	mu    sync.Mutex
	snaps []snapshot
}

// read takes one snapshot.
func (w *ProcWatcher) read() snapshot {
	s := snapshot{at: time.Now(), procs: map[int]procSample{}, threads: map[string]time.Duration{}}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		s.busy, _, _ = parseMachine(b)
	}
	pids := w.pids
	if w.pgid > 0 {
		pids = nil
		stats, _ := filepath.Glob("/proc/[0-9]*/stat")
		for _, f := range stats {
			b, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			st, err := parseStat(b)
			if err != nil || st.PGRP != w.pgid {
				continue
			}
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, pid)
		}
	}
	self := os.Getpid()
	if !slices.Contains(pids, self) {
		pids = append(pids, self) // the generator shares the machine too
	}
	for _, pid := range pids {
		dir := fmt.Sprintf("/proc/%d", pid)
		b, err := os.ReadFile(dir + "/stat")
		if err != nil {
			continue
		}
		st, err := parseStat(b)
		if err != nil {
			continue
		}
		cmd, _ := os.ReadFile(dir + "/cmdline")
		status, _ := os.ReadFile(dir + "/status")
		class := classify(cmd, st.Comm)
		if pid == self {
			class = generatorClass
		}
		s.procs[pid] = procSample{class: class, cpu: st.CPU, rss: parseRSS(status)}
		if class == runtimeClass {
			s.runtimeThread = pid
			tasks, _ := filepath.Glob(dir + "/task/[0-9]*/stat")
			for _, t := range tasks {
				if b, err := os.ReadFile(t); err == nil {
					if ts, err := parseStat(b); err == nil {
						s.threads[ts.Comm] += ts.CPU
					}
				}
			}
		}
	}
	return s
}

// Sample takes a snapshot now and keeps it.
func (w *ProcWatcher) Sample() {
	s := w.read()
	w.mu.Lock()
	w.snaps = append(w.snaps, s)
	w.mu.Unlock()
}

// Usage is the processes' use of the machine between two moments.
type Usage struct {
	Wall     time.Duration
	Classes  []ClassUsage
	Threads  []ThreadUsage // the runtime's busiest threads
	Machine  float64       // busy share of all cores, as a percentage of one core (200% = 2 cores)
	Measured bool
}

// ClassUsage is one kind of process: CPU as a percentage of one core, and peak resident memory.
type ClassUsage struct {
	Class   string
	Procs   int
	CPU     float64
	PeakRSS int64
}

// ThreadUsage is one named thread group's CPU, as a percentage of one core.
type ThreadUsage struct {
	Name string
	CPU  float64
}

// Between answers the usage from the first snapshot at or after from to the last at or before to.
func (w *ProcWatcher) Between(from, to time.Time) Usage {
	w.mu.Lock()
	defer w.mu.Unlock()
	var in []snapshot
	for _, s := range w.snaps {
		if !s.at.Before(from) && !s.at.After(to) {
			in = append(in, s)
		}
	}
	return usage(in)
}

// usage computes Usage over snapshots in time order.
func usage(in []snapshot) Usage {
	if len(in) < 2 {
		return Usage{}
	}
	a, b := in[0], in[len(in)-1]
	u := Usage{Wall: b.at.Sub(a.at), Measured: true}
	if u.Wall <= 0 {
		return Usage{}
	}
	pct := func(d time.Duration) float64 { return 100 * float64(d) / float64(u.Wall) }
	u.Machine = pct(b.busy - a.busy) // busy ticks are summed over the cores
	classes := map[string]*ClassUsage{}
	for pid, pb := range b.procs {
		c := classes[pb.class]
		if c == nil {
			c = &ClassUsage{Class: pb.class}
			classes[pb.class] = c
		}
		c.Procs++
		if pa, ok := a.procs[pid]; ok {
			c.CPU += pct(pb.cpu - pa.cpu)
		} else {
			c.CPU += pct(pb.cpu) // started within the window
		}
	}
	for _, s := range in {
		peak := map[string]int64{}
		for _, p := range s.procs {
			peak[p.class] += p.rss
		}
		for k, v := range peak {
			if c := classes[k]; c != nil {
				c.PeakRSS = max(c.PeakRSS, v)
			}
		}
	}
	for _, c := range classes {
		u.Classes = append(u.Classes, *c)
	}
	slices.SortFunc(u.Classes, func(x, y ClassUsage) int { return int(y.CPU*1000) - int(x.CPU*1000) })
	if a.runtimeThread != 0 && a.runtimeThread == b.runtimeThread {
		for name, cb := range b.threads {
			if d := cb - a.threads[name]; d > 0 {
				u.Threads = append(u.Threads, ThreadUsage{Name: name, CPU: pct(d)})
			}
		}
		slices.SortFunc(u.Threads, func(x, y ThreadUsage) int { return int(y.CPU*1000) - int(x.CPU*1000) })
	}
	return u
}

// Others is the machine's busy time spent neither by the stack's processes nor by this generator
// (other work on the machine), as a percentage of one core.
func (u Usage) Others() float64 {
	o := u.Machine
	for _, c := range u.Classes {
		o -= c.CPU
	}
	return max(0, o)
}
