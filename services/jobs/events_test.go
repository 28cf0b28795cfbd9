package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"google.golang.org/protobuf/proto"
)

// recordingSubscriber is a fake subscriber: it keeps the event names it was given and answers err.
type recordingSubscriber struct {
	got []string
	err error
}

func (r *recordingSubscriber) handleEvents(_ context.Context, b *jobsv1.DatabaseEventBatch) error {
	r.got = append(r.got, b.GetName())
	return r.err
}

func TestEventFanout(t *testing.T) {
	batch := func(b *jobsv1.DatabaseEventBatch) []byte {
		out, err := proto.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	created := batch(&jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1", Events: []*jobsv1.DatabaseEvent{{Id: "e1", RecordId: "r"}}})
	tests := []struct {
		name       string
		job        *jobsv1.Job
		failing    error
		wantErr    bool
		wantOK     []string // what the succeeding subscriber saw
		wantFailed []string // what the failing one saw
	}{
		{"a batch of its workspace", &jobsv1.Job{WorkspaceId: "ws-1", Payload: created}, nil, false, []string{"person.created"}, []string{"person.created"}},
		{"one subscriber fails: both ran, the job retries", &jobsv1.Job{WorkspaceId: "ws-1", Payload: created}, errors.New("down"), true, []string{"person.created"}, []string{"person.created"}},
		{"another workspace's batch", &jobsv1.Job{WorkspaceId: "ws-2", Payload: created}, nil, true, nil, nil},
		{"no name", &jobsv1.Job{WorkspaceId: "ws-1", Payload: batch(&jobsv1.DatabaseEventBatch{WorkspaceId: "ws-1"})}, nil, true, nil, nil},
		{"not a batch", &jobsv1.Job{WorkspaceId: "ws-1", Payload: []byte{0xff, 0xff}}, nil, true, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, failing := &recordingSubscriber{}, &recordingSubscriber{err: tt.failing}
			f := &eventFanout{subscribers: map[string]eventSubscriber{"ok": ok, "other": failing}}
			if err := f.handle(context.Background(), tt.job); (err != nil) != tt.wantErr {
				t.Errorf("handle = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantOK, ok.got); diff != "" {
				t.Errorf("the succeeding subscriber saw (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantFailed, failing.got); diff != "" {
				t.Errorf("the failing subscriber saw (-want +got):\n%s", diff)
			}
		})
	}
}
