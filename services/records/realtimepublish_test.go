package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// fakeRealtime is the realtime Worker: the rooms with nothing open, and the batches published.
type fakeRealtime struct {
	idle map[string]bool
	fail bool
	got  []string
}

func (f *fakeRealtime) PublishRecordEvents(_ context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	if f.fail {
		return nil, errors.New("room unreachable")
	}
	ws := req.GetBatch().GetWorkspaceId()
	f.got = append(f.got, ws+" "+req.GetBatch().GetName())
	return &realtimev1.PublishRecordEventsResponse{Idle: f.idle[ws]}, nil
}

// TestPublishRealtime: a batch goes to the realtime Worker when its write found the workspace's
// room listened to, or could not tell (a swept row); one nobody listens to is taken as it is. A
// batch taken either way is reported taken (the queue's copy is marked and not published again);
// one the realtime Worker refused is not, so the queue's copy delivers it. A room that answers it
// is idle is reported so; an unchecked room (no listener, not found idle lately) is asked, and
// reported heard when it has something open.
func TestPublishRealtime(t *testing.T) {
	listened := outbox.Row{Probed: true, Listeners: outbox.ListenRealtime | outbox.ListenKnown}
	tests := []struct {
		name      string
		rt        fakeRealtime
		row       outbox.Row
		wantTaken bool
		wantSent  []string
		wantIdle  []string
		wantHeard []string
	}{
		{"a room listened to", fakeRealtime{}, listened, true, []string{"ws-1 person.created"}, nil, nil},
		{"a room nobody listens to", fakeRealtime{}, outbox.Row{Probed: true, Listeners: outbox.ListenWebhook}, true, nil, nil, nil},
		{"a row swept, its listeners unknown", fakeRealtime{}, outbox.Row{}, true, []string{"ws-1 person.created"}, nil, nil},
		{"a room gone idle", fakeRealtime{idle: map[string]bool{"ws-1": true}}, listened, true, []string{"ws-1 person.created"}, []string{"ws-1"}, nil},
		{"a publish refused", fakeRealtime{fail: true}, listened, false, nil, nil, nil},
		{"an unchecked room with streams", fakeRealtime{}, outbox.Row{Probed: true, Listeners: outbox.ListenRoomUnchecked}, true,
			[]string{"ws-1 person.created"}, nil, []string{"ws-1"}},
		{"an unchecked room, idle", fakeRealtime{idle: map[string]bool{"ws-1": true}}, outbox.Row{Probed: true, Listeners: outbox.ListenRoomUnchecked}, true,
			[]string{"ws-1 person.created"}, []string{"ws-1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.rt
			var idled, heard []string
			publish := publishRealtime(&rt, func(_ context.Context, ws string) { idled = append(idled, ws) },
				func(_ context.Context, ws string) { heard = append(heard, ws) })
			taken := publish(context.Background(), tt.row, &jobsv1.DatabaseEventBatch{Name: "person.created", WorkspaceId: "ws-1"})
			if taken != tt.wantTaken {
				t.Errorf("taken = %v, want %v", taken, tt.wantTaken)
			}
			if diff := cmp.Diff(tt.wantSent, rt.got); diff != "" {
				t.Errorf("published (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantIdle, idled); diff != "" {
				t.Errorf("idle rooms (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantHeard, heard); diff != "" {
				t.Errorf("rooms heard (-want +got):\n%s", diff)
			}
		})
	}
}
