//go:build opscost

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// TestMeasureCosts measures, on the local stack, what each request type costs in the units
// Cloudflare bills: workerd CPU per request (every isolate of the stack runs in one workerd, so
// this is the request's CPU across the Workers it crosses, plus the local D1's own), and D1 rows
// read and written per request (D1's meta, summed by the records Worker: shared/js/d1wire.mjs).
// docs/operations.md's cost analysis is built from its table:
//
//	cd infra && go test -tags opscost -count=1 -v -run TestMeasureCosts ./ops/
func TestMeasureCosts(t *testing.T) {
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	configs := []string{}
	for _, s := range services {
		configs = append(configs, "services/"+s+"/wrangler.jsonc")
	}
	s, err := devstack.Start(ctx, devstack.Options{Root: root, Configs: configs, MigrateConfig: "services/auth/wrangler.jsonc", MigrateBinding: "CONTROL",
		Vars: map[string]string{"DEV_ROUTES": "true"}, ReadyPath: "/healthz"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	rt, err := s.Runtime(ctx, "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	c := &costClient{t: t, base: rt.URL}
	// Each kind runs in a new workspace: Twenty's rate limit is 100 requests a minute per
	// workspace (25 seeded people, 5 warm-up requests and n measured ones fit).
	seed := func() (string, []string) {
		token := c.signUp()
		var ids []string
		for i := range 25 {
			var created struct {
				Data struct{ CreatePerson struct{ ID string } }
			}
			c.do("POST", "/rest/people", token, fmt.Sprintf(`{"name":{"firstName":"Seed","lastName":"%d"},"jobTitle":"Engineer"}`, i), &created)
			ids = append(ids, created.Data.CreatePerson.ID)
		}
		return token, ids
	}
	type kind struct {
		name, method, path, body string
	}
	kinds := []func(ids []string) kind{
		func([]string) kind { return kind{"GET /healthz", "GET", "/healthz", ""} },
		func([]string) kind { return kind{"REST list 20 people", "GET", "/rest/people?limit=20", ""} },
		func(ids []string) kind { return kind{"REST get one person", "GET", "/rest/people/" + ids[0], ""} },
		func([]string) kind {
			return kind{"REST filtered list", "GET", "/rest/people?limit=20&filter=jobTitle%5Beq%5D%3AEngineer", ""}
		},
		func([]string) kind {
			return kind{"REST create person", "POST", "/rest/people", `{"name":{"firstName":"Cost","lastName":"Probe"}}`}
		},
		func(ids []string) kind {
			return kind{"REST update person", "PATCH", "/rest/people/" + ids[1], `{"jobTitle":"Director"}`}
		},
		func([]string) kind {
			return kind{"GraphQL people(first:20)", "POST", "/graphql", `{"query":"{ people(first: 20) { edges { node { id name { firstName } } } } }"}`}
		},
	}
	const n = 60
	fmt.Printf("\n%-28s %10s %14s %16s %12s\n", "request", "CPU ms", "D1 rows read", "D1 rows written", "D1 batches")
	for _, mk := range kinds {
		token, ids := seed()
		k := mk(ids)
		for range 5 { // warm-up
			c.do(k.method, k.path, token, k.body, nil)
		}
		time.Sleep(500 * time.Millisecond) // let waitUntil work (the event relay) settle
		u0 := c.usage()
		cpu0, _ := devstack.CPUTime(rt.PID)
		for range n {
			c.do(k.method, k.path, token, k.body, nil)
		}
		time.Sleep(500 * time.Millisecond)
		cpu1, _ := devstack.CPUTime(rt.PID)
		u1 := c.usage()
		fmt.Printf("%-28s %10.2f %14.1f %16.1f %12.2f\n", k.name, float64((cpu1-cpu0).Microseconds())/1000/n,
			(u1.RowsRead-u0.RowsRead)/n, (u1.RowsWritten-u0.RowsWritten)/n, (u1.Batches-u0.Batches)/n)
	}
}

type costClient struct {
	t    *testing.T
	base string
}

type d1Usage struct{ Batches, RowsRead, RowsWritten float64 }

func (c *costClient) usage() d1Usage {
	var inst struct{ D1 d1Usage }
	c.do("GET", "/__dev/svc/records/instance", "", "", &inst)
	return inst.D1
}

func (c *costClient) do(method, path, token, body string, out any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		c.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

func (c *costClient) gql(token, query string, vars map[string]any, out any) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	var res struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	c.do("POST", "/metadata", token, string(body), &res)
	if len(res.Errors) > 0 {
		c.t.Fatalf("%s: %s", query, res.Errors[0].Message)
	}
	if out != nil {
		if err := json.NewDecoder(bytes.NewReader(res.Data)).Decode(out); err != nil {
			c.t.Fatal(err)
		}
	}
}

// signUp replays Twenty's onboarding (as infra/bench does) and answers an access token.
func (c *costClient) signUp() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	email := "cost-" + hex.EncodeToString(b[:]) + "@example.com"
	type pair struct {
		Tokens struct {
			Access struct{ Token string } `json:"accessOrWorkspaceAgnosticToken"`
		}
	}
	var up struct{ SignUp pair }
	c.gql("", `mutation($e:String!,$p:String!){signUp(email:$e,password:$p){tokens{accessOrWorkspaceAgnosticToken{token}}}}`, map[string]any{"e": email, "p": "cost-password-1"}, &up)
	var created struct {
		SignUpInNewWorkspace struct{ LoginToken struct{ Token string } }
	}
	c.gql(up.SignUp.Tokens.Access.Token, `mutation{signUpInNewWorkspace(input:{displayName:"Cost"}){loginToken{token}}}`, nil, &created)
	var tokens struct{ GetAuthTokensFromLoginToken pair }
	c.gql("", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`, map[string]any{"t": created.SignUpInNewWorkspace.LoginToken.Token}, &tokens)
	access := tokens.GetAuthTokensFromLoginToken.Tokens.Access.Token
	c.gql(access, `mutation{activateWorkspace(data:{displayName:"Cost"}){id}}`, nil, nil)
	return access
}

// TestCompareHealthz times GET /healthz on this checkout's stack (A) and another built checkout's
// (B, OPS_COMPARE_B=<root>) side by side at their runtimes' sockets, alternating requests, as
// infra/bench -compare does for the record requests (which it covers; this is the health path):
//
//	OPS_COMPARE_B=/path/to/other go test -tags opscost -count=1 -v -run TestCompareHealthz ./ops/
func TestCompareHealthz(t *testing.T) {
	other := os.Getenv("OPS_COMPARE_B")
	if other == "" {
		t.Skip("OPS_COMPARE_B is not set")
	}
	rootA, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := func(root string) string {
		var configs []string
		for _, s := range services {
			configs = append(configs, "services/"+s+"/wrangler.jsonc")
		}
		s, err := devstack.Start(ctx, devstack.Options{Root: root, Configs: configs, MigrateConfig: "services/auth/wrangler.jsonc", MigrateBinding: "CONTROL",
			Vars: map[string]string{"DEV_ROUTES": "true"}, ReadyPath: "/healthz"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Stop() })
		rt, err := s.Runtime(ctx, "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		return rt.URL
	}
	urls := []string{start(rootA), start(other)}
	const n = 1000
	lat := [2][]float64{}
	for i := range n + 100 {
		for j := range 2 {
			side := (i + j) % 2
			t0 := time.Now()
			res, err := http.Get(urls[side] + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if i >= 100 { // warm-up
				lat[side] = append(lat[side], float64(time.Since(t0).Microseconds())/1000)
			}
		}
	}
	q := func(v []float64, p float64) float64 {
		s := append([]float64(nil), v...)
		sort.Float64s(s)
		return s[int(p*float64(len(s)-1))]
	}
	fmt.Printf("\nGET /healthz, %d alternated requests each\n%-4s %8s %8s\n", n, "", "p50 ms", "p99 ms")
	for i, name := range []string{"A", "B"} {
		fmt.Printf("%-4s %8.3f %8.3f\n", name, q(lat[i], 0.5), q(lat[i], 0.99))
	}
	fmt.Printf("B/A p50 %.3f, p99 %.3f\n", q(lat[1], 0.5)/q(lat[0], 0.5), q(lat[1], 0.99)/q(lat[0], 0.99))
}

// TestLocalMetrics shows the local stack's data points through `make metrics`' path (ENV=local:
// the gateway's /__dev/metrics):
//
//	go test -tags opscost -count=1 -v -run TestLocalMetrics ./ops/
func TestLocalMetrics(t *testing.T) {
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var configs []string
	for _, s := range services {
		configs = append(configs, "services/"+s+"/wrangler.jsonc")
	}
	s, err := devstack.Start(context.Background(), devstack.Options{Root: root, Configs: configs, MigrateConfig: "services/auth/wrangler.jsonc", MigrateBinding: "CONTROL",
		Vars: map[string]string{"DEV_ROUTES": "true"}, ReadyPath: "/healthz"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	for _, p := range []string{"/healthz", "/healthz", "/rest/people", "/graphql", "/nope"} {
		res, err := http.Get(s.BaseURL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	st, err := loadStack(root)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	a := newApp(root, st, nil, false, &out)
	a.baseURL = s.BaseURL
	if err := a.metrics(context.Background(), "", "5m"); err != nil {
		t.Fatal(err)
	}
	fmt.Print(out.String())
	for _, route := range []string{"/healthz", "/rest/people", "/graphql", "/nope"} {
		if !strings.Contains(out.String(), route) {
			t.Errorf("make metrics (local) has no %s:\n%s", route, out.String())
		}
	}
}
