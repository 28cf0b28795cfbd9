package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"google.golang.org/protobuf/types/known/timestamppb"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/fanout/fanoutmem"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1/jobsv1connect"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1/realtimev1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeAuth answers IdentifyCaller from the headers the call carried, as the real auth Worker does,
// publishes testKey for verification, and answers CurrentUser for any caller it is given.
type fakeAuth struct {
	authv1connect.UnimplementedAuthServiceHandler
	checker *health.Checker
}

func (f fakeAuth) Health(ctx context.Context, req *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return f.checker.Health(ctx, req)
}

func (fakeAuth) GetVerificationKeys(context.Context, *authv1.GetVerificationKeysRequest) (*authv1.GetVerificationKeysResponse, error) {
	der, err := testKey.Public().MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &authv1.GetVerificationKeysResponse{Keys: []*authv1.VerificationKey{{Id: testKey.ID, PublicKey: der}}}, nil
}

func (fakeAuth) CurrentUser(ctx context.Context, _ *authv1.CurrentUserRequest) (*authv1.CurrentUserResponse, error) {
	if rpc.Authorization(ctx) == "" {
		return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("Missing authentication token"))
	}
	return &authv1.CurrentUserResponse{User: &authv1.User{Id: "u-1", Email: "tim@apple.dev",
		UserWorkspace: &authv1.UserWorkspace{Id: "uw-2", CreatedAt: timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}}}, nil
}

// fakeRecords is a records Worker that only reports its health.
type fakeRecords struct {
	recordsv1connect.UnimplementedRecordsServiceHandler
	checker   *health.Checker
	listeners *listenerLog
}

// listenerLog holds the event listeners the records Worker was told of.
type listenerLog struct {
	mu  sync.Mutex
	set []string
}

func (l *listenerLog) got() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.set)
}

// SetEventListener notes the listener.
func (f fakeRecords) SetEventListener(_ context.Context, req *recordsv1.SetEventListenerRequest) (*recordsv1.SetEventListenerResponse, error) {
	f.listeners.mu.Lock()
	defer f.listeners.mu.Unlock()
	f.listeners.set = append(f.listeners.set, fmt.Sprintf("%s %s %v", req.GetWorkspaceId(), req.GetKind(), req.GetListening()))
	return &recordsv1.SetEventListenerResponse{}, nil
}

func (f fakeRecords) Health(ctx context.Context, req *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return f.checker.Health(ctx, req)
}

// CreateMany echoes the records with the actor's source as createdBy.
func (fakeRecords) CreateMany(_ context.Context, req *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error) {
	var in []map[string]any
	if err := json.Unmarshal(req.GetRecordsJson(), &in); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	for _, r := range in {
		r["createdBy"] = map[string]any{"source": req.GetActor().GetSource(), "workspaceMemberId": req.GetActor().GetWorkspaceMemberId()}
	}
	out, _ := json.Marshal(in)
	return &recordsv1.CreateManyResponse{RecordsJson: out, ObjectNameSingular: "person", ObjectNamePlural: "people"}, nil
}

// FindMany answers one page of two people for workspace ws-1 and knows no other object.
func (fakeRecords) FindMany(_ context.Context, req *recordsv1.FindManyRequest) (*recordsv1.FindManyResponse, error) {
	if req.GetObjectNamePlural() != "people" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("object '"+req.GetObjectNamePlural()+"' not found"))
	}
	records := `[]`
	if req.GetWorkspaceId() == "ws-1" {
		records = `[{"id":"p1","city":"Paris"},{"id":"p2","city":"Lyon"}]`
	}
	return &recordsv1.FindManyResponse{
		RecordsJson: []byte(records), TotalCount: 2, ObjectNameSingular: "person", ObjectNamePlural: "people",
		PageInfo: &recordsv1.PageInfo{HasNextPage: req.GetQuery().GetLimit() == 1, StartCursor: "c1", EndCursor: "c2"},
	}, nil
}

// testKey signs the tokens of the gateway tests; fakeAuth publishes it.
var testKey = func() authtoken.SigningKey {
	k, err := authtoken.NewSigningKey()
	if err != nil {
		panic(err)
	}
	return k
}()

func (fakeAuth) IdentifyCaller(ctx context.Context, _ *authv1.IdentifyCallerRequest) (*authv1.IdentifyCallerResponse, error) {
	scheme, cred, _ := strings.Cut(rpc.Authorization(ctx), " ")
	sum := sha256.Sum256([]byte(cred))
	info, _ := connect.CallInfoForHandlerContext(ctx)
	return &authv1.IdentifyCallerResponse{Scheme: scheme, CredentialSha256: hex.EncodeToString(sum[:]), RequestId: info.RequestHeader().Get(requestid.Header)}, nil
}

