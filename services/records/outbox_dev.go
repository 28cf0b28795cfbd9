package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/outbox"
)

// outboxDevRoutes let the local stack drive the outbox from outside (the end-to-end tests):
//
//	POST /__dev/outbox/relay?paused=true|false  stop or resume relaying after calls, standing for
//	                                            a relay that dies between the write and the send
//	POST /__dev/outbox/sweep?olderThan=0s       run the cron's sweep now → its Stats; with
//	                                            keep=true the rows are sent and kept, as by a
//	                                            relay whose delete was lost
//	GET  /__dev/outbox                          how many rows wait, per workspace
func outboxDevRoutes(mux *http.ServeMux, s *server) {
	mux.HandleFunc("POST /__dev/outbox/relay", func(w http.ResponseWriter, r *http.Request) {
		s.relayPaused.Store(r.URL.Query().Get("paused") == "true")
		writeDevJSON(w, map[string]bool{"paused": s.relayPaused.Load()})
	})
	mux.HandleFunc("POST /__dev/outbox/sweep", func(w http.ResponseWriter, r *http.Request) {
		age := sweepAge
		if v := r.URL.Query().Get("olderThan"); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			age = d
		}
		var st outbox.Stats
		var err error
		if r.URL.Query().Get("keep") == "true" {
			for _, name := range s.names {
				shard := s.shards[name]
				one, e := s.relay.Resend(r.Context(), outbox.Shard{DB: shard, State: s.outboxState(shard)}, age, 100, s.objectsOf)
				st.Add(one)
				err = errors.Join(err, e)
			}
		} else {
			st, err = s.sweepEvents(r.Context(), age)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeDevJSON(w, st)
	})
	mux.HandleFunc("GET /__dev/outbox", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]int{}
		for _, name := range s.names {
			res, err := s.shards[name].Batch(r.Context(), outbox.CountStmt())
			if err != nil {
				continue // a shard without the table yet holds nothing
			}
			for _, row := range res[0].Rows {
				ws, _ := row[0].(string)
				n, _ := row[1].(int64)
				out[ws] += int(n)
			}
		}
		writeDevJSON(w, out)
	})
}

func writeDevJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v) // a dev route: a client gone away is no error
}
