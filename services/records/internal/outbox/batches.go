package outbox

import (
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/recordjson"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"google.golang.org/protobuf/proto"
)

// Row is one row of the outbox: the events of one write.
type Row struct {
	ID, WorkspaceID, ObjectMetadataID, ObjectNameSingular, Action, EventDate string
	UserID, WorkspaceMemberID, Actor, RecordIDs                              string
	// BeforeImages and AfterImages are engine.Events.Images answers; empty when NULL.
	BeforeImages, AfterImages string
	// Probed is set when the write's batch answered the writer's probe (Writer.Probe), and
	// Listeners to what it answered (ListenTrigger, ...). A row read back from the table (a sweep)
	// has neither.
	Probed    bool
	Listeners int64
	// Consumed is set when the write's own batch ran what Relay.Local does with the row
	// (Writer.InlineCreated). A row read back from the table does not have it.
	Consumed bool
	// Prefetched are the answers of the reads the write's own batch made for Relay.Local
	// (Writer.Prefetch), in their order; nil when it made none, and for a row read back.
	Prefetched []d1.Result
}

// maxEventBatchBytes is the most a batch's events take, leaving room under Cloudflare Queues'
// 128 KB message limit for the batch's names and the job around it.
const maxEventBatchBytes = 120 << 10

// EventID is the id of the event of record recordID in outbox row rowID: the same on every relay
// of the row.
func EventID(rowID, recordID string) string { return ids.NameUUID(rowID, recordID) }

// newBatch is an empty batch of the row's events.
func (r Row) newBatch() *jobsv1.DatabaseEventBatch {
	return &jobsv1.DatabaseEventBatch{
		Name: r.ObjectNameSingular + "." + r.Action, WorkspaceId: r.WorkspaceID,
		ObjectNameSingular: r.ObjectNameSingular, ObjectMetadataId: r.ObjectMetadataID, EventDate: r.EventDate,
	}
}

// bare renders the row's events of records recordIDs without their images, in one batch: what a
// write knows of them before its batch runs.
func (r Row) bare(recordIDs []string) *jobsv1.DatabaseEventBatch {
	b := r.newBatch()
	for _, id := range recordIDs {
		b.Events = append(b.Events, &jobsv1.DatabaseEvent{
			Id: EventID(r.ID, id), RecordId: id, UserId: r.UserID, WorkspaceMemberId: r.WorkspaceMemberID, ActorJson: []byte(r.Actor),
		})
	}
	return b
}

// Batches renders the row's events as Twenty's database event batches ("<object>.<action>"), in
// the row's record order, split so that each fits one queue message. obj is the row's object as
// the workspace's metadata has it now, nil when it is gone: its events then carry no images. A
// record with neither image did not exist when the write ran and has no event. An event too large
// for a message on its own is sent without its images rather than not at all.
func (r Row) Batches(obj *metadata.Object) ([]*jobsv1.DatabaseEventBatch, error) {
	var recordIDs []string
	if err := json.Unmarshal([]byte(r.RecordIDs), &recordIDs); err != nil {
		return nil, fmt.Errorf("outbox: row %s: record ids: %w", r.ID, err)
	}
	before, after := map[string]map[string]any{}, map[string]map[string]any{}
	if obj != nil {
		var err error
		if before, err = engine.RenderImages(*obj, r.BeforeImages); err != nil {
			return nil, fmt.Errorf("outbox: row %s: %w", r.ID, err)
		}
		if after, err = engine.RenderImages(*obj, r.AfterImages); err != nil {
			return nil, fmt.Errorf("outbox: row %s: %w", r.ID, err)
		}
	}
	var out []*jobsv1.DatabaseEventBatch
	batch, size := r.newBatch(), 0
	for _, id := range recordIDs {
		b, a := before[id], after[id]
		if obj != nil && b == nil && a == nil {
			continue
		}
		e := &jobsv1.DatabaseEvent{
			Id: EventID(r.ID, id), RecordId: id, UserId: r.UserID, WorkspaceMemberId: r.WorkspaceMemberID,
			ActorJson: []byte(r.Actor),
		}
		if b != nil && a != nil && (r.Action == engine.ActionUpdated || r.Action == engine.ActionUpserted) {
			e.UpdatedFields = engine.UpdatedFields(b, a)
		}
		var err error
		if b != nil {
			if e.BeforeJson, err = recordjson.Marshal(b); err != nil {
				return nil, fmt.Errorf("outbox: row %s: %w", r.ID, err)
			}
		}
		if a != nil {
			if e.AfterJson, err = recordjson.Marshal(a); err != nil {
				return nil, fmt.Errorf("outbox: row %s: %w", r.ID, err)
			}
		}
		n := proto.Size(e) + 8 // and its field tag and length
		if n > maxEventBatchBytes {
			e.BeforeJson, e.AfterJson = nil, nil
			n = proto.Size(e) + 8
		}
		if size+n > maxEventBatchBytes {
			out = append(out, batch)
			batch, size = r.newBatch(), 0
		}
		batch.Events = append(batch.Events, e)
		size += n
	}
	if len(batch.Events) > 0 {
		out = append(out, batch)
	}
	return out, nil
}
