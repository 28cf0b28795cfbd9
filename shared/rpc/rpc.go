// Package rpc holds what every Connect client and handler between our Workers shares: forwarding
// of the caller's credentials and request id, panic recovery, and the rule that only deliberate
// *connect.Error values reach a caller (anything else becomes an opaque internal error, logged here).
package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/requestid"
)

type callerKey struct{}

// WithCaller returns ctx carrying the Authorization header of the request being served, so calls
// made on its behalf forward it.
func WithCaller(ctx context.Context, authorization string) context.Context {
	return context.WithValue(ctx, callerKey{}, authorization)
}

// ForwardCaller is HTTP middleware that puts each request's Authorization header in its context.
func ForwardCaller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(WithCaller(r.Context(), r.Header.Get("Authorization"))))
	})
}

// ClientOptions are the options for every Connect client that calls another Worker. Calls between
// Workers stay in one Cloudflare location (in-process locally), so gzip only spends CPU: the
// client neither offers nor accepts it (it was about a tenth of a record call's Go time).
func ClientOptions() []connect.ClientOption {
	return []connect.ClientOption{
		connect.WithInterceptors(forwardInterceptor{}),
		connect.WithAcceptCompression(gzip, nil, nil),
	}
}

// gzip is the compression connect-go registers by default, removed from our clients and handlers.
const gzip = "gzip"

// HandlerOptions are the options for every Connect handler a Worker serves.
func HandlerOptions() []connect.HandlerOption {
	return []connect.HandlerOption{
		connect.WithRecover(func(ctx context.Context, spec connect.Spec, _ http.Header, v any) error {
			slog.ErrorContext(ctx, "rpc handler panicked", "procedure", spec.Procedure, "panic", fmt.Sprint(v))
			return connect.NewError(connect.CodeInternal, errInternal)
		}),
		connect.WithInterceptors(maskInterceptor{}),
		connect.WithCompression(gzip, nil, nil),
	}
}

// Authorization returns the Authorization header of the Connect call being handled.
func Authorization(ctx context.Context) string {
	if info, ok := connect.CallInfoForHandlerContext(ctx); ok {
		return info.RequestHeader().Get("Authorization")
	}
	return ""
}

var errInternal = errors.New("internal error")

// forwardInterceptor sets the caller's Authorization and the request id on outgoing calls.
type forwardInterceptor struct{}

func (forwardInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if auth, _ := ctx.Value(callerKey{}).(string); auth != "" {
			req.Header().Set("Authorization", auth)
		}
		if id := requestid.FromContext(ctx); id != "" {
			req.Header().Set(requestid.Header, id)
		}
		setPrincipal(ctx, req) // principal.go
		return next(ctx, req)
	}
}

func (forwardInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (forwardInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// maskInterceptor logs errors that are not *connect.Error and replaces them with CodeInternal, so
// storage details never leak to a caller.
type maskInterceptor struct{}

func (maskInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		res, err := next(ctx, req)
		if err == nil {
			return res, nil
		}
		if ce := new(connect.Error); errors.As(err, &ce) {
			return res, err
		}
		slog.ErrorContext(ctx, "rpc failed", "procedure", req.Spec().Procedure, "error", err.Error())
		return nil, connect.NewError(connect.CodeInternal, errInternal)
	}
}

func (maskInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (maskInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}
