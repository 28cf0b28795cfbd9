package main

import (
	"context"
	"errors"
	"testing"

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

func TestWithRealtimePublishesBestEffort(t *testing.T) {
	rt := &fakeRealtime{}
	var local []string
	fn := withRealtime(func(_ context.Context, b *jobsv1.DatabaseEventBatch) error {
		local = append(local, b.GetName())
		if b.GetName() == "person.failing" {
			return errors.New("timeline down")
		}
		return nil
	}, rt)
	ctx := context.Background()
	if err := fn(ctx, &jobsv1.DatabaseEventBatch{Name: "person.created"}); err != nil {
		t.Fatal(err)
	}
	if err := fn(ctx, &jobsv1.DatabaseEventBatch{Name: "person.failing"}); err == nil {
		t.Error("the timeline's failure was not reported, so the row would not wait for the sweep")
	}
	rt.fail = true
	if err := fn(ctx, &jobsv1.DatabaseEventBatch{Name: "person.updated"}); err != nil {
		t.Errorf("a realtime failure failed the batch: %v; it must not (the queue's copy delivers)", err)
	}
	// The stream is told even of a batch whose timeline failed: the sweep re-sends it and the
	// room delivers its events once.
	if len(rt.got) != 2 || rt.got[0] != "person.created" || len(local) != 3 {
		t.Errorf("realtime got %v, local %v", rt.got, local)
	}
}
