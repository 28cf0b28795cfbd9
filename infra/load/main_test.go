package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlags(t *testing.T) {
	bad := []string{
		"-users 0",
		"-duration 10s -ramp 20s",
		"-users-per-workspace 0",
		"-token t",                                 // a token needs -base
		"-base https://crm.example.com",            // a remote server is not signed up on
		"-base http://127.0.0.1:8787 -email a@b.c", // no password
		"-base http://127.0.0.1:8787 -token t -email a@b.c -password p",
		"-mix list=1,nope=2",
		"-slo-exclude nope",
		"-find -find-start 0",
		"-subscribe 2",
		"extra",
	}
	for _, args := range bad {
		if _, _, err := parseFlags(strings.Fields(args), io.Discard); err == nil {
			t.Errorf("parseFlags(%q): no error", args)
		}
	}

	_, p, err := parseFlags(strings.Fields("-users 30 -ramp 10s -duration 1m"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Stage{{Users: 30, Ramp: 10 * time.Second, Hold: 50 * time.Second}}, p.Stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}

	cfg, p, err := parseFlags(strings.Fields("-find -find-start 20 -find-step 20 -find-max 60 -find-ramp 5s -find-hold 10s -find-warmup 15s"), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := []Stage{{Users: 10, Ramp: 5 * time.Second, Hold: 15 * time.Second, Warmup: true},
		{Users: 20, Ramp: 5 * time.Second, Hold: 10 * time.Second}, {Users: 40, Ramp: 5 * time.Second, Hold: 10 * time.Second},
		{Users: 60, Ramp: 5 * time.Second, Hold: 10 * time.Second}}
	if diff := cmp.Diff(want, p.Stages); diff != "" {
		t.Errorf("find stages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Action{ActLogin}, cfg.excluded()); diff != "" {
		t.Errorf("the default exclusion (-want +got):\n%s", diff)
	}
	if got := meanRequests(p.Mix); got < 1.15 || got > 1.17 {
		t.Errorf("the default mix sends %.3f requests an action, want 1.16", got)
	}
}
