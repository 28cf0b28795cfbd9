// Command auth is the Worker that owns users, workspaces, members, roles, passwords, tokens and
// signing keys. Other Workers reach it only through its Connect contract (twenty.auth.v1).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
)

type server struct {
	*health.Checker
	store       *store
	keys        *keyring
	revocations kv.Store
	records     workspaceInitializer
	now         func() time.Time
}

// workspaceInitializer is the part of the records contract activation needs.
type workspaceInitializer interface {
	InitWorkspace(context.Context, *recordsv1.InitWorkspaceRequest) (*recordsv1.InitWorkspaceResponse, error)
}

// deps are what the auth Worker runs on; main wires the real bindings, tests SQLite and fakes.
type deps struct {
	control      *d1.DB
	cache        kv.Store
	records      workspaceInitializer
	members      memberRecords     // workspaceMember records of joining and removed members (workspace.go)
	jobs         jobqueue.Producer // the jobs queue, for invitation emails; nil: not sent
	frontendURL  string            // FRONTEND_URL, which invitation links point at
	keySecret    []byte            // AUTH_KEY_SECRET: seals the private signing keys
	legacySecret string            // APP_SECRET of an imported Twenty installation ("" when none)
	probes       []health.Probe
	now          func() time.Time
}

// IdentifyCaller implements authv1connect.AuthServiceHandler.
func (s *server) IdentifyCaller(ctx context.Context, _ *authv1.IdentifyCallerRequest) (*authv1.IdentifyCallerResponse, error) {
	res := &authv1.IdentifyCallerResponse{RequestId: requestid.FromContext(ctx)}
	header := strings.TrimSpace(rpc.Authorization(ctx))
	if header == "" {
		return res, nil
	}
	scheme, credential, _ := strings.Cut(header, " ")
	res.Scheme = scheme
	if credential = strings.TrimSpace(credential); credential != "" {
		sum := sha256.Sum256([]byte(credential))
		res.CredentialSha256 = hex.EncodeToString(sum[:])
	}
	return res, nil
}

// newHandler serves the auth contract; dev adds the Worker's /__dev/ routes (nil: none).
func newHandler(d deps, dev http.Handler) http.Handler {
	if d.now == nil {
		d.now = time.Now
	}
	st := &store{db: d.control}
	srv := &server{
		Checker:     &health.Checker{Service: "auth", Probes: d.probes},
		store:       st,
		keys:        &keyring{store: st, secret: d.keySecret, legacySecret: d.legacySecret, now: d.now},
		revocations: d.cache,
		records:     d.records,
		now:         d.now,
	}
	mux := rpc.ServiceMux(dev)
	mux.Handle(authv1connect.NewAuthServiceHandler(srv, rpc.HandlerOptions()...))
	mux.Handle(authv1connect.NewWorkspaceServiceHandler(&workspaceServer{server: srv, members: d.members, jobs: d.jobs, frontendURL: d.frontendURL}, rpc.HandlerOptions()...))
	return rpc.Middleware(mux)
}
