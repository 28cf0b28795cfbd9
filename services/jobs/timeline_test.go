package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// fakeRecords is a records Worker serving the TimelineService and Health: it keeps the batches it
// was given and answers err.
type fakeRecords struct {
	recordsv1connect.UnimplementedRecordsServiceHandler
	mu      sync.Mutex
	batches []*jobsv1.DatabaseEventBatch
	err     error
}

func (f *fakeRecords) WriteTimelineActivities(_ context.Context, req *recordsv1.WriteTimelineActivitiesRequest) (*recordsv1.WriteTimelineActivitiesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, req.GetBatch())
	if f.err != nil {
		return nil, f.err
	}
	return &recordsv1.WriteTimelineActivitiesResponse{Inserted: int32(len(req.GetBatch().GetEvents()))}, nil
}

func (f *fakeRecords) Health(context.Context, *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return &commonv1.HealthResponse{Health: &commonv1.ServiceHealth{Service: "records", Ok: true}}, nil
}

// serveRecords serves f as the RECORDS binding does.
func serveRecords(t *testing.T, f *fakeRecords) *http.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(recordsv1connect.NewTimelineServiceHandler(f))
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(f))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// The binding ignores the host: send every call to the test server.
	c := srv.Client()
	base := c.Transport
	c.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = "http", srv.Listener.Addr().String()
		return base.RoundTrip(r)
	})
	return c
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTimelineWriterForwardsTheBatch(t *testing.T) {
	b := &jobsv1.DatabaseEventBatch{Name: "person.updated", WorkspaceId: "ws-1", ObjectNameSingular: "person", EventDate: "2026-12-06T10:00:00.000Z",
		Events: []*jobsv1.DatabaseEvent{{Id: "e1", RecordId: "r1", WorkspaceMemberId: "m1", BeforeJson: []byte(`{"city":""}`), AfterJson: []byte(`{"city":"Oslo"}`), UpdatedFields: []string{"city"}}}}
	payload, err := proto.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		err     error
		wantErr bool
	}{
		{"written", nil, false},
		{"records fails: the job is retried", connect.NewError(connect.CodeUnavailable, errors.New("shard down")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			records := &fakeRecords{err: tt.err}
			f := &eventFanout{subscribers: map[string]eventSubscriber{"timeline": newTimelineWriter(serveRecords(t, records))}}
			err := f.handle(context.Background(), &jobsv1.Job{Type: eventJobType, WorkspaceId: "ws-1", Payload: payload})
			if (err != nil) != tt.wantErr {
				t.Errorf("handle = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff([]*jobsv1.DatabaseEventBatch{b}, records.batches, protocmp.Transform()); diff != "" {
				t.Errorf("records received (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecordsProbe(t *testing.T) {
	p := recordsProbe(serveRecords(t, &fakeRecords{}))
	if err := p.Check(context.Background()); err != nil || p.Name != "RECORDS" || p.Kind != "service" {
		t.Errorf("probe %s (%s) = %v, want RECORDS (service) up", p.Name, p.Kind, err)
	}
	down := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("no binding") })}
	if err := recordsProbe(down).Check(context.Background()); err == nil {
		t.Error("probe of a binding that does not answer = nil, want an error")
	}
}
