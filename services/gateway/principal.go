package main

import (
	"context"

	"github.com/twentyworkers/twenty/shared/authtoken"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/logging"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// withClaims returns ctx carrying the request's verified claims (principalFrom) and the
// Principal every call to another Worker sends (rpc.PrincipalHeader), from which the records
// Worker enforces the caller's role: a user's ACCESS token acts as its workspace member, an
// API_KEY token as its key (its jti). Any other verified token gets an empty principal, which
// no role permits anything: only our own Workers' calls, without a principal, act as the system.
func withClaims(ctx context.Context, c *authtoken.Claims) context.Context {
	ctx = context.WithValue(ctx, principalKey{}, c)
	logging.SetWorkspace(ctx, c.WorkspaceID) // the request's access log line and data point
	p := &commonv1.Principal{}
	switch c.Type {
	case authtoken.TypeAccess:
		p.WorkspaceMemberId, p.UserWorkspaceId, p.UserId = c.WorkspaceMemberID, c.UserWorkspaceID, c.UserID
	case authtoken.TypeAPIKey:
		p.ApiKeyId = c.ID
	}
	return rpc.WithPrincipal(ctx, p)
}
