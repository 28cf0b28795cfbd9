package main

import (
	"net/http"
	"time"

	"github.com/twentyworkers/twenty/shared/logging"
)

// devMetrics serves /__dev/metrics: the local stack's view of the data points the gateway
// writes to Analytics Engine when deployed (wrangler dev's binding stores nothing), summarised
// per route as `make metrics` prints them: ?since=15m (default 1h) over the last 10,000 requests
// of this isolate.
func (g *gateway) devMetrics(mux *http.ServeMux) {
	g.recent = logging.NewRecent(10000)
	mux.HandleFunc("/__dev/metrics", only(http.MethodGet, func(w http.ResponseWriter, r *http.Request) {
		window := time.Hour
		if s := r.URL.Query().Get("since"); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "since: a duration such as 15m"})
				return
			}
			window = d
		}
		writeJSON(w, http.StatusOK, map[string]any{"routes": g.recent.Summary(window)})
	}))
}

// recentRecorder is the dev routes' recorder, or none.
func (g *gateway) recentRecorder() logging.Recorder {
	if g.recent == nil {
		return nil
	}
	return g.recent
}
