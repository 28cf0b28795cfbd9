// Command replaywebhooks replays a webhook's dead deliveries through the gateway's /metadata
// replayWebhookDeliveries mutation, as an operator would after fixing a receiver:
//
//	go run ./replaywebhooks -base https://api.example.com -token "$TWENTY_API_KEY" -webhook <id> [-deliveries id,id]
//
// Without -deliveries it replays every dead delivery, a page at a time (the mutation takes up to
// 50), until a page comes back short. The token comes from -token or TWENTY_TOKEN and is never
// printed. It prints one JSON line per replayed delivery and a summary.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// replayPage is the most deliveries one mutation replays (the jobs Worker's maxReplay).
const replayPage = 50

func main() {
	base := flag.String("base", "http://127.0.0.1:8787", "the gateway's base URL")
	token := flag.String("token", os.Getenv("TWENTY_TOKEN"), "an API key or access token of the webhook's workspace (default $TWENTY_TOKEN)")
	webhook := flag.String("webhook", "", "the webhook's id")
	deliveries := flag.String("deliveries", "", "comma-separated delivery ids (default: every dead delivery)")
	flag.Parse()
	if *webhook == "" || *token == "" {
		fmt.Fprintln(os.Stderr, "replaywebhooks: -webhook and -token (or TWENTY_TOKEN) are required")
		flag.Usage()
		os.Exit(2)
	}
	var ids []string
	for _, id := range strings.Split(*deliveries, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	n, err := replayAll(context.Background(), &http.Client{Timeout: 30 * time.Second}, *base, *token, *webhook, ids, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "replaywebhooks: %v (replayed %d)\n", err, n)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "replaywebhooks: replayed %d deliveries of webhook %s\n", n, *webhook)
}

// replayAll replays ids, or every dead delivery page by page when ids is empty, writing each
// replayed delivery to out, and answers how many it replayed.
func replayAll(ctx context.Context, c *http.Client, base, token, webhook string, ids []string, out io.Writer) (int, error) {
	total := 0
	for page := 0; page < 1000; page++ {
		got, err := replay(ctx, c, base, token, webhook, ids)
		if err != nil {
			return total, err
		}
		for _, d := range got {
			line, _ := json.Marshal(d)
			fmt.Fprintln(out, string(line))
		}
		total += len(got)
		if len(ids) > 0 || len(got) < replayPage {
			return total, nil
		}
	}
	return total, nil
}

const replayMutation = `mutation Replay($webhookId: UUID!, $deliveryIds: [UUID!]) {
  replayWebhookDeliveries(webhookId: $webhookId, deliveryIds: $deliveryIds) { id eventId eventName status attempts }
}`

func replay(ctx context.Context, c *http.Client, base, token, webhook string, ids []string) ([]map[string]any, error) {
	vars := map[string]any{"webhookId": webhook}
	if len(ids) > 0 {
		vars["deliveryIds"] = ids
	}
	body, err := json.Marshal(map[string]any{"query": replayMutation, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/metadata", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var answer struct {
		Data struct {
			Replay []map[string]any `json:"replayWebhookDeliveries"`
		} `json:"data"`
		Errors []struct {
			Message    string         `json:"message"`
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 8<<20)).Decode(&answer); err != nil {
		return nil, fmt.Errorf("POST /metadata: status %d, unreadable answer: %w", res.StatusCode, err)
	}
	if len(answer.Errors) > 0 {
		var msgs []string
		for _, e := range answer.Errors {
			msgs = append(msgs, fmt.Sprintf("%v: %s", e.Extensions["code"], e.Message))
		}
		return nil, errors.New(strings.Join(msgs, "; "))
	}
	return answer.Data.Replay, nil
}
