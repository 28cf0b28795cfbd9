//go:build js && wasm

package main

import (
	"net/http"
	"os"

	"github.com/twentyworkers/twenty/shared/blob/blobtest"
	"github.com/twentyworkers/twenty/shared/blob/cfr2"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/logging"
)

func main() {
	logging.Setup("files", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	bucket, err := cfr2.Open("FILES_BUCKET")
	if err != nil {
		panic(err)
	}
	probes := []health.Probe{health.SQL("CONTROL", control.DB), health.Blob("FILES_BUCKET", bucket)}
	dev := http.NewServeMux()
	objectRoutes(dev, bucket)
	// A fixed prefix: R2 keeps objects forever, so each run overwrites the last run's.
	dev.Handle("/__dev/conformance", conformance.Handler(func(*http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{"blob": blobtest.Checks(bucket, "conformance/files/")}
	}))
	cfworker.Serve(cfworker.Handlers{Fetch: newHandler(probes, dev)})
}
