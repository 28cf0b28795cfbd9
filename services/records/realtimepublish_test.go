package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// fakeRealtime is the realtime Worker: rooms listened to, and the batches published.
type fakeRealtime struct {
	listening  map[string]bool
	askFails   bool
	fail       bool
	asked, got []string
}

func (f *fakeRealtime) RoomListening(_ context.Context, req *realtimev1.RoomListeningRequest) (*realtimev1.RoomListeningResponse, error) {
	f.asked = append(f.asked, req.GetWorkspaceId())
	if f.askFails {
		return nil, errors.New("room unreachable")
	}
	return &realtimev1.RoomListeningResponse{Listening: f.listening[req.GetWorkspaceId()]}, nil
}

func (f *fakeRealtime) PublishRecordEvents(_ context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	if f.fail {
		return nil, errors.New("room unreachable")
	}
	f.got = append(f.got, req.GetBatch().GetWorkspaceId()+" "+req.GetBatch().GetName())
	return &realtimev1.PublishRecordEventsResponse{}, nil
}

// TestPublishRealtime: a batch goes to the realtime Worker when its workspace's room is listened
// to, or cannot say; a room nobody listens to takes it as it is. A batch taken either way is
// reported taken (the queue's copy is marked and not published again); one the realtime Worker
// refused is not, so the queue's copy delivers it.
func TestPublishRealtime(t *testing.T) {
	tests := []struct {
		name              string
		rt                fakeRealtime
		workspace         string
		wantTaken         bool
		wantAsk, wantSent []string
	}{
		{"a room listened to", fakeRealtime{listening: map[string]bool{"ws-1": true}}, "ws-1", true, []string{"ws-1"}, []string{"ws-1 person.created"}},
		{"a room nobody listens to", fakeRealtime{listening: map[string]bool{"ws-1": true}}, "ws-2", true, []string{"ws-2"}, nil},
		{"a room that cannot say", fakeRealtime{askFails: true}, "ws-1", true, []string{"ws-1"}, []string{"ws-1 person.created"}},
		{"a publish refused", fakeRealtime{listening: map[string]bool{"ws-1": true}, fail: true}, "ws-1", false, []string{"ws-1"}, nil},
		{"nothing answers", fakeRealtime{askFails: true, fail: true}, "ws-1", false, []string{"ws-1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.rt
			taken := publishRealtime(&rt)(context.Background(), &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: tt.workspace})
			if taken != tt.wantTaken {
				t.Errorf("taken = %v, want %v", taken, tt.wantTaken)
			}
			if diff := cmp.Diff(tt.wantAsk, rt.asked); diff != "" {
				t.Errorf("asked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSent, rt.got); diff != "" {
				t.Errorf("published (-want +got):\n%s", diff)
			}
		})
	}
}
