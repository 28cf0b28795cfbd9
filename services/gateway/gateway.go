// Command gateway is the only public Worker: it speaks Twenty's HTTP wire formats and turns them
// into typed Connect calls to the other Workers over service bindings. It never touches storage.
package main

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// config is the gateway's configuration, read from the Worker's vars.
type config struct {
	// CORS from CORS_ALLOWED_ORIGINS; "*" (Twenty's behaviour) when unset.
	CORS corsPolicy
	// DevRoutes serves /__dev/* for local development and tests. Only `wrangler dev` sets it
	// (--var DEV_ROUTES:true); no deployed configuration does.
	DevRoutes bool
	// FrontendURL is the web app's URL (FRONTEND_URL); workspace URLs are its subdomains.
	FrontendURL string
	// LegacyAppSecret (APP_SECRET) verifies HS256 tokens of an imported Twenty installation.
	LegacyAppSecret string
	// RateLimitPeriod is the period of the rate limiting bindings (RATE_LIMIT_PERIOD_SECONDS), sent
	// as Retry-After.
	RateLimitPeriod time.Duration
}

func parseConfig(get func(string) string) config {
	origins := get("CORS_ALLOWED_ORIGINS")
	if strings.TrimSpace(origins) == "" {
		origins = "*"
	}
	frontend := strings.TrimRight(get("FRONTEND_URL"), "/")
	if frontend == "" {
		frontend = "http://localhost:3001"
	}
	period := 60 * time.Second
	if n, err := strconv.Atoi(get("RATE_LIMIT_PERIOD_SECONDS")); err == nil && n > 0 {
		period = time.Duration(n) * time.Second
	}
	return config{
		CORS:            parseCORS(origins),
		DevRoutes:       get("DEV_ROUTES") == "true",
		FrontendURL:     frontend,
		LegacyAppSecret: get("APP_SECRET"),
		RateLimitPeriod: period,
	}
}

// backend names one Worker behind the gateway and the binding that reaches it.
type backend struct {
	name, binding, healthProcedure string
}

// backends are the Workers the gateway reaches, in the order /healthz reports them.
var backends = []backend{
	{"auth", "AUTH", authv1connect.AuthServiceHealthProcedure},
	{"records", "RECORDS", recordsv1connect.RecordsServiceHealthProcedure},
	{"files", "FILES", filesv1connect.FilesServiceHealthProcedure},
	{"jobs", "JOBS", jobsv1connect.JobsServiceHealthProcedure},
	{"realtime", "REALTIME", realtimev1connect.RealtimeServiceHealthProcedure},
}

// baseURL is the URL prefix for calls over a binding; the binding, not the host, decides the target.
const baseURL = "http://internal"

type service struct {
	name   string
	http   connect.HTTPClient
	health healthFunc
}

type gateway struct {
	cfg      config
	self     *health.Checker
	services []service
	auth     authv1connect.AuthServiceClient
	files    filesv1connect.FilesServiceClient
	realtime realtimev1connect.RealtimeServiceClient
	records  recordsv1connect.RecordsServiceClient
	webhooks jobsv1connect.WebhookServiceClient
	members  authv1connect.WorkspaceServiceClient // the workspace, its members and invitations (workspacegraphql.go)
	roles    recordsv1connect.RoleServiceClient   // roles and the caller's permissions (rolegraphql.go)
	cache    kv.Store
	tokens   *tokenVerifier
	limits   rateLimits
	metadata *graphql.Schema // the GraphQL schema of /metadata and /graphql

	healthzCache healthzCache
	recent       *logging.Recent  // the last requests' data points, with DEV_ROUTES (metricsdev.go)
	routes       routeCache       // where /graphql sends recent documents
	now          func() time.Time // the clock, replaced in tests
}

// deps are what the gateway runs on: main wires bindings, tests httptest servers and fakes.
type deps struct {
	cfg config
	// clients maps each backend's name to the HTTP client reaching it (a service binding).
	clients map[string]connect.HTTPClient
	// cache is the KV namespace shared with auth (revocations) and used by dev routes.
	cache kv.Store
	// workspaceLimiter and anonymousLimiter throttle the APIs; nil disables rate limiting.
	workspaceLimiter, anonymousLimiter limiter
	// uploads pipes the file parts the entry streams (filestream.go); nil: none are.
	uploads uploadStreamer
	now     func() time.Time
	// metrics takes each request's data point (Analytics Engine); nil: none.
	metrics logging.Recorder
}

