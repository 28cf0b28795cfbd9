package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The search figures time Twenty's search query on a workspace of many people (10,000 by
// default on the local stack). The people are created through the API in createPeople batches
// of 200 (so 50 requests seed 10,000, within a workspace's 100 API calls a minute); the
// workspace's first search, before them, creates its index, so every create also writes it (the
// triggers), and the batches' latency says what that costs. The searches are 2 to 4 letter
// prefixes of the names given, as someone typing. A 429 is waited out (Retry-After) and retried,
// not timed.

var searchFirstNames = []string{"Ada", "Alan", "Grace", "Linus", "Barbara", "Edsger", "Donald", "Margaret", "Hélène", "Zoë",
	"Ken", "Dennis", "Bjarne", "Guido", "Anders", "Frances", "Radia", "Sophie", "Niklaus", "Tim"}

var searchLastNames = []string{"Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Dijkstra", "Knuth", "Hamilton", "Ångström",
	"Thompson", "Ritchie", "Stroustrup", "Rossum", "Hejlsberg", "Allen", "Perlman", "Wilson", "Wirth", "Berners", "Kay"}

// searchCall posts one GraphQL data request, waiting out 429s, and answers its latency.
func searchCall(ctx context.Context, tg *target, token, query string, vars map[string]any) (time.Duration, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tg.base+"/graphql", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := tg.client.Do(req)
		if err != nil {
			return 0, err
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		elapsed := time.Since(start)
		if err != nil {
			return 0, err
		}
		if res.StatusCode == http.StatusTooManyRequests {
			wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
			}
			continue
		}
		var reply struct{ Errors []struct{ Message string } }
		if err := json.Unmarshal(raw, &reply); err != nil || len(reply.Errors) > 0 || res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s: status %d: %.300s", query[:min(40, len(query))], res.StatusCode, raw)
		}
		return elapsed, nil
	}
}

const searchBenchQuery = `query($q: String!) { search(searchInput: $q, limit: 20) {
  edges { node { recordId objectNameSingular label imageUrl tsRank } cursor } pageInfo { hasNextPage endCursor } } }`

// searchFigures seeds people people in a new workspace and times n searches.
func searchFigures(ctx context.Context, w, stderr io.Writer, tg *target, people, n int) error {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("search figures: sign-up flow: %w", err)
	}
	first, err := searchCall(ctx, tg, access, searchBenchQuery, map[string]any{"q": "a"})
	if err != nil {
		return fmt.Errorf("search figures: first search: %w", err)
	}
	// The same batches in a workspace that never searched (no index, no triggers): what the
	// index adds to writes.
	_, _, plain, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("search figures: sign-up flow: %w", err)
	}
	fmt.Fprintf(stderr, "bench: search: seeding %d people in createPeople batches of %d (and %d in a workspace without the index)\n", people, searchBatch, people/5)
	rng := rand.New(rand.NewPCG(1, 2))
	var creates, plainCreates []time.Duration
	for done := 0; done < people; done += searchBatch {
		data := seedBatch(rng, done, min(searchBatch, people-done))
		d, err := searchCall(ctx, tg, access, `mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }`, map[string]any{"d": data})
		if err != nil {
			return fmt.Errorf("search figures: seed: %w", err)
		}
		creates = append(creates, d)
		if done%(5*searchBatch) == 0 {
			d, err := searchCall(ctx, tg, plain, `mutation($d: [PersonCreateInput!]!) { createPeople(data: $d) { id } }`, map[string]any{"d": data})
			if err != nil {
				return fmt.Errorf("search figures: seed without the index: %w", err)
			}
			plainCreates = append(plainCreates, d)
		}
	}
	var times []time.Duration
	for i := range n {
		name := searchFirstNames[i%len(searchFirstNames)]
		if i%2 == 1 {
			name = searchLastNames[i%len(searchLastNames)]
		}
		prefix := string([]rune(name)[:min(2+i%3, len([]rune(name)))])
		d, err := searchCall(ctx, tg, access, searchBenchQuery, map[string]any{"q": prefix})
		if err != nil {
			return fmt.Errorf("search figures: search %q: %w", prefix, err)
		}
		times = append(times, d)
	}
	// The other workspace's first search builds its index over the people already there, as for
	// a workspace older than search.
	build, err := searchCall(ctx, tg, plain, searchBenchQuery, map[string]any{"q": "ad"})
	if err != nil {
		return fmt.Errorf("search figures: first search over existing people: %w", err)
	}
	c, pc, s := Summarize(creates), Summarize(plainCreates), Summarize(times)
	fmt.Fprintf(w, "\nsearch (a workspace of %d people, limit 20, 2-4 letter prefixes; ms)\n", people)
	fmt.Fprintf(w, "  first search (creates the empty index)     %s\n", Millis(first))
	fmt.Fprintf(w, "  createPeople ×%d, index written           p50 %s  p99 %s  (%d batches)\n", searchBatch, Millis(c.P50), Millis(c.P99), c.N)
	fmt.Fprintf(w, "  createPeople ×%d, no index                p50 %s  p99 %s  (%d batches)\n", searchBatch, Millis(pc.P50), Millis(pc.P99), pc.N)
	fmt.Fprintf(w, "  first search over %d people (builds it)  %s\n", len(plainCreates)*searchBatch, Millis(build))
	fmt.Fprintf(w, "  search                                    p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(s.P50), Millis(s.P90), Millis(s.P99), s.N)
	return nil
}

// searchBatch is the people of one seeding createPeople.
const searchBatch = 200

// seedBatch returns n people to create, numbered from start.
func seedBatch(rng *rand.Rand, start, n int) []map[string]any {
	data := make([]map[string]any, 0, n)
	for i := range n {
		f, l := searchFirstNames[rng.IntN(len(searchFirstNames))], searchLastNames[rng.IntN(len(searchLastNames))]
		data = append(data, map[string]any{"name": map[string]any{"firstName": f, "lastName": l + strconv.Itoa(start+i)},
			"emails": map[string]any{"primaryEmail": fmt.Sprintf("p%d@example.com", start+i)}})
	}
	return data
}