// fakeRealtime publishes to an in-memory hub.
type fakeRealtime struct {
	*health.Checker
	hub *fanoutmem.Hub
}

func (f fakeRealtime) Publish(ctx context.Context, req *realtimev1.PublishRequest) (*realtimev1.PublishResponse, error) {
	n, err := f.hub.Publish(ctx, req.GetRoom(), []byte(req.GetEvent()))
	if err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	return &realtimev1.PublishResponse{Delivered: uint32(n)}, nil
}

func up(name string, probes *atomic.Int64) *health.Checker {
	return &health.Checker{Service: name, Probes: []health.Probe{{Name: "DB", Kind: "d1", Check: func(context.Context) error {
		probes.Add(1)
		return nil
	}}}}
}

// stack is the gateway in front of five backends reached over real HTTP, as service bindings are.
type stack struct {
	gateway http.Handler
	gw      *gateway
	probes  atomic.Int64 // binding probes the backends ran
	clients map[string]connect.HTTPClient
	hub     *fanoutmem.Hub
	cache   *kvmem.Memory
	// listeners are the event listeners the records Worker was told of.
	listeners *listenerLog
}

// newStack starts the backends; down names one whose binding probe fails, gone one that does not answer.
func newStack(t testing.TB, cfg config, down, gone string) *stack {
	t.Helper()
	s := &stack{hub: fanoutmem.New(), cache: kvmem.New(), listeners: &listenerLog{}}
	checker := func(name string) *health.Checker {
		c := up(name, &s.probes)
		if name == down {
			c.Probes = []health.Probe{{Name: "BUCKET", Kind: "r2", Check: func(context.Context) error { return errors.New("bucket unreachable") }}}
		}
		return c
	}
	opts := rpc.HandlerOptions()
	handlers := map[string]func() (string, http.Handler){
		"auth": func() (string, http.Handler) {
			return authv1connect.NewAuthServiceHandler(fakeAuth{checker: checker("auth")}, opts...)
		},
		"records": func() (string, http.Handler) {
			return recordsv1connect.NewRecordsServiceHandler(fakeRecords{checker: checker("records"), listeners: s.listeners}, opts...)
		},
		"files": func() (string, http.Handler) {
			return filesv1connect.NewFilesServiceHandler(newFakeFiles(checker("files")), opts...)
		},
		"jobs": func() (string, http.Handler) { return jobsv1connect.NewJobsServiceHandler(checker("jobs"), opts...) },
		"realtime": func() (string, http.Handler) {
			return realtimev1connect.NewRealtimeServiceHandler(fakeRealtime{checker("realtime"), s.hub}, opts...)
		},
	}
	clients := map[string]connect.HTTPClient{}
	for name, h := range handlers {
		mux := rpc.ServiceMux(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(name + " dev " + r.URL.Path + " " + r.URL.RawQuery))
		}))
		mux.Handle(h())
		if name == "records" {
			mux.Handle(recordsv1connect.NewRoleServiceHandler(&fakeRoles{}, opts...)) // rolegraphql_test.go
		}
		srv := httptest.NewServer(rpc.Middleware(mux))
		t.Cleanup(srv.Close)
		if name == gone {
			srv.Close()
		}
		clients[name] = srv.Client()
		// The binding decides where a call goes; emulate it by rewriting the fixed base URL.
		clients[name] = rewriteHost{srv.URL, srv.Client()}
	}
	s.clients = clients
	s.gateway, s.gw = newGateway(deps{cfg: cfg, clients: clients, cache: s.cache})
	return s
}

type rewriteHost struct {
	base   string
	client *http.Client
}

func (c rewriteHost) Do(req *http.Request) (*http.Response, error) {
	u := *req.URL
	target, _ := http.NewRequestWithContext(req.Context(), req.Method, c.base+u.RequestURI(), req.Body)
	target.Header = req.Header
	return c.client.Do(target)
}

func (s *stack) do(t testing.TB, method, path string, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	s.gateway.ServeHTTP(rec, req)
	return rec
}

var devConfig = config{CORS: parseCORS("*"), DevRoutes: true}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %q is not the expected JSON: %v", rec.Body.String(), err)
	}
	return v
}

