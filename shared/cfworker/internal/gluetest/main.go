//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/logging"
)

// waited is set by the background task of /wait, after the response has been sent.
var waited atomic.Bool

func main() {
	logging.Setup("gluetest", os.Stdout, "debug")
	cfworker.Serve(cfworker.Handlers{Fetch: newMux(), Queue: handleBatch, Scheduled: runCron})
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		writeJSON(w, http.StatusCreated, map[string]any{
			"method": r.Method,
			"path":   r.URL.Path,
			"query":  r.URL.Query(),
			"header": r.Header.Get("X-Test"),
			"body":   body, // []byte: base64 in JSON, so any bytes survive
		})
	})
	mux.HandleFunc("/status/204", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Partial", "yes")
		panic("handler boom")
	})
	// /hang and /graphql never answer: the glue's deadline answers for them.
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	mux.HandleFunc("/hang", hang)
	mux.HandleFunc("/graphql", hang)
	mux.HandleFunc("/crash", func(w http.ResponseWriter, r *http.Request) {
		go func() { panic("background boom") }() // unrecovered: the whole program exits
		time.Sleep(time.Second)
		w.Write([]byte("unreachable"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		w.Write([]byte("slow"))
	})
	mux.HandleFunc("/instance", func(w http.ResponseWriter, r *http.Request) {
		id, served := cfworker.Instance()
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "served": served})
	})
	mux.HandleFunc("/wait", func(w http.ResponseWriter, r *http.Request) {
		cfworker.WaitUntil(r.Context(), func(context.Context) {
			time.Sleep(50 * time.Millisecond)
			waited.Store(true)
		})
		w.Write([]byte("accepted"))
	})
	mux.HandleFunc("/waited", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]bool{"waited": waited.Load()})
	})
	mux.HandleFunc("/forward", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Twenty-Forward", "TARGET")
		w.Header().Set("X-Twenty-Room", "r1")
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("/call", func(w http.ResponseWriter, r *http.Request) {
		// A call to another Worker through jsfetch, as the Connect clients make them.
		client, err := jsfetch.Binding("TARGET")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		req, _ := http.NewRequestWithContext(r.Context(), http.MethodPost, "https://target.internal/called?x=1", bytes.NewReader([]byte{0, 1, 0xff}))
		req.Header.Add("X-Multi", "a")
		req.Header.Add("X-Multi", "b")
		req.Header.Set("Content-Type", "application/proto")
		res, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body, _ := io.ReadAll(res.Body)
		writeJSON(w, http.StatusOK, map[string]any{"status": res.StatusCode, "header": res.Header, "body": body})
	})
	mux.HandleFunc("/forward-unknown", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Twenty-Forward", "MISSING")
		w.WriteHeader(http.StatusOK)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the status is sent: a failed write has no one left to tell
}

// handleBatch decides each message by its body: "ack", "retry" (in 2 s), "leave" (undecided, so
// retried by cfworker), "panic" (recovered by cfworker) or "crash" (the whole program exits, so
// the glue retries what is left).
func handleBatch(_ context.Context, b *cfworker.Batch) {
	for _, m := range b.Messages {
		switch string(m.Body) {
		case "ack":
			m.Ack()
		case "retry":
			m.Retry(2 * time.Second)
		case "panic":
			panic("queue boom")
		case "crash":
			go func() { panic("queue background boom") }()
			time.Sleep(time.Second)
		}
	}
}

func runCron(_ context.Context, e cfworker.ScheduledEvent) error {
	if e.Cron == "fail" {
		return errors.New("cron failed on purpose")
	}
	return nil
}
