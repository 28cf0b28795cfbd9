// Command auth is the Worker that owns users, workspaces, members, roles, passwords, tokens and
// signing keys. Other Workers reach it only through its Connect contract (twenty.auth.v1).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
)

type server struct {
	*health.Checker
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
func newHandler(probes []health.Probe, dev http.Handler) http.Handler {
	mux := rpc.ServiceMux(dev)
	mux.Handle(authv1connect.NewAuthServiceHandler(&server{Checker: &health.Checker{Service: "auth", Probes: probes}}, rpc.HandlerOptions()...))
	return rpc.Middleware(mux)
}