func TestHealthz(t *testing.T) {
	tests := []struct {
		name       string
		down, gone string
		status     int
		overall    string
		failing    map[string]string // service → message
	}{
		{"all up", "", "", http.StatusOK, "ok", map[string]string{}},
		{"a binding down", "files", "", http.StatusServiceUnavailable, "error", map[string]string{"files": "binding BUCKET is down"}},
		{"a service unreachable", "", "jobs", http.StatusServiceUnavailable, "error", map[string]string{"jobs": "unavailable: unreachable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t, config{CORS: parseCORS("*")}, tt.down, tt.gone)
			rec := s.do(t, http.MethodGet, "/healthz", "")
			body := decode[healthzBody](t, rec)
			failing := map[string]string{}
			for name, st := range body.Error {
				failing[name] = st.Message
			}
			if rec.Code != tt.status || body.Status != tt.overall {
				t.Errorf("GET /healthz = %d %q, want %d %q", rec.Code, body.Status, tt.status, tt.overall)
			}
			if diff := cmp.Diff(tt.failing, failing); diff != "" {
				t.Errorf("failing services (-want +got):\n%s", diff)
			}
			if got := len(body.Details); got != 6 {
				t.Errorf("details has %d entries, want 6 (gateway and five services)", got)
			}
			if st := body.Details["records"]; tt.gone != "records" && st.Bindings["DB"].Status != "up" {
				t.Errorf("records binding DB = %+v, want up", st.Bindings["DB"])
			}
		})
	}
}

func TestEnvelopes(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	tests := []struct {
		method, path string
		status       int
		want         envelope
	}{
		{http.MethodGet, "/nope", 404, envelope{404, "NotFoundException", []string{"Cannot GET /nope"}}},
		{http.MethodPost, "/healthz", 404, envelope{404, "NotFoundException", []string{"Cannot POST /healthz"}}},
		// Without DEV_ROUTES the dev routes and the WebSocket entry do not exist.
		{http.MethodGet, "/__dev/direct", 404, envelope{404, "NotFoundException", []string{"Cannot GET /__dev/direct"}}},
		{http.MethodGet, "/ws", 404, envelope{404, "NotFoundException", []string{"Cannot GET /ws"}}},
	}
	for _, tt := range tests {
		rec := s.do(t, tt.method, tt.path, "")
		if diff := cmp.Diff(tt.want, decode[envelope](t, rec)); rec.Code != tt.status || diff != "" {
			t.Errorf("%s %s = %d, envelope mismatch (-want +got):\n%s", tt.method, tt.path, rec.Code, diff)
		}
		if rec.Header().Get(requestid.Header) == "" {
			t.Errorf("%s %s: no %s on the response", tt.method, tt.path, requestid.Header)
		}
	}
}

func TestPanicAnswers500AndNextRequestWorks(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	rec := s.do(t, http.MethodGet, "/__dev/panic", "")
	want := envelope{500, "InternalServerErrorException", []string{"Internal server error"}}
	if diff := cmp.Diff(want, decode[envelope](t, rec)); rec.Code != 500 || diff != "" {
		t.Errorf("GET /__dev/panic = %d, envelope mismatch (-want +got):\n%s", rec.Code, diff)
	}
	if rec := s.do(t, http.MethodGet, "/__dev/direct", ""); rec.Code != http.StatusOK {
		t.Errorf("request after the panic = %d, want 200", rec.Code)
	}
}

