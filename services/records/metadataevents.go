package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// metadataEventJobType is the job that carries Twenty's metadata events (a
// twenty.realtime.v1.PublishMetadataEventsRequest) to the jobs Worker, which hands them to the
// workspace's event streams.
const metadataEventJobType = "metadata.event"

// metadataEvents is an interceptor that emits Twenty's metadata events (metadata-event-emitter.ts:
// CREATED, UPDATED and DELETED of objectMetadata and fieldMetadata) for the metadata mutations
// that succeed. The event goes on the jobs queue after the response, so the mutation's answer
// waits for no extra call; a lost event costs a client a refetch, as Twenty's in-process emitter
// would after a crash.
func (s *server) metadataEvents() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			res, err := next(ctx, req)
			if err != nil || s.jobs == nil {
				return res, err
			}
			ws, ev := metadataEventOf(req.Any(), res.Any())
			if ev == nil {
				return res, err
			}
			afterResponse(ctx, func(ctx context.Context) {
				payload, merr := proto.Marshal(&realtimev1.PublishMetadataEventsRequest{WorkspaceId: ws, Events: []*realtimev1.MetadataEvent{ev}})
				// Bounded retries, as the record events' relay offers its batches; the metadata
				// change has no outbox yet, so an event the queue refuses three times is lost.
				for attempt, wait := 1, 50*time.Millisecond; merr == nil && attempt <= 3; attempt, wait = attempt+1, wait*2 {
					if _, err := jobqueue.Enqueue(ctx, s.jobs, &jobsv1.Job{Type: metadataEventJobType, WorkspaceId: ws, Payload: payload}); err == nil {
						return
					} else if attempt == 3 {
						merr = err
					} else {
						_ = cfworker.Sleep(ctx, wait)
					}
				}
				if merr != nil {
					slog.WarnContext(ctx, "metadata event not sent", "workspace_id", ws, "metadata", ev.GetMetadataName(), "error", merr)
				}
			})
			return res, err
		}
	}
}

// metadataEventOf answers the event of a metadata mutation's request and response, or nil for
// any other call.
func metadataEventOf(req, res any) (string, *realtimev1.MetadataEvent) {
	ev := &realtimev1.MetadataEvent{Id: ids.NewUUID(), EventDate: time.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	var ws string
	var record proto.Message
	var update proto.Message
	switch r := req.(type) {
	case *recordsv1.CreateObjectRequest:
		ws, ev.Type, ev.MetadataName, record = r.GetWorkspaceId(), "CREATED", "objectMetadata", objectOf(res)
	case *recordsv1.UpdateObjectRequest:
		ws, ev.Type, ev.MetadataName, record, update = r.GetWorkspaceId(), "UPDATED", "objectMetadata", objectOf(res), r.GetUpdate()
	case *recordsv1.DeleteObjectRequest:
		ws, ev.Type, ev.MetadataName, record = r.GetWorkspaceId(), "DELETED", "objectMetadata", objectOf(res)
	case *recordsv1.CreateFieldRequest:
		ws, ev.Type, ev.MetadataName, record = r.GetWorkspaceId(), "CREATED", "fieldMetadata", fieldOf(res)
	case *recordsv1.UpdateFieldRequest:
		ws, ev.Type, ev.MetadataName, record, update = r.GetWorkspaceId(), "UPDATED", "fieldMetadata", fieldOf(res), r.GetUpdate()
	case *recordsv1.DeleteFieldRequest:
		ws, ev.Type, ev.MetadataName, record = r.GetWorkspaceId(), "DELETED", "fieldMetadata", fieldOf(res)
	default:
		return "", nil
	}
	if record == nil {
		return "", nil
	}
	b, err := protojson.Marshal(record)
	if err != nil {
		return "", nil
	}
	var idOf struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(b, &idOf)
	ev.RecordId = idOf.ID
	switch ev.GetType() {
	case "DELETED":
		ev.BeforeJson = b
	default:
		ev.AfterJson = b
	}
	if update != nil {
		if in, err := metadatainput.ToJSON(update); err == nil {
			var fields map[string]json.RawMessage
			if json.Unmarshal(in, &fields) == nil {
				ev.UpdatedFields = slices.Sorted(maps.Keys(fields))
			}
		}
	}
	return ws, ev
}

func objectOf(res any) proto.Message {
	if r, ok := res.(*recordsv1.ObjectMetadataResponse); ok && r.GetObject() != nil {
		return r.GetObject()
	}
	return nil
}

func fieldOf(res any) proto.Message {
	if r, ok := res.(*recordsv1.FieldMetadataResponse); ok && r.GetField() != nil {
		return r.GetField()
	}
	return nil
}
