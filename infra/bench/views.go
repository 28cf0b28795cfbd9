package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The views figures time Twenty's getViews on /metadata as its web app asks for it on load:
// every view of a new workspace (the standard objects' "All" views) with all their parts, in one
// request; and a view with a filter driving a REST group-by through viewId, against the same
// group-by without it. A 429 is waited out (Retry-After) and retried, not timed.

const viewsBenchQuery = `{ getViews { id name objectMetadataId type key icon position isCompact isCustom visibility
  viewFields { id fieldMetadataId isVisible size position aggregateOperation }
  viewFilters { id fieldMetadataId operand value } viewFilterGroups { id logicalOperator }
  viewSorts { id fieldMetadataId direction } viewGroups { id fieldValue } viewFieldGroups { id name } } }`

// viewsCall sends one request (a GraphQL body to /metadata when body is set, else a GET of
// path), waiting out 429s, and answers its latency and body.
func viewsCall(ctx context.Context, tg *target, token, path string, body any) (time.Duration, []byte, error) {
	var payload []byte
	if body != nil {
		payload, _ = json.Marshal(body)
	}
	for {
		method := http.MethodGet
		if body != nil {
			method = http.MethodPost
		}
		req, err := http.NewRequestWithContext(ctx, method, tg.base+path, bytes.NewReader(payload))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := tg.client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		elapsed := time.Since(start)
		if err != nil {
			return 0, nil, err
		}
		if res.StatusCode == http.StatusTooManyRequests {
			wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			select {
			case <-ctx.Done():
				return 0, nil, ctx.Err()
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
			}
			continue
		}
		var reply struct{ Errors []struct{ Message string } }
		if res.StatusCode != http.StatusOK || (body != nil && (json.Unmarshal(raw, &reply) != nil || len(reply.Errors) > 0)) {
			return 0, nil, fmt.Errorf("%s %s: status %d: %.300s", method, path, res.StatusCode, raw)
		}
		return elapsed, raw, nil
	}
}

// viewsFigures times n getViews and n group-bys with and without a view in a new workspace.
func viewsFigures(ctx context.Context, w, stderr io.Writer, tg *target, n int) error {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("views figures: sign-up flow: %w", err)
	}
	_, raw, err := viewsCall(ctx, tg, access, "/metadata", map[string]any{"query": viewsBenchQuery})
	if err != nil {
		return fmt.Errorf("views figures: getViews: %w", err)
	}
	var got struct {
		Data struct {
			GetViews []struct {
				ID, Name, ObjectMetadataID string
				ViewFields                 []struct{ ID, FieldMetadataID string }
			}
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return fmt.Errorf("views figures: getViews: %w", err)
	}
	parts, people := 0, ""
	for _, v := range got.Data.GetViews {
		parts += len(v.ViewFields)
		if v.Name == "All People" {
			people = v.ObjectMetadataID
		}
	}
	// A view of people whose city contains "a", for the group-by.
	_, raw, err = viewsCall(ctx, tg, access, "/rest/metadata/objects/"+people, nil)
	if err != nil {
		return fmt.Errorf("views figures: person object: %w", err)
	}
	var object struct {
		Data struct {
			Object struct{ Fields []struct{ ID, Name string } }
		}
	}
	if err := json.Unmarshal(raw, &object); err != nil {
		return fmt.Errorf("views figures: person object: %w", err)
	}
	city := ""
	for _, f := range object.Data.Object.Fields {
		if f.Name == "city" {
			city = f.ID
		}
	}
	_, raw, err = viewsCall(ctx, tg, access, "/metadata", map[string]any{
		"query":     `mutation($o: UUID!) { createView(input: {name: "Bench", objectMetadataId: $o, icon: "IconList"}) { id } }`,
		"variables": map[string]any{"o": people},
	})
	if err != nil {
		return fmt.Errorf("views figures: createView: %w", err)
	}
	var created struct {
		Data struct{ CreateView struct{ ID string } }
	}
	if err := json.Unmarshal(raw, &created); err != nil {
		return fmt.Errorf("views figures: createView: %w", err)
	}
	view := created.Data.CreateView.ID
	if _, _, err := viewsCall(ctx, tg, access, "/metadata", map[string]any{
		"query":     `mutation($v: UUID!, $f: UUID!) { createViewFilter(input: {viewId: $v, fieldMetadataId: $f, operand: CONTAINS, value: "a"}) { id } }`,
		"variables": map[string]any{"v": view, "f": city},
	}); err != nil {
		return fmt.Errorf("views figures: createViewFilter: %w", err)
	}
	fmt.Fprintf(stderr, "bench: views: %d getViews (%d views, %d view fields) and %d group-bys with and without a view\n", n, len(got.Data.GetViews), parts, n)
	groupBy := `/rest/people/groupBy?group_by=%5B%7B%22city%22%3Atrue%7D%5D`
	var list, plain, byView []time.Duration
	for range n {
		d, _, err := viewsCall(ctx, tg, access, "/metadata", map[string]any{"query": viewsBenchQuery})
		if err != nil {
			return fmt.Errorf("views figures: getViews: %w", err)
		}
		list = append(list, d)
		if d, _, err = viewsCall(ctx, tg, access, groupBy, nil); err != nil {
			return fmt.Errorf("views figures: group-by: %w", err)
		}
		plain = append(plain, d)
		if d, _, err = viewsCall(ctx, tg, access, groupBy+"&viewId="+view, nil); err != nil {
			return fmt.Errorf("views figures: group-by with viewId: %w", err)
		}
		byView = append(byView, d)
	}
	l, p, v := Summarize(list), Summarize(plain), Summarize(byView)
	fmt.Fprintf(w, "\nviews (a new workspace: %d views, %d view fields; ms)\n", len(got.Data.GetViews), parts)
	fmt.Fprintf(w, "  getViews with every part          p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(l.P50), Millis(l.P90), Millis(l.P99), l.N)
	fmt.Fprintf(w, "  REST group-by by city             p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(p.P50), Millis(p.P90), Millis(p.P99), p.N)
	fmt.Fprintf(w, "  the same with viewId (1 filter)   p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(v.P50), Millis(v.P90), Millis(v.P99), v.N)
	return nil
}
