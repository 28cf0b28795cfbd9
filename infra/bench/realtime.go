package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// The realtime figures time Twenty's event streams on /metadata (graphql-sse's distinct
// connections mode, read here by a small SSE reader): how long after a person create's request
// its event reaches one subscriber, and how long one create takes to reach every one of many
// subscribers of the workspace.

// sseStream is an open event stream.
type sseStream struct {
	body io.ReadCloser
	sc   *bufio.Scanner
}

// openStream subscribes with token; it returns once the stream's response began (the room holds
// the stream from then on).
func openStream(ctx context.Context, client *http.Client, base, token, query string, vars map[string]any) (*sseStream, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/metadata", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return nil, fmt.Errorf("subscribe: status %d: %s", res.StatusCode, b)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	return &sseStream{body: res.Body, sc: sc}, nil
}

// next answers the data of the stream's next "next" message; io.EOF when it completed.
func (s *sseStream) next() (json.RawMessage, error) {
	var event, data string
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if event == "complete" {
				return nil, io.EOF
			}
			if event == "next" {
				var msg struct {
					Data   json.RawMessage
					Errors []struct{ Message string }
				}
				if err := json.Unmarshal([]byte(data), &msg); err != nil {
					return nil, err
				}
				if len(msg.Errors) > 0 {
					return nil, errors.New(msg.Errors[0].Message)
				}
				return msg.Data, nil
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data += line[len("data: "):]
		}
	}
	if err := s.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

const benchEventSubscription = `subscription($id: String!) { onEventSubscription(eventStreamId: $id) {
  eventStreamId objectRecordEventsWithQueryIds { queryIds objectRecordEvent { action recordId } } } }`

const benchDBEventSubscription = `subscription { onDbEvent(input: {objectNameSingular: "person", action: CREATED}) { action record } }`

// realtimeFigures signs up a workspace, times n person creates to one subscriber's stream, then
// opens subscribers streams (onDbEvent, which needs no registration: a hundred per API key, the
// most one owner may hold) and times rounds creates to all of them.
func realtimeFigures(ctx context.Context, w, stderr io.Writer, tg *target, n, subscribers, rounds int) error {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("realtime figures: sign-up flow: %w", err)
	}
	streams := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}}
	authed := *tg
	authed.header = tg.header.Clone()
	authed.header.Set("Authorization", "Bearer "+access)
	authed.header.Set("Content-Type", "application/json")
	create := func(id string) error {
		body, _ := json.Marshal(map[string]any{"id": id, "city": "Realtime"})
		if s := authed.do(ctx, http.MethodPost, "/rest/people", body); s.status != http.StatusCreated {
			return fmt.Errorf("create a person: status %d %v", s.status, s.err)
		}
		return nil
	}

	// One subscriber, Twenty's way: a stream, then a query on people.
	fmt.Fprintf(stderr, "bench: realtime: %d creates to one subscriber\n", n)
	streamID := newRecordID()
	one, err := openStream(ctx, streams, tg.base, access, benchEventSubscription, map[string]any{"id": streamID})
	if err != nil {
		return fmt.Errorf("realtime figures: %w", err)
	}
	defer one.body.Close()
	if _, err := one.next(); err != nil {
		return fmt.Errorf("realtime figures: first payload: %w", err)
	}
	var added struct{ AddQueryToEventStream bool }
	if _, err := gqlCall(ctx, tg, access, `mutation($in: AddQuerySubscriptionInput!) { addQueryToEventStream(input: $in) }`,
		map[string]any{"in": map[string]any{"eventStreamId": streamID, "queryId": "people", "operationSignature": map[string]any{"objectNameSingular": "person", "variables": map[string]any{}}}}, &added); err != nil || !added.AddQueryToEventStream {
		return fmt.Errorf("realtime figures: addQueryToEventStream = %v, %v", added.AddQueryToEventStream, err)
	}
	arrived := make(chan string, 64)
	go func() {
		defer close(arrived)
		for {
			data, err := one.next()
			if err != nil {
				return
			}
			var p struct {
				OnEventSubscription struct {
					Events []struct{ ObjectRecordEvent struct{ RecordID string } } `json:"objectRecordEventsWithQueryIds"`
				}
			}
			if json.Unmarshal(data, &p) == nil {
				for _, e := range p.OnEventSubscription.Events {
					arrived <- e.ObjectRecordEvent.RecordID
				}
			}
		}
	}()
	var lat []time.Duration
	for range n {
		id := newRecordID()
		start := time.Now()
		if err := create(id); err != nil {
			return fmt.Errorf("realtime figures: %w", err)
		}
		timeout := time.After(10 * time.Second)
	wait:
		for {
			select {
			case got, ok := <-arrived:
				if !ok {
					return errors.New("realtime figures: the stream ended")
				}
				if got == id {
					lat = append(lat, time.Since(start))
					break wait
				}
			case <-timeout:
				return fmt.Errorf("realtime figures: the event of %s did not arrive within 10 s", id)
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	s := Summarize(lat)
	fmt.Fprintf(w, "\nrealtime: %d person creates (REST, sequential), each timed from its request to its event on one graphql-sse subscriber (onEventSubscription + a person query)\n", n)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "events\tp50\tp90\tp99\tmax\t")
	fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t\n", len(lat), millis(s.P50), millis(s.P90), millis(s.P99), millis(s.Max))
	if err := tw.Flush(); err != nil {
		return err
	}
	if subscribers <= 0 || rounds <= 0 {
		return nil
	}
	// A workspace of its own: the first one spent most of its minute's API budget.
	_, _, access, err = signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("fan-out figures: sign-up flow: %w", err)
	}
	fan := *tg
	fan.header = tg.header.Clone()
	fan.header.Set("Authorization", "Bearer "+access)
	fan.header.Set("Content-Type", "application/json")
	return fanOutFigures(ctx, w, stderr, tg, streams, access, func(id string) error {
		body, _ := json.Marshal(map[string]any{"id": id, "city": "Fan-out"})
		if s := fan.do(ctx, http.MethodPost, "/rest/people", body); s.status != http.StatusCreated {
			return fmt.Errorf("create a person: status %d %v", s.status, s.err)
		}
		return nil
	}, subscribers, rounds)
}

