package rpc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/requestid"
)

// fakeAuth records what reached it and fails as told.
type fakeAuth struct {
	authv1connect.UnimplementedAuthServiceHandler
	healthErr error
	panicNext bool
}

func (f *fakeAuth) Health(ctx context.Context, _ *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	if f.panicNext {
		panic("boom")
	}
	return &commonv1.HealthResponse{}, f.healthErr
}

func (f *fakeAuth) IdentifyCaller(ctx context.Context, _ *authv1.IdentifyCallerRequest) (*authv1.IdentifyCallerResponse, error) {
	return &authv1.IdentifyCallerResponse{Scheme: Authorization(ctx), RequestId: requestIDHeader(ctx)}, nil
}

func requestIDHeader(ctx context.Context) string {
	info, _ := connect.CallInfoForHandlerContext(ctx)
	return info.RequestHeader().Get(requestid.Header)
}

func newClient(t *testing.T, h *fakeAuth) authv1connect.AuthServiceClient {
	mux := http.NewServeMux()
	mux.Handle(authv1connect.NewAuthServiceHandler(h, HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return authv1connect.NewAuthServiceClient(srv.Client(), srv.URL, ClientOptions()...)
}

func TestForwardsCallerAndRequestID(t *testing.T) {
	client := newClient(t, &fakeAuth{})
	ctx := WithCaller(requestid.WithID(context.Background(), "req-42"), "Bearer abc")
	got, err := client.IdentifyCaller(ctx, &authv1.IdentifyCallerRequest{})
	if err != nil {
		t.Fatalf("IdentifyCaller: %v", err)
	}
	want := &authv1.IdentifyCallerResponse{Scheme: "Bearer abc", RequestId: "req-42"}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("forwarded headers mismatch (-want +got):\n%s", diff)
	}
}

func TestErrorsReachingCallers(t *testing.T) {
	tests := []struct {
		name    string
		handler *fakeAuth
		code    connect.Code
		msg     string
	}{
		{"connect errors pass through", &fakeAuth{healthErr: connect.NewError(connect.CodeNotFound, errors.New("no such thing"))}, connect.CodeNotFound, "no such thing"},
		{"other errors are masked", &fakeAuth{healthErr: errors.New("d1: SQLITE_ERROR secret schema detail")}, connect.CodeInternal, "internal error"},
		{"panics become internal", &fakeAuth{panicNext: true}, connect.CodeInternal, "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newClient(t, tt.handler).Health(context.Background(), &commonv1.HealthRequest{})
			ce := new(connect.Error)
			if !errors.As(err, &ce) {
				t.Fatalf("Health error = %v, want a *connect.Error", err)
			}
			if ce.Code() != tt.code || ce.Message() != tt.msg {
				t.Errorf("Health error = %v %q, want %v %q", ce.Code(), ce.Message(), tt.code, tt.msg)
			}
		})
	}
}

// TestNoCompressionBetweenWorkers checks that our clients offer no compression and that our
// handlers answer uncompressed even to a client offering gzip (connect-go's default client does).
func TestNoCompressionBetweenWorkers(t *testing.T) {
	type seen struct{ acceptEncoding, contentEncoding string }
	var got seen
	mux := http.NewServeMux()
	mux.Handle(authv1connect.NewAuthServiceHandler(&fakeAuth{}, HandlerOptions()...))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.acceptEncoding = r.Header.Get("Accept-Encoding")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		got.contentEncoding = rec.Header().Get("Content-Encoding")
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	// A large answer: connect-go compresses only past a minimum size when asked to.
	big := &authv1.IdentifyCallerRequest{}
	tests := []struct {
		name   string
		client authv1connect.AuthServiceClient
		want   seen
	}{
		{"our client", authv1connect.NewAuthServiceClient(srv.Client(), srv.URL, ClientOptions()...), seen{acceptEncoding: "identity"}},
		{"a client offering gzip", authv1connect.NewAuthServiceClient(srv.Client(), srv.URL), seen{acceptEncoding: "gzip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = seen{}
			ctx := WithCaller(context.Background(), "Bearer "+strings.Repeat("x", 4096))
			if _, err := tt.client.IdentifyCaller(ctx, big); err != nil {
				t.Fatalf("IdentifyCaller: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(seen{})); diff != "" {
				t.Errorf("encodings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