// newGateway builds the gateway's handler.
func newGateway(d deps) (http.Handler, *gateway) {
	if d.now == nil {
		d.now = time.Now
	}
	cfg, clients := d.cfg, d.clients
	opts := rpc.ClientOptions()
	g := &gateway{
		cfg:      cfg,
		self:     &health.Checker{Service: "gateway"},
		auth:     authv1connect.NewAuthServiceClient(clients["auth"], baseURL, opts...),
		files:    filesv1connect.NewFilesServiceClient(clients["files"], baseURL, opts...),
		realtime: realtimev1connect.NewRealtimeServiceClient(clients["realtime"], baseURL, opts...),
		records:  recordsv1connect.NewRecordsServiceClient(clients["records"], baseURL, opts...),
		webhooks: jobsv1connect.NewWebhookServiceClient(clients["jobs"], baseURL, opts...),
		members:  authv1connect.NewWorkspaceServiceClient(clients["auth"], baseURL, opts...),
		cache:    d.cache,
		limits:   rateLimits{workspace: d.workspaceLimiter, anonymous: d.anonymousLimiter, retryAfter: cfg.RateLimitPeriod},
		now:      d.now,
	}
	g.tokens = &tokenVerifier{keys: authKeys(g.auth.GetVerificationKeys), revocations: d.cache, legacy: cfg.LegacyAppSecret, now: d.now, background: cfworker.WaitUntil}
	roles := recordsv1connect.NewRoleServiceClient(clients["records"], baseURL, opts...) // rolegraphql.go
	g.roles = roles
	schema, err := graphql.NewSchema(authSDL+workspaceSDL+metadataSDL+webhookSDL+webhookDeliverySDL+realtimeSDL+fileSDL+workflowSDL+workflowBuilderSDL+viewSDL+roleSDL+navigationSDL,
		withSettingsGuards(mergeResolvers(g.authResolvers(), g.workspaceResolvers(roles), g.metadataResolvers(), g.webhookResolvers(), webhookDeliveryResolvers(clients["jobs"]), g.realtimeResolvers(), withUploadGuards(fileResolvers(clients["files"], g.auth, d.uploads), roles),
			workflowResolvers(jobsv1connect.NewWorkflowServiceClient(clients["jobs"], baseURL, opts...)), workflowBuilderResolvers(g.records, roles),
			viewResolvers(recordsv1connect.NewViewServiceClient(clients["records"], baseURL, opts...)), navigationResolvers(recordsv1connect.NewNavigationMenuItemServiceClient(clients["records"], baseURL, opts...)), g.roleResolvers(roles)), roles))
	if err != nil {
		panic(fmt.Sprintf("metadata GraphQL schema: %v", err)) // a programming error, caught by every test
	}
	g.metadata = schema
	for _, b := range backends {
		c := connect.NewClient[commonv1.HealthRequest, commonv1.HealthResponse](clients[b.name], baseURL+b.healthProcedure, opts...)
		g.services = append(g.services, service{name: b.name, http: clients[b.name], health: c.CallUnary})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", only(http.MethodGet, g.healthz))
	// The OpenAPI documents answer without a token (the base document) as Twenty's do.
	// Every /rest/ route holds its body to one contract (restInput) before anything else; every
	// route's URL is held to one in the outer chain (checkURL).
	mux.Handle("/rest/open-api/{kind}", restInput(only(http.MethodGet, g.openAPI)))
	mux.HandleFunc("/open-api/{kind}", only(http.MethodGet, g.openAPI)) // Twenty serves both
	rest := restInput(g.recordAPIAuth(g.rateLimit(signFileURLs(clients["files"], http.HandlerFunc(g.restRoutes)))))
	mux.Handle("/rest/", rest)
	mux.Handle("/rest", rest) // Twenty's invalid-path 400, not ServeMux's redirect to /rest/
	// eventstream.go serves subscriptions over SSE (Accept: text/event-stream); the rest is GraphQL.
	mux.Handle("/metadata", g.eventStream(g.graphqlAuth(g.rateLimit(fileRequests(g.metadata, g.metadata)))))
	// eventstream.go also serves Twenty's onDbEvent here, where Twenty has it.
	mux.Handle("/graphql", g.eventStream(g.graphqlAuth(g.rateLimit(fileRequests(g.metadata, signFileURLs(clients["files"], g.dataGraphQL(g.metadata)))))))
	// workflowwebhook.go: Twenty's public WEBHOOK trigger of workflows.
	mux.Handle("/webhooks/workflows/{workspaceId}/{workflowId}", g.rateLimit(workflowWebhook(jobsv1connect.NewWorkflowServiceClient(clients["jobs"], baseURL, opts...), g.tokens.verify)))
	// filegate.go: the entry's header-only check of a file request before it streams past Go.
	for _, p := range []string{"/file/", "/files/", "/file-upload/"} {
		mux.Handle(p, g.fileGate())
	}
	if cfg.DevRoutes {
		g.devRoutes(mux)
	}
	mux.HandleFunc("/", notFound)

	// Outermost first: request id, then the access log (so it carries the id), panic recovery into
	// Twenty's envelope, CORS, the URL's contract (checkURL), and the caller's credentials (a Bearer scheme
	// spelled canonically) for calls to other Workers.
	var h http.Handler = mux
	h = rpc.ForwardCaller(h)
	h = canonicalBearer(h)
	h = checkURL(h)
	h = cfg.CORS.middleware(h)
	h = recoverPanics(h)
	h = logging.AccessLogWith("gateway", logging.Tee(d.metrics, g.recentRecorder()), h)
	return requestid.Middleware(h), g
}
