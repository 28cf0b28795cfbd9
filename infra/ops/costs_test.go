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
	token := c.signUp()
	var ids []string
	for i := range 30 {
		var created struct {
			Data struct{ CreatePerson struct{ ID string } }
		}
		c.do("POST", "/rest/people", token, fmt.Sprintf(`{"name":{"firstName":"Seed","lastName":"%d"},"jobTitle":"Engineer"}`, i), &created)
		ids = append(ids, created.Data.CreatePerson.ID)
	}
	type kind struct {
		name, method, path, body string
	}
	kinds := []kind{
		{"GET /healthz", "GET", "/healthz", ""},
		{"REST list 20 people", "GET", "/rest/people?limit=20", ""},
		{"REST get one person", "GET", "/rest/people/" + ids[0], ""},
		{"REST filtered list", "GET", "/rest/people?limit=20&filter=jobTitle%5Beq%5D%3AEngineer", ""},
		{"REST create person", "POST", "/rest/people", `{"name":{"firstName":"Cost","lastName":"Probe"}}`},
		{"REST update person", "PATCH", "/rest/people/" + ids[1], `{"jobTitle":"Director"}`},
		{"GraphQL people(first:20)", "POST", "/graphql", `{"query":"{ people(first: 20) { edges { node { id name { firstName } } } } }"}`},
	}
	const n = 100
	fmt.Printf("\n%-28s %10s %14s %16s %12s\n", "request", "CPU ms", "D1 rows read", "D1 rows written", "D1 batches")
	for _, k := range kinds {
		for range 10 { // warm-up
			c.do(k.method, k.path, token, k.body, nil)
		}
		time.Sleep(300 * time.Millisecond) // let waitUntil work (the event relay) settle
		u0 := c.usage()
		cpu0, _ := devstack.CPUTime(rt.PID)
		for range n {
			c.do(k.method, k.path, token, k.body, nil)
		}
		time.Sleep(300 * time.Millisecond)
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
