package main

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

type fakeRealtime struct {
	got  []string
	fail bool
}

func (f *fakeRealtime) PublishRecordEvents(_ context.Context, req *realtimev1.PublishRecordEventsRequest) (*realtimev1.PublishRecordEventsResponse, error) {
	if f.fail {
		return nil, errors.New("room unreachable")
	}
	f.got = append(f.got, req.GetBatch().GetName())
	return &realtimev1.PublishRecordEventsResponse{}, nil
}

// TestPublishRealtimeIsBestEffort: a batch the realtime Worker took is reported taken (the queue's
// copy is marked and not published again); one it refused is not, so the queue's copy delivers.
func TestPublishRealtimeIsBestEffort(t *testing.T) {
	rt := &fakeRealtime{}
	publish := publishRealtime(rt)
	ctx := context.Background()
	if !publish(ctx, &jobsv1.DatabaseEventBatch{Name: "person.created"}) {
		t.Error("a batch the realtime Worker took was reported not taken")
	}
	rt.fail = true
	if publish(ctx, &jobsv1.DatabaseEventBatch{Name: "person.updated"}) {
		t.Error("a batch the realtime Worker refused was reported taken; the queue's copy would not deliver it")
	}
	if diff := cmp.Diff([]string{"person.created"}, rt.got); diff != "" {
		t.Errorf("published (-want +got):\n%s", diff)
	}
}
