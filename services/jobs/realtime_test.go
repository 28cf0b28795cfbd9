package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

type fakeRealtime struct {
	got      []*jobsv1.DatabaseEventBatch
	metadata []*realtimev1.PublishMetadataEventsRequest
	fail     bool
}

func (f *fakeRealtime) PublishMetadataEvents(_ context.Context, req *realtimev1.PublishMetadataEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	f.metadata = append(f.metadata, req)
	return &realtimev1.PublishRecordEventsResponse{}, nil
}

func (f *fakeRealtime) PublishRecordEvents(_ context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	if f.fail {
		return nil, errors.New("room unreachable")
	}
	f.got = append(f.got, req.GetBatch())
	return &realtimev1.PublishRecordEventsResponse{Delivered: 1}, nil
}

func TestRealtimePublisherHandsBatchesOver(t *testing.T) {
	fake := &fakeRealtime{}
	f := &eventFanout{subscribers: map[string]eventSubscriber{"realtime": &realtimePublisher{client: fake}}}
	b := &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1", ObjectNameSingular: "person", Events: []*jobsv1.DatabaseEvent{{Id: "e1", RecordId: "p1"}}}
	if err := f.subscribers["realtime"].handleEvents(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*jobsv1.DatabaseEventBatch{b}, fake.got, protocmp.Transform()); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
	// A batch the records relay published itself is left: the realtime Worker is called once.
	published := proto.Clone(b).(*jobsv1.DatabaseEventBatch)
	published.RealtimePublished = true
	if err := f.subscribers["realtime"].handleEvents(context.Background(), published); err != nil {
		t.Fatal(err)
	}
	if len(fake.got) != 1 {
		t.Errorf("a batch the relay published was published again: %d calls, want 1", len(fake.got))
	}
	fake.fail = true
	if err := f.subscribers["realtime"].handleEvents(context.Background(), b); err == nil {
		t.Error("a failing realtime Worker was not reported, so the batch would not be retried")
	}
}

func TestRealtimeMetadataJob(t *testing.T) {
	fake := &fakeRealtime{}
	p := &realtimePublisher{client: fake}
	req := &realtimev1.PublishMetadataEventsRequest{WorkspaceId: "ws-1", Events: []*realtimev1.MetadataEvent{{Id: "m1", Type: "CREATED", MetadataName: "objectMetadata"}}}
	payload, err := proto.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.handleMetadataJob(context.Background(), &jobsv1.Job{Type: metadataEventJobType, WorkspaceId: "ws-1", Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]*realtimev1.PublishMetadataEventsRequest{req}, fake.metadata, protocmp.Transform()); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
	if err := p.handleMetadataJob(context.Background(), &jobsv1.Job{Type: metadataEventJobType, WorkspaceId: "ws-2", Payload: payload}); err == nil {
		t.Error("a job carrying another workspace's events was accepted")
	}
}
