//go:build js && wasm

package main

import (
	"net/http"
	"os"
	"time"

	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/conformance"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/queue/cfqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuetest"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

func main() {
	logging.Setup("jobs", os.Stdout, cfworker.Var("LOG_LEVEL"))
	control, err := d1.Open("CONTROL")
	if err != nil {
		panic(err) // startup only: a missing binding is a deployment error
	}
	q, err := cfqueue.Open("JOBS_QUEUE")
	if err != nil {
		panic(err)
	}
	// The timeline is not among the subscribers: the records Worker's relay writes it as it sends
	// the events, next to the records it describes. The relay queues a batch only when one of
	// these wants it (services/records/eventconsumers.go): a new subscriber must be known there.
	events := &eventFanout{subscribers: map[string]eventSubscriber{}}
	deliveries, err := openDeliverer(control, "JOBS_QUEUE")
	if err != nil {
		panic(err)
	}
	events.subscribers["webhooks"] = deliveries
	realtimeBinding, err := jsfetch.Binding("REALTIME")
	if err != nil {
		panic(err)
	}
	rt := &realtimePublisher{client: realtimev1connect.NewRealtimeServiceClient(realtimeBinding, "http://internal", rpc.ClientOptions()...)}
	events.subscribers["realtime"] = rt
	filesBinding, err := jsfetch.Binding("FILES")
	if err != nil {
		panic(err)
	}
	files := filesv1connect.NewFilesServiceClient(filesBinding, "http://internal", rpc.ClientOptions()...)
	events.subscribers["files"] = &fileCleanup{files: files}
	recordsBinding, err := jsfetch.Binding("RECORDS")
	if err != nil {
		panic(err)
	}
	// Workflows read and write records through the records Worker; their steps are delayed jobs
	// on the queue and their HTTP requests go out as webhooks do (workflow.go).
	records := recordsv1connect.NewRecordsServiceClient(recordsBinding, "http://internal", rpc.ClientOptions()...)
	workflows := &workflowEngine{records: records,
		queue: deliveries.queue, http: deliveries.client, targets: deliveries.targets, now: time.Now}
	events.subscribers["workflows"] = workflows
	// WEBHOOK_ALLOW_LOOPBACK=true only in the local stack and tests, whose receivers are on 127.0.0.1.
	webhooks := &webhookServer{db: control, listeners: records, targets: webhookurl.Policy{AllowLoopback: cfworker.Var("WEBHOOK_ALLOW_LOOPBACK") == "true"}, now: time.Now}
	c := &consumer{db: control, handlers: builtinHandlers(events), retryBase: time.Second}
	c.handlers[deliveryJobType] = deliveries.handleJob
	c.handlers[metadataEventJobType] = rt.handleMetadataJob
	c.handlers[workflowStepJobType] = workflows.handleStep
	c.handlers[workflowStartJobType] = workflows.handleStart
	workflows.control = control
	workflows.email = emailSender{url: cfworker.Var("EMAIL_API_URL"), key: cfworker.Var("EMAIL_API_KEY"), from: cfworker.Var("EMAIL_FROM")}
	c.handlers[emailJobType] = emailJobs{sender: workflows.email, http: deliveries.client, db: control}.handle // workspace invitations (email.go)
	authBinding, err := jsfetch.Binding("AUTH")
	if err != nil {
		panic(err)
	}
	// Deleted workspaces are purged through the files, records and auth Workers (workspacepurge.go).
	purger := &workspacePurger{db: control, queue: q, files: files, records: records,
		auth: authv1connect.NewWorkspaceServiceClient(authBinding, "http://internal", rpc.ClientOptions()...), now: time.Now}
	c.handlers[workspacePurgeJobType] = purger.handle
	scheduled := withWorkspacePurgeSweep(purger, withWorkflowCron(workflows, withFileSweep(files, withDeliverySweep(c.prune, deliveries))))
	probes := []health.Probe{health.SQL("CONTROL", control.DB), health.Bound("JOBS_QUEUE", "queue", q)}
	dev := http.NewServeMux()
	devRoutes(dev, c, q, scheduled)
	workflows.afterEffect = &crashPoint{crash: crashGoInstance}
	dev.HandleFunc("POST /__dev/crash-after-next-step", workflows.afterEffect.arm)
	dev.HandleFunc("GET /__dev/instance", cfworker.ServeInstance)
	dev.Handle("/__dev/conformance", conformance.Handler(func(*http.Request) map[string][]conformance.Check {
		return map[string][]conformance.Check{"queue": queuetest.Checks(q)}
	}))
	cfworker.Serve(cfworker.Handlers{Fetch: newHandler(probes, dev, deliveries.mount, webhooks.mount, workflows.mount), Queue: c.handleBatch, Scheduled: scheduled})
}

// crashGoInstance panics on another goroutine, which no recover catches: the Go program ends
// (the dev crash point, crashpoint.go).
func crashGoInstance() {
	go func() { panic("dev: the Go instance ends after a step's effect, before the run records it") }()
	time.Sleep(time.Second)
}
