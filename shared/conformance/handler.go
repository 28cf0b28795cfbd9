package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
)

// Report is the JSON body that Handler writes.
type Report struct {
	Passed  bool     `json:"passed"`
	Results []Result `json:"results"`
	Error   string   `json:"error,omitempty"`
}

// Handler returns an http.Handler that runs conformance suites on GET.
//
// suites is called once per request, so it can open bindings that only exist
// while a request is being served; it maps a suite name to its checks. All
// suites run in name order, or only the one named by the "suite" query
// parameter. The response is a JSON Report with status 200 when every check
// passed and 500 otherwise. An unknown suite name gets 404 and a method other
// than GET gets 405.
//
// The handler runs real operations against whatever the suites wrap; mount it
// only on development routes.
func Handler(suites func(r *http.Request) map[string][]Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			writeReport(w, http.StatusMethodNotAllowed, Report{
				Results: []Result{},
				Error:   fmt.Sprintf("method %s not allowed", r.Method),
			})
			return
		}

		all := suites(r)
		names := slices.Sorted(maps.Keys(all))
		if want := r.URL.Query().Get("suite"); want != "" {
			if _, ok := all[want]; !ok {
				writeReport(w, http.StatusNotFound, Report{
					Results: []Result{},
					Error:   fmt.Sprintf("unknown suite %q; have %q", want, names),
				})
				return
			}
			names = []string{want}
		}

		results := []Result{}
		for _, name := range names {
			results = append(results, Run(r.Context(), name, all[name])...)
		}
		rep := Report{Passed: Passed(results), Results: results}
		status := http.StatusOK
		if !rep.Passed {
			status = http.StatusInternalServerError
		}
		writeReport(w, status, rep)
	})
}

func writeReport(w http.ResponseWriter, status int, rep Report) {
	body, err := json.Marshal(rep)
	if err != nil {
		// Report holds only strings and bools; Marshal cannot fail.
		http.Error(w, "encode report", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
