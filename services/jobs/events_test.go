package main

import (
	"context"
	"testing"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"google.golang.org/protobuf/proto"
)

func TestHandleDatabaseEvent(t *testing.T) {
	batch := func(b *jobsv1.DatabaseEventBatch) []byte {
		out, err := proto.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tests := []struct {
		name    string
		job     *jobsv1.Job
		wantErr bool
	}{
		{"a batch of its workspace", &jobsv1.Job{WorkspaceId: "ws-1", Payload: batch(&jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1", Events: []*jobsv1.DatabaseEvent{{RecordId: "r"}}})}, false},
		{"another workspace's batch", &jobsv1.Job{WorkspaceId: "ws-2", Payload: batch(&jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1"})}, true},
		{"no name", &jobsv1.Job{WorkspaceId: "ws-1", Payload: batch(&jobsv1.DatabaseEventBatch{WorkspaceId: "ws-1"})}, true},
		{"not a batch", &jobsv1.Job{WorkspaceId: "ws-1", Payload: []byte{0xff, 0xff}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := handleDatabaseEvent(context.Background(), tt.job); (err != nil) != tt.wantErr {
				t.Errorf("handleDatabaseEvent = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}
