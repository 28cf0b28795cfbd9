// Command records is the Worker that owns object and field metadata, the per-workspace record
// tables on the shard databases, the query engine and record events.
package main

import (
	"net/http"

	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// newHandler serves the records contract; dev adds the Worker's /__dev/ routes (nil: none).
func newHandler(probes []health.Probe, dev http.Handler) http.Handler {
	mux := rpc.ServiceMux(dev)
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(&health.Checker{Service: "records", Probes: probes}, rpc.HandlerOptions()...))
	return rpc.Middleware(mux)
}