// fanOutFigures opens subscribers onDbEvent streams in the workspace of access and times rounds
// creates to all of them.
func fanOutFigures(ctx context.Context, w, stderr io.Writer, tg *target, streams *http.Client, access string, create func(string) error, subscribers, rounds int) error {
	const perOwner = 100 // the room's default bound on one owner's streams
	var tokens []string
	for i := 0; i < (subscribers+perOwner-1)/perOwner; i++ {
		var key struct {
			Created struct{ ID string } `json:"createApiKey"`
		}
		if _, err := gqlCall(ctx, tg, access, `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": fmt.Sprintf("bench %d", i), "expiresAt": "2099-01-01T00:00:00.000Z"}}, &key); err != nil {
			return fmt.Errorf("fan-out figures: createApiKey: %w", err)
		}
		var tok struct {
			Generated struct{ Token string } `json:"generateApiKeyToken"`
		}
		if _, err := gqlCall(ctx, tg, access, `mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: "2099-01-01T00:00:00.000Z") { token } }`,
			map[string]any{"id": key.Created.ID}, &tok); err != nil {
			return fmt.Errorf("fan-out figures: generateApiKeyToken: %w", err)
		}
		tokens = append(tokens, tok.Generated.Token)
	}
	fmt.Fprintf(stderr, "bench: realtime: opening %d subscribers\n", subscribers)
	type arrival struct {
		id string
		at time.Time
	}
	arrivals := make(chan arrival, subscribers*rounds)
	var open []*sseStream
	defer func() {
		for _, s := range open {
			s.body.Close()
		}
	}()
	openStart := time.Now()
	for i := range subscribers {
		s, err := openStream(ctx, streams, tg.base, tokens[i/perOwner], benchDBEventSubscription, nil)
		if err != nil {
			return fmt.Errorf("fan-out figures: subscriber %d: %w", i, err)
		}
		open = append(open, s)
		go func() {
			for {
				data, err := s.next()
				if err != nil {
					return
				}
				at := time.Now()
				var p struct {
					OnDbEvent struct{ Record struct{ ID string } }
				}
				if json.Unmarshal(data, &p) == nil {
					arrivals <- arrival{p.OnDbEvent.Record.ID, at}
				}
			}
		}()
	}
	opened := time.Since(openStart)
	fmt.Fprintf(w, "\nrealtime fan-out: %d graphql-sse subscribers of one workspace (onDbEvent on person creates, %d API keys), opened in %s; each round one REST create\n",
		subscribers, len(tokens), opened.Round(time.Millisecond))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "round\treached\tfirst\tp50\tlast\t")
	var lasts []time.Duration
	for r := range rounds {
		id := newRecordID()
		start := time.Now()
		if err := create(id); err != nil {
			return fmt.Errorf("fan-out figures: %w", err)
		}
		var lat []time.Duration
		timeout := time.After(30 * time.Second)
	collect:
		for len(lat) < subscribers {
			select {
			case a := <-arrivals:
				if a.id == id {
					lat = append(lat, a.at.Sub(start))
				}
			case <-timeout:
				break collect
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		if len(lat) == 0 {
			return fmt.Errorf("fan-out figures: round %d reached no subscriber within 30 s", r+1)
		}
		s := Summarize(lat)
		lasts = append(lasts, s.Max)
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t\n", r+1, len(lat), millis(lat[0]), millis(s.P50), millis(s.Max))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	sort.Slice(lasts, func(i, j int) bool { return lasts[i] < lasts[j] })
	fmt.Fprintf(w, "  fan-out time (create request to the last subscriber's event): median of rounds %s\n", millis(lasts[len(lasts)/2]))
	return nil
}

// realtimeDefaults are the realtime figures' sizes on the local stack.
var realtimeDefaults = struct{ creates, subscribers, rounds int }{80, 1000, 5}
