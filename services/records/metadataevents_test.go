package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// TestMetadataMutationsEmitMetadataEvents: creating, renaming and deleting an object queue
// Twenty's metadata events for the workspace's event streams; a failed mutation queues none.
func TestMetadataMutationsEmitMetadataEvents(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	in := &recordsv1.CreateObjectInput{}
	if err := metadatainput.FromJSON([]byte(`{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets"}`), in); err != nil {
		t.Fatal(err)
	}
	created, err := h.client.CreateObject(ctx, &recordsv1.CreateObjectRequest{WorkspaceId: ws, Input: in})
	if err != nil {
		t.Fatal(err)
	}
	id := created.GetObject().GetId()
	up := &recordsv1.UpdateObjectInput{}
	if err := metadatainput.FromJSON([]byte(`{"labelSingular":"Spaceship","isActive":false}`), up); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.UpdateObject(ctx, &recordsv1.UpdateObjectRequest{WorkspaceId: ws, Id: id, Update: up}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.client.DeleteObject(ctx, &recordsv1.DeleteObjectRequest{WorkspaceId: ws, Id: "00000000-0000-4000-8000-000000000000"}); err == nil {
		t.Fatal("deleting an unknown object succeeded")
	}
	if _, err := h.client.DeleteObject(ctx, &recordsv1.DeleteObjectRequest{WorkspaceId: ws, Id: id}); err != nil {
		t.Fatal(err)
	}
	type event struct {
		Type, MetadataName, RecordID string
		Before, After                bool
		UpdatedFields                []string
	}
	var got []event
	for _, body := range h.jobs.Sent() {
		job, err := jobqueue.Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		if job.GetType() != metadataEventJobType {
			continue
		}
		req := &realtimev1.PublishMetadataEventsRequest{}
		if err := proto.Unmarshal(job.GetPayload(), req); err != nil {
			t.Fatal(err)
		}
		if req.GetWorkspaceId() != ws || job.GetWorkspaceId() != ws {
			t.Errorf("metadata event of workspace %q in a job of %q, want %q", req.GetWorkspaceId(), job.GetWorkspaceId(), ws)
		}
		for _, e := range req.GetEvents() {
			if e.GetId() == "" || e.GetEventDate() == "" {
				t.Errorf("event %+v has no id or date", e)
			}
			got = append(got, event{e.GetType(), e.GetMetadataName(), e.GetRecordId(), len(e.GetBeforeJson()) > 0, len(e.GetAfterJson()) > 0, e.GetUpdatedFields()})
		}
	}
	want := []event{
		{"CREATED", "objectMetadata", id, false, true, nil},
		{"UPDATED", "objectMetadata", id, false, true, []string{"isActive", "labelSingular"}},
		{"DELETED", "objectMetadata", id, true, false, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metadata events (-want +got):\n%s", diff)
	}
}
