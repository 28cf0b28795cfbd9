package jobqueue

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/requestid"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestEnqueueDecodeRoundTrip(t *testing.T) {
	q := queuemem.New()
	ctx := requestid.WithID(context.Background(), "req-7")
	id, err := Enqueue(ctx, q, &jobsv1.Job{Type: "webhook.deliver", WorkspaceId: "ws-1", Payload: []byte(`{"a":1}`)})
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	sent := q.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d messages, want 1", len(sent))
	}
	got, err := Decode(sent[0])
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := &jobsv1.Job{Id: id, Type: "webhook.deliver", WorkspaceId: "ws-1", Payload: []byte(`{"a":1}`), RequestId: "req-7"}
	if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreFields(&jobsv1.Job{}, "enqueued_at")); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got.GetEnqueuedAt() == nil || len(id) != 32 {
		t.Errorf("enqueued_at = %v, id = %q: want a time and a 32-digit id", got.GetEnqueuedAt(), id)
	}
}

func TestRejects(t *testing.T) {
	if _, err := Enqueue(context.Background(), queuemem.New(), &jobsv1.Job{}); err == nil {
		t.Error("Enqueue of a job without type = nil error, want one")
	}
	for _, body := range [][]byte{nil, []byte("not protobuf \xff\xff")} {
		if _, err := Decode(body); err == nil {
			t.Errorf("Decode(%q) = nil error, want one", body)
		}
	}
}
