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
	"time"
)

// gqlCall posts one GraphQL operation to /metadata and decodes data into out. Each call comes from
// its own client address, so the anonymous rate limit does not skew the figures.
func gqlCall(ctx context.Context, tg *target, token, query string, vars map[string]any, out any) (time.Duration, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.base+"/metadata", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	var ip [2]byte
	_, _ = rand.Read(ip[:])
	req.Header.Set("CF-Connecting-IP", fmt.Sprintf("198.18.%d.%d", ip[0], ip[1]))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	res, err := tg.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	var reply struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(raw, &reply); err != nil || len(reply.Errors) > 0 {
		return 0, fmt.Errorf("%s: status %d: %s", query[:min(40, len(query))], res.StatusCode, raw)
	}
	return elapsed, json.Unmarshal(reply.Data, out)
}

type benchToken struct {
	Token string `json:"token"`
}

type benchPair struct {
	Tokens struct {
		Access benchToken `json:"accessOrWorkspaceAgnosticToken"`
	} `json:"tokens"`
}

// signUp replays Twenty's onboarding and answers the email, password and an access token.
func signUp(ctx context.Context, tg *target) (email, password, access string, err error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	email, password = "bench-"+hex.EncodeToString(b[:])+"@example.com", "bench-password-1"
	var up struct{ SignUp benchPair }
	if _, err = gqlCall(ctx, tg, "", `mutation($e:String!,$p:String!){signUp(email:$e,password:$p){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"e": email, "p": password}, &up); err != nil {
		return
	}
	var created struct {
		SignUpInNewWorkspace struct {
			LoginToken benchToken `json:"loginToken"`
		}
	}
	if _, err = gqlCall(ctx, tg, up.SignUp.Tokens.Access.Token, `mutation{signUpInNewWorkspace(input:{displayName:"Bench"}){loginToken{token}}}`, nil, &created); err != nil {
		return
	}
	var tokens struct{ GetAuthTokensFromLoginToken benchPair }
	if _, err = gqlCall(ctx, tg, "", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"t": created.SignUpInNewWorkspace.LoginToken.Token}, &tokens); err != nil {
		return
	}
	access = tokens.GetAuthTokensFromLoginToken.Tokens.Access.Token
	var act map[string]any
	_, err = gqlCall(ctx, tg, access, `mutation{activateWorkspace(data:{displayName:"Bench"}){id}}`, nil, &act)
	return
}

// authFigures measures authentication on a stack with the dev routes: what verifying a token adds
// to a request (/__dev/authn against /__dev/direct) and how long a password login and the token
// exchange take.
func authFigures(ctx context.Context, w io.Writer, tg *target, n, warmup, logins int) error {
	email, password, access, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("auth figures: sign-up flow: %w", err)
	}
	authed := *tg
	authed.header = tg.header.Clone()
	authed.header.Set("Authorization", "Bearer "+access)
	authed.load(ctx, "/__dev/authn", warmup, 1)
	tg.load(ctx, "/__dev/direct", warmup, 1)
	// Interleaved, one request each in turn, so drift in the machine's load hits both alike.
	r := interleave(ctx, []*target{tg, &authed}, []string{"/__dev/direct", "/__dev/authn"}, n)
	direct, authn := r[0], r[1]

	var loginLat, exchangeLat []time.Duration
	for range logins {
		var lt struct {
			GetLoginTokenFromCredentials struct {
				LoginToken benchToken `json:"loginToken"`
			}
		}
		d, err := gqlCall(ctx, tg, "", `mutation($e:String!,$p:String!){getLoginTokenFromCredentials(email:$e,password:$p,origin:""){loginToken{token}}}`,
			map[string]any{"e": email, "p": password}, &lt)
		if err != nil {
			return fmt.Errorf("auth figures: login: %w", err)
		}
		loginLat = append(loginLat, d)
		var pair struct{ GetAuthTokensFromLoginToken benchPair }
		d, err = gqlCall(ctx, tg, "", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
			map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token}, &pair)
		if err != nil {
			return fmt.Errorf("auth figures: token exchange: %w", err)
		}
		exchangeLat = append(exchangeLat, d)
	}

	fmt.Fprintln(w, "\nauthentication (a user signed up through the GraphQL flow)")
	printResults(w, []pathResult{direct, authn})
	added := authn.lat.P50 - direct.lat.P50
	verdict := "ok"
	if added > 500*time.Microsecond {
		verdict = "OVER BUDGET"
	}
	fmt.Fprintf(w, "  token verification adds = %s ms p50 (budget <= 0.5 ms) %s\n", Millis(added), verdict)
	for _, l := range []struct {
		name string
		lat  []time.Duration
	}{{"login (getLoginTokenFromCredentials, bcrypt cost 10)", loginLat}, {"token exchange (getAuthTokensFromLoginToken)", exchangeLat}} {
		s := Summarize(l.lat)
		fmt.Fprintf(w, "  %s: n=%d p50 %s p90 %s p99 %s ms\n", l.name, s.N, Millis(s.P50), Millis(s.P90), Millis(s.P99))
	}
	return nil
}

// interleave sends n requests to each path in turn (one request per path per round), so drift in
// the machine's load hits every path alike; targets[i] serves paths[i].
func interleave(ctx context.Context, targets []*target, paths []string, n int) []pathResult {
	results := make([]pathResult, len(paths))
	lats := make([][]time.Duration, len(paths))
	for i, p := range paths {
		results[i] = pathResult{path: p, statuses: map[int]int{}}
	}
	start := time.Now()
	for range n {
		for i, p := range paths {
			s := targets[i].do(ctx, http.MethodGet, p, nil)
			results[i].sent++
			if !ok(s.status) {
				results[i].errors++
				results[i].statuses[s.status]++
				continue
			}
			lats[i] = append(lats[i], s.d)
		}
	}
	elapsed := time.Since(start)
	for i := range results {
		results[i].lat = Summarize(lats[i])
		results[i].elapsed = elapsed / time.Duration(len(paths))
	}
	return results
}
