package main

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/kv/kvmem"
	"github.com/twentyworkers/twenty/shared/requestid"
	"github.com/twentyworkers/twenty/shared/rpc"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"google.golang.org/protobuf/testing/protocmp"
)

func newClient(t *testing.T) authv1connect.AuthServiceClient {
	db := sqltest.Open(t)
	srv := httptest.NewServer(newHandler([]health.Probe{health.SQL("CONTROL", db.DB), health.KV("CACHE", kvmem.New())}, nil))
	t.Cleanup(srv.Close)
	return authv1connect.NewAuthServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
}

func TestIdentifyCaller(t *testing.T) {
	client := newClient(t)
	tests := []struct {
		name, authorization string
		want                *authv1.IdentifyCallerResponse
	}{
		{"no header", "", &authv1.IdentifyCallerResponse{RequestId: "r-1"}},
		{"bearer token", "Bearer abc", &authv1.IdentifyCallerResponse{Scheme: "Bearer", RequestId: "r-1",
			CredentialSha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}},
		{"scheme only", "Bearer", &authv1.IdentifyCallerResponse{Scheme: "Bearer", RequestId: "r-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := rpc.WithCaller(requestid.WithID(context.Background(), "r-1"), tt.authorization)
			got, err := client.IdentifyCaller(ctx, &authv1.IdentifyCallerRequest{})
			if err != nil {
				t.Fatalf("IdentifyCaller: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("IdentifyCaller mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHealthProbesControlDatabaseAndCache(t *testing.T) {
	res, err := newClient(t).Health(context.Background(), &commonv1.HealthRequest{Deep: true})
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	var got []string
	for _, b := range res.GetHealth().GetBindings() {
		got = append(got, b.GetName()+" "+b.GetKind())
		if !b.GetOk() {
			t.Errorf("binding %s not ok: %s", b.GetName(), b.GetError())
		}
	}
	if diff := cmp.Diff([]string{"CONTROL d1", "CACHE kv"}, got); diff != "" || res.GetHealth().GetService() != "auth" {
		t.Errorf("Health of %q, bindings (-want +got):\n%s", res.GetHealth().GetService(), diff)
	}
}
