// Command jobs is the Worker that consumes the jobs queue (webhook delivery, workflow runs,
// timeline activities, sync), its dead-letter queue, and the Cron Triggers.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// newHandler serves the jobs contract; dev adds the Worker's /__dev/ routes (nil: none); each of
// services mounts another service's handler.
func newHandler(probes []health.Probe, dev http.Handler, services ...func(*http.ServeMux)) http.Handler {
	mux := rpc.ServiceMux(dev)
	mux.Handle(jobsv1connect.NewJobsServiceHandler(&health.Checker{Service: "jobs", Probes: probes}, rpc.HandlerOptions()...))
	for _, mount := range services {
		mount(mux)
	}
	return rpc.Middleware(mux)
}

// devRoutes let the local stack's queue and cron be driven and inspected from outside:
//
//	POST /__dev/enqueue            {"type","workspaceId","payload"} → {"id"}
//	GET  /__dev/runs/{id}          the job's recorded outcome
//	GET  /__dev/runs?workspace=&type=  how many runs of a workspace and type, by status
//	GET  /__dev/dead-letters/{id}  the job's dead letter
//	POST /__dev/cron?cron=…        runs the Cron Trigger handler (scheduled) now
func devRoutes(mux *http.ServeMux, c *consumer, q jobqueue.Producer, scheduled func(context.Context, cfworker.ScheduledEvent) error) {
	mux.HandleFunc("POST /__dev/enqueue", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Type        string          `json:"type"`
			WorkspaceID string          `json:"workspaceId"`
			Payload     json.RawMessage `json:"payload"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, "bad JSON body", http.StatusBadRequest)
			return
		}
		id, err := jobqueue.Enqueue(r.Context(), q, &jobsv1.Job{Type: in.Type, WorkspaceId: in.WorkspaceID, Payload: in.Payload})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeJSON(w, map[string]string{"id": id})
	})
	mux.HandleFunc("GET /__dev/runs/{id}", func(w http.ResponseWriter, r *http.Request) {
		var run struct {
			Type      string `json:"type"`
			Status    string `json:"status"`
			Attempts  int    `json:"attempts"`
			LastError string `json:"lastError"`
		}
		err := c.db.QueryRowContext(r.Context(), `SELECT type, status, attempts, last_error FROM job_runs WHERE id = ?`, r.PathValue("id")).
			Scan(&run.Type, &run.Status, &run.Attempts, &run.LastError)
		writeRow(w, run, err)
	})
	mux.HandleFunc("GET /__dev/runs", func(w http.ResponseWriter, r *http.Request) {
		rows, err := c.db.QueryContext(r.Context(), `SELECT status, COUNT(*) FROM job_runs WHERE workspace_id = ? AND type = ? GROUP BY status`,
			r.URL.Query().Get("workspace"), r.URL.Query().Get("type"))
		if err != nil {
			http.Error(w, "storage error", http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		counts := map[string]int{}
		for rows.Next() {
			var status string
			var n int
			if err := rows.Scan(&status, &n); err != nil {
				http.Error(w, "storage error", http.StatusInternalServerError)
				return
			}
			counts[status] = n
		}
		// Runs that succeeded at once without a row (unrecordedOnSuccess) count as succeeded.
		if n := c.unrecorded.count(r.URL.Query().Get("workspace"), r.URL.Query().Get("type")); n > 0 {
			counts["succeeded"] += n
		}
		writeJSON(w, counts)
	})
	mux.HandleFunc("GET /__dev/dead-letters/{id}", func(w http.ResponseWriter, r *http.Request) {
		var dead struct {
			Queue    string          `json:"queue"`
			Type     string          `json:"type"`
			Attempts int             `json:"attempts"`
			Job      json.RawMessage `json:"job"`
		}
		var job string
		err := c.db.QueryRowContext(r.Context(), `SELECT queue, type, attempts, job_json FROM dead_letters WHERE id = ?`, r.PathValue("id")).
			Scan(&dead.Queue, &dead.Type, &dead.Attempts, &job)
		dead.Job = json.RawMessage(job)
		writeRow(w, dead, err)
	})
	mux.HandleFunc("POST /__dev/cron", func(w http.ResponseWriter, r *http.Request) {
		if err := scheduled(r.Context(), cfworker.ScheduledEvent{Cron: r.URL.Query().Get("cron")}); err != nil {
			http.Error(w, "cron task failed", http.StatusInternalServerError)
			return
		}
		writeJSON(w, map[string]bool{"ran": true})
	})
}

func writeRow(w http.ResponseWriter, row any, err error) {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		http.Error(w, "not found", http.StatusNotFound)
	case err != nil:
		http.Error(w, "storage error", http.StatusInternalServerError)
	default:
		writeJSON(w, row)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}
