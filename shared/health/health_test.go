package health

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestReport(t *testing.T) {
	db := sqltest.OpenEmpty(t)
	failing := Probe{Name: "BUCKET", Kind: "r2", Check: func(context.Context) error { return errors.New("unreachable") }}
	tests := []struct {
		name   string
		probes []Probe
		deep   bool
		want   *commonv1.ServiceHealth
	}{
		{
			name:   "shallow skips probes",
			probes: []Probe{failing},
			want:   &commonv1.ServiceHealth{Service: "files", Version: "dev", Ok: true},
		},
		{
			name:   "deep reports each binding",
			probes: []Probe{SQL("CONTROL", db.DB)},
			deep:   true,
			want: &commonv1.ServiceHealth{Service: "files", Version: "dev", Ok: true,
				Bindings: []*commonv1.BindingStatus{{Name: "CONTROL", Kind: "d1", Ok: true}}},
		},
		{
			name:   "one failing binding fails the service",
			probes: []Probe{SQL("CONTROL", db.DB), failing},
			deep:   true,
			want: &commonv1.ServiceHealth{Service: "files", Version: "dev", Ok: false,
				Bindings: []*commonv1.BindingStatus{
					{Name: "CONTROL", Kind: "d1", Ok: true},
					{Name: "BUCKET", Kind: "r2", Ok: false, Error: "unreachable"},
				}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Checker{Service: "files", Probes: tt.probes}
			got := c.Report(context.Background(), tt.deep)
			if got.GetInstanceId() == "" || got.GetRequestsServed() != 0 {
				t.Errorf("instance = %q served %d, want an id and 0 served natively", got.GetInstanceId(), got.GetRequestsServed())
			}
			ignore := protocmp.IgnoreFields(&commonv1.ServiceHealth{}, "instance_id", "requests_served")
			ignoreLatency := protocmp.IgnoreFields(&commonv1.BindingStatus{}, "latency_ms")
			if diff := cmp.Diff(tt.want, got, protocmp.Transform(), ignore, ignoreLatency, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Report mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
