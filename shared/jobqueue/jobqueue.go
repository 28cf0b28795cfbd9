// Package jobqueue puts jobs on the jobs queue in the contract's format (twenty.jobs.v1.Job as
// binary protobuf), for any Worker that has the queue's producer binding.
package jobqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/requestid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Producer sends one message body to a queue (queue.Producer satisfies it).
type Producer interface {
	Send(ctx context.Context, body []byte) error
}

// Enqueue sends job, filling in its id, enqueue time and request id when unset, and returns the id.
func Enqueue(ctx context.Context, p Producer, job *jobsv1.Job) (string, error) {
	if job.GetType() == "" {
		return "", fmt.Errorf("jobqueue: job without a type")
	}
	if job.Id == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		job.Id = hex.EncodeToString(b[:])
	}
	if job.EnqueuedAt == nil {
		job.EnqueuedAt = timestamppb.New(time.Now())
	}
	if job.RequestId == "" {
		job.RequestId = requestid.FromContext(ctx)
	}
	body, err := proto.Marshal(job)
	if err != nil {
		return "", fmt.Errorf("jobqueue: marshal %s job: %w", job.GetType(), err)
	}
	if err := p.Send(ctx, body); err != nil {
		return "", fmt.Errorf("jobqueue: send %s job: %w", job.GetType(), err)
	}
	return job.Id, nil
}

// Decode reads a job from a queue message body.
func Decode(body []byte) (*jobsv1.Job, error) {
	job := &jobsv1.Job{}
	if err := proto.Unmarshal(body, job); err != nil {
		return nil, fmt.Errorf("jobqueue: decode job: %w", err)
	}
	if job.GetType() == "" {
		return nil, fmt.Errorf("jobqueue: decode job: no type")
	}
	return job, nil
}
