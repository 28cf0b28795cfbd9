package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    procStat
		wantErr bool
	}{
		{name: "workerd", in: "4242 (workerd) S 4200 4100 4100 0 -1 4194560 1 0 0 0 250 37 0 0 20 0 9 0 100 0 0",
			want: procStat{Comm: "workerd", PPID: 4200, PGRP: 4100, CPU: 2870 * time.Millisecond}},
		{name: "a comm with spaces and parentheses", in: "7 (V8 (Default) Wo) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 0 0",
			want: procStat{Comm: "V8 (Default) Wo", PPID: 1, PGRP: 7, CPU: 70 * time.Millisecond}},
		{name: "short", in: "7 (x) R 1 7", wantErr: true},
		{name: "no comm", in: "7 x R 1 7 7 0 -1 0 0 0 0 0 3 4", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseStat([]byte(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestParseRSSAndMachine(t *testing.T) {
	if got := parseRSS([]byte("Name:\tworkerd\nVmPeak:\t 9 kB\nVmRSS:\t  833120 kB\nThreads: 9\n")); got != 833120<<10 {
		t.Errorf("parseRSS = %d", got)
	}
	if got := parseRSS([]byte("Name:\tzombie\n")); got != 0 {
		t.Errorf("parseRSS of a zombie = %d", got)
	}
	busy, total, err := parseMachine([]byte("cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 1 2 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	// busy = user+nice+system+irq+softirq+steal = 160; idle and iowait are not; guest is in user.
	if busy != 1600*time.Millisecond || total != 10000*time.Millisecond {
		t.Errorf("parseMachine = %s busy of %s", busy, total)
	}
	if _, _, err := parseMachine([]byte("intr 1 2 3\n")); err == nil {
		t.Error("parseMachine of no cpu line: no error")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"/x/workerd\x00serve\x00--binary\x00--inspector-addr=127.0.0.1:0\x00", runtimeClass},
		{"/x/workerd\x00serve\x00--binary\x00", "workerd (wrangler's dev proxy)"},
		{"/x/node\x00/x/wrangler-dist/cli.js\x00dev\x00", "wrangler (node)"},
		{"/x/esbuild\x00--service=0.28.2\x00", "esbuild"},
		{"/bin/bash\x00-c\x00", "bash"},
	}
	for _, tt := range tests {
		if got := classify([]byte(tt.cmd), "bash"); got != tt.want {
			t.Errorf("classify(%q) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}

func TestUsage(t *testing.T) {
	t0 := time.Unix(1000, 0)
	snaps := []snapshot{
		{at: t0, busy: 10 * time.Second, runtimeThread: 1,
			procs:   map[int]procSample{1: {runtimeClass, 4 * time.Second, 800 << 20}, 2: {"wrangler (node)", time.Second, 500 << 20}},
			threads: map[string]time.Duration{"workerd": 3 * time.Second, "V8 DefaultWorke": time.Second}},
		{at: t0.Add(5 * time.Second), busy: 17 * time.Second, runtimeThread: 1,
			procs:   map[int]procSample{1: {runtimeClass, 8 * time.Second, 900 << 20}, 2: {"wrangler (node)", time.Second, 400 << 20}},
			threads: map[string]time.Duration{"workerd": 6500 * time.Millisecond, "V8 DefaultWorke": 1500 * time.Millisecond}},
		{at: t0.Add(10 * time.Second), busy: 25 * time.Second, runtimeThread: 1,
			procs: map[int]procSample{1: {runtimeClass, 12 * time.Second, 850 << 20}, 2: {"wrangler (node)", 1500 * time.Millisecond, 450 << 20},
				3: {"esbuild", 200 * time.Millisecond, 10 << 20}},
			threads: map[string]time.Duration{"workerd": 10 * time.Second, "V8 DefaultWorke": 2 * time.Second}},
	}
	got := usage(snaps)
	want := Usage{Wall: 10 * time.Second, Machine: 150, Measured: true,
		Classes: []ClassUsage{
			{Class: runtimeClass, Procs: 1, CPU: 80, PeakRSS: 900 << 20},
			{Class: "wrangler (node)", Procs: 1, CPU: 5, PeakRSS: 500 << 20},
			{Class: "esbuild", Procs: 1, CPU: 2, PeakRSS: 10 << 20},
		},
		Threads: []ThreadUsage{{"workerd", 70}, {"V8 DefaultWorke", 10}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("usage (-want +got):\n%s", diff)
	}
	if o := got.Others(); o != 63 {
		t.Errorf("Others = %v, want 150 - (80 + 5 + 2)", o)
	}
	if u := usage(snaps[:1]); u.Measured {
		t.Error("one snapshot measured a usage")
	}
}
