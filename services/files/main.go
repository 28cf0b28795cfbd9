//go:build js && wasm

package main

import (
	"net/http"
	"os"
	"time"

	"github.com/twentyworkers/twenty/shared/blob/blobtest"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/cfkv"
	"github.com/twentyworkers/twenty/shared/logging"
)

func main() {
	logging.Setup("files", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	bucket, err := openObjects("FILES_BUCKET")
	if err != nil {
		panic(err)
	}
	secret := cfworker.Var("FILE_TOKEN_SECRET")
	if len(secret) < 16 {
		panic("FILE_TOKEN_SECRET is not set (at least 16 characters): `make secrets` writes one for local use")
	}
	presign, err := s3Config(cfworker.Var)
	if err != nil {
		panic(err)
	}
	probes := []health.Probe{health.SQL("CONTROL", control.DB), health.Blob("FILES_BUCKET", bucket)}
	srv := &server{
		Checker: &health.Checker{Service: "files", Probes: probes},
		store:   &store{db: control}, objects: bucket, tokens: tokens{secret: secret, now: time.Now},
		now: time.Now,
	}
	if presign != nil {
		srv.presign = presign
	}
	if srv.cache, err = cfkv.Open("CACHE"); err != nil {
		panic(err)
	}
	dev := http.NewServeMux()
	injectFaults(srv, dev) // faults.go
	objectRoutes(dev, bucket)
	sweepRoute(dev, srv)
	// A fixed prefix: R2 keeps objects forever, so each run overwrites the last run's.
	dev.Handle("/__dev/conformance", conformance.Handler(func(*http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{"blob": blobtest.Checks(bucket, "conformance/files/")}
	}))
	cfworker.Serve(cfworker.Handlers{Fetch: newHandler(srv, parseCORS(cfworker.Var("CORS_ALLOWED_ORIGINS")), dev)})
}