func TestCORS(t *testing.T) {
	tests := []struct {
		name, allowed, method, origin string
		status                        int
		wantOrigin, wantMethods       string
	}{
		{"any origin, simple request", "*", http.MethodGet, "https://app.example", 404, "*", ""},
		{"any origin, preflight", "*", http.MethodOptions, "https://app.example", 204, "*", corsMethods},
		{"listed origin is reflected", "https://crm.example, https://app.example/", http.MethodGet, "https://app.example", 404, "https://app.example", ""},
		{"unlisted origin gets no headers", "https://crm.example", http.MethodOptions, "https://evil.example", 204, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t, config{CORS: parseCORS(tt.allowed)}, "", "")
			rec := s.do(t, tt.method, "/nope", "", "Origin", tt.origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type")
			got := []any{rec.Code, rec.Header().Get("Access-Control-Allow-Origin"), rec.Header().Get("Access-Control-Allow-Methods")}
			if diff := cmp.Diff([]any{tt.status, tt.wantOrigin, tt.wantMethods}, got); diff != "" {
				t.Errorf("CORS mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWhoamiForwardsCallerAcrossTheHop(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	rec := s.do(t, http.MethodGet, "/__dev/whoami", "", "Authorization", "Bearer secret-token", requestid.Header, "req-abc")
	sum := sha256.Sum256([]byte("secret-token"))
	want := map[string]string{"scheme": "Bearer", "credentialSha256": hex.EncodeToString(sum[:]), "requestId": "req-abc"}
	if diff := cmp.Diff(want, decode[map[string]string](t, rec)); diff != "" {
		t.Errorf("whoami mismatch (-want +got):\n%s", diff)
	}
}

func TestPublishReachesSubscribers(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	events, cancel := s.hub.Subscribe("ws-1")
	defer cancel()
	rec := s.do(t, http.MethodPost, "/__dev/realtime/publish", `{"room":"ws-1","event":{"action":"created"}}`)
	if diff := cmp.Diff(map[string]float64{"delivered": 1}, decode[map[string]float64](t, rec)); diff != "" {
		t.Errorf("publish mismatch (-want +got):\n%s", diff)
	}
	if got := string(<-events); got != `{"action":"created"}` {
		t.Errorf("subscriber got %s", got)
	}
	for _, body := range []string{`{"room":"bad room!","event":{}}`, `not json`} {
		if rec := s.do(t, http.MethodPost, "/__dev/realtime/publish", body); rec.Code != http.StatusBadRequest {
			t.Errorf("publish %s = %d, want 400", body, rec.Code)
		}
	}
}

func TestWebSocketIsForwardedToTheRoom(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	rec := s.do(t, http.MethodGet, "/ws?room=ws-1", "", "Upgrade", "websocket", roomHeader, "client-chosen")
	got := []string{rec.Header().Get(forwardHeader), rec.Header().Get(roomHeader)}
	if diff := cmp.Diff([]string{"REALTIME", "ws-1"}, got); diff != "" {
		t.Errorf("forward headers (-want +got):\n%s", diff)
	}
	for _, tt := range []struct{ path, upgrade string }{{"/ws?room=ws-1", ""}, {"/ws?room=bad%20room", "websocket"}, {"/ws", "websocket"}} {
		rec := s.do(t, http.MethodGet, tt.path, "", "Upgrade", tt.upgrade)
		if rec.Code != http.StatusBadRequest || rec.Header().Get(forwardHeader) != "" {
			t.Errorf("GET %s (upgrade %q) = %d forward %q, want 400 and no forward", tt.path, tt.upgrade, rec.Code, rec.Header().Get(forwardHeader))
		}
	}
}

func TestWaitUntilWritesAfterTheResponse(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	if rec := s.do(t, http.MethodPost, "/__dev/wait-until/k1", ""); rec.Code != http.StatusAccepted {
		t.Fatalf("POST wait-until = %d, want 202", rec.Code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := s.do(t, http.MethodGet, "/__dev/kv/wait-until/k1", "")
		if rec.Code == http.StatusOK && rec.Body.String() == "done" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("key never written: last GET = %d %s", rec.Code, rec.Body.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDevForwardReachesServiceDevRoutes(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	rec := s.do(t, http.MethodGet, "/__dev/svc/jobs/runs/abc?x=1", "")
	if got, want := rec.Body.String(), "jobs dev /__dev/runs/abc x=1"; got != want {
		t.Errorf("forwarded = %q, want %q", got, want)
	}
	if rec := s.do(t, http.MethodGet, "/__dev/svc/nope/x", ""); rec.Code != http.StatusNotFound {
		t.Errorf("unknown service = %d, want 404", rec.Code)
	}
}

func TestHopAndInstance(t *testing.T) {
	s := newStack(t, devConfig, "", "")
	if got := decode[map[string]string](t, s.do(t, http.MethodGet, "/__dev/hop", ""))["service"]; got != "auth" {
		t.Errorf("hop answered by %q, want auth", got)
	}
	inst := decode[struct {
		InstanceID string `json:"instanceId"`
	}](t, s.do(t, http.MethodGet, "/__dev/instance", ""))
	if inst.InstanceID == "" {
		t.Error("instance has no id")
	}
}

func TestHealthzReusesARecentCheck(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	for range 3 {
		if rec := s.do(t, http.MethodGet, "/healthz", ""); rec.Code != http.StatusOK {
			t.Fatalf("GET /healthz = %d", rec.Code)
		}
	}
	if got := s.probes.Load(); got != 5 {
		t.Errorf("three /healthz within %s ran %d binding probes, want 5 (one check of five services)", healthzTTL, got)
	}
	s.gw.now = func() time.Time { return time.Now().Add(healthzTTL) }
	s.do(t, http.MethodGet, "/healthz", "")
	if got := s.probes.Load(); got != 10 {
		t.Errorf("after %s, /healthz ran %d probes in all, want 10 (a fresh check)", healthzTTL, got)
	}
}
