//go:build js && wasm

package main

import (
	"context"
	"errors"
	"os"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/kv/cfkv"
	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/queue/cfqueue"
	"github.com/twentyworkers/twenty/shared/rpc"
)

func main() {
	logging.Setup("auth", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	cache, err := cfkv.Open("CACHE")
	if err != nil {
		panic(err)
	}
	records, err := jsfetch.Binding("RECORDS")
	if err != nil {
		panic(err)
	}
	// Invitation emails go on the jobs queue, which the jobs Worker consumes (email.go there).
	jobs, err := cfqueue.Open("JOBS_QUEUE")
	if err != nil {
		panic(err)
	}
	secret := cfworker.Var("AUTH_KEY_SECRET")
	probes := []health.Probe{
		health.SQL("CONTROL", control.DB), health.KV("CACHE", cache), health.Bound("JOBS_QUEUE", "queue", jobs),
		{Name: "AUTH_KEY_SECRET", Kind: "secret", Check: func(context.Context) error {
			if len(secret) < 32 {
				return errors.New("AUTH_KEY_SECRET must be set to at least 32 characters")
			}
			return nil
		}},
	}
	recordsClient := recordsv1connect.NewRecordsServiceClient(records, "http://records", rpc.ClientOptions()...)
	h := newHandler(deps{
		control:      control,
		cache:        cache,
		records:      recordsClient,
		members:      recordsClient,
		jobs:         jobs,
		frontendURL:  cfworker.Var("FRONTEND_URL"),
		keySecret:    []byte(secret),
		legacySecret: cfworker.Var("APP_SECRET"),
		probes:       probes,
	}, nil)
	cfworker.Serve(cfworker.Handlers{Fetch: h})
}
