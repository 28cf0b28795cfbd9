package rpc

import (
	"context"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"google.golang.org/protobuf/proto"
)

// PrincipalHeader carries the caller a call acts for (commonv1.Principal, binary) from the
// gateway, which verified the caller's token, to the Worker that enforces permissions. A call
// without it is one of our own Workers acting as the system.
const PrincipalHeader = "Twenty-Principal-Bin"

type principalKey struct{}

// WithPrincipal returns ctx whose outgoing calls carry p in PrincipalHeader (nil: none).
func WithPrincipal(ctx context.Context, p *commonv1.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalOf answers the principal of the Connect call being handled: nil when the call has
// none (the system) or it does not decode (treated as no permission at all by the caller's
// checks: see records).
func PrincipalOf(ctx context.Context) (p *commonv1.Principal, ok bool) {
	info, found := connect.CallInfoForHandlerContext(ctx)
	if !found {
		return nil, true
	}
	v := info.RequestHeader().Get(PrincipalHeader)
	if v == "" {
		return nil, true
	}
	b, err := connect.DecodeBinaryHeader(v)
	if err != nil {
		return nil, false
	}
	p = &commonv1.Principal{}
	if err := proto.Unmarshal(b, p); err != nil {
		return nil, false
	}
	return p, true
}

// setPrincipal puts ctx's principal on an outgoing call.
func setPrincipal(ctx context.Context, req connect.AnyRequest) {
	p, _ := ctx.Value(principalKey{}).(*commonv1.Principal)
	if p == nil {
		return
	}
	b, err := proto.Marshal(p)
	if err != nil {
		return // a Principal of strings and a bool always marshals
	}
	req.Header().Set(PrincipalHeader, connect.EncodeBinaryHeader(b))
}

// OutgoingPrincipal answers the principal ctx's outgoing calls carry (WithPrincipal), or nil.
func OutgoingPrincipal(ctx context.Context) *commonv1.Principal {
	p, _ := ctx.Value(principalKey{}).(*commonv1.Principal)
	return p
}
