package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// Record events (Twenty's "<object>.<action>" database events) travel through the shard's outbox
// (internal/outbox): a call's write batches record them (recordingEvents), and after the
// response the relay puts them on the jobs queue (relayEvents); the cron sweeps what a relay left
// (sweepEvents).

// eventJobType is the type of the jobs that carry a twenty.jobs.v1.DatabaseEventBatch.
const eventJobType = outbox.EventJobType

// sweepAge is how old an outbox row must be before the sweep relays it: older than any relay
// still running after its call.
const sweepAge = 30 * time.Second

// recordingEvents returns t, its write batches recording their events by actor, and the writer
// whose rows relayEvents sends after the call.
func (s *server) recordingEvents(t target, workspaceID string, actor *recordsv1.Actor) (target, *outbox.Writer) {
	actorJSON, _ := json.Marshal(actorObject(actor)) // strings and maps always encode
	w := outbox.NewWriter(workspaceID, outbox.Actor{UserID: actor.GetUserId(), WorkspaceMemberID: actor.GetWorkspaceMemberId(), JSON: actorJSON},
		time.Now(), s.outboxState(t.shard))
	w.Probe(listenersProbe(workspaceID, t.objects)) // eventconsumers.go
	if s.relay.Publish != nil {
		w.DropUnheard(unheardDroppable) // eventconsumers.go
	}
	w.InlineCreated(createdTimeline(workspaceID, t.objects)) // timeline.go
	w.Prefetch(timelineReads(t.objects))                     // timeline.go
	t.db = outbox.Batcher{Inner: t.db, Writer: w}
	return t, w
}

// outboxState is what this isolate knows of shard's outbox.
func (s *server) outboxState(shard *d1.DB) *outbox.ShardState {
	if st, ok := s.outboxTables[shard]; ok {
		return st
	}
	return &outbox.ShardState{} // a shard outside the map (none in practice): nothing known
}

// relayEvents relays the events w recorded once the response is on its way, whatever the call
// answered: a call that failed after its write batch still made its change. Nothing is lost when
// this does not run or fails: the rows stay in the outbox for the sweep.
func (s *server) relayEvents(ctx context.Context, shard *d1.DB, w *outbox.Writer) {
	s.forgetDeletedTargets(ctx, w) // navigation.go
	if w == nil || s.jobs == nil || s.relayPaused.Load() {
		return
	}
	rows := w.Rows()
	if len(rows) == 0 {
		return
	}
	afterResponse(ctx, func(ctx context.Context) {
		sh := outbox.Shard{DB: shard, State: s.outboxState(shard)}
		st, err := s.relay.Send(ctx, sh, rows, s.objectsOf)
		if err != nil {
			slog.WarnContext(ctx, "record events left in the outbox for the sweep", "rows", st.Left, "error", err.Error())
		}
		if !sh.State.Relayed() {
			return // the rows went with the timeline's writes (Relay.Local), or nothing was sent
		}
		_ = cfworker.Sleep(ctx, flushDelay) // not time.Sleep: see cfworker.Sleep
		if err := s.relay.Flush(ctx, sh); err != nil {
			slog.WarnContext(ctx, "relayed record events not deleted yet", "error", err.Error())
		}
	})
}

// sweepEvents relays what every shard's outbox holds older than olderThan.
func (s *server) sweepEvents(ctx context.Context, olderThan time.Duration) (outbox.Stats, error) {
	var total outbox.Stats
	for _, name := range s.names {
		shard := s.shards[name]
		st, err := s.relay.Sweep(ctx, outbox.Shard{DB: shard, State: s.outboxState(shard)}, olderThan, 100, s.objectsOf)
		total.Add(st)
		if err != nil {
			slog.ErrorContext(ctx, "outbox sweep", "shard", name, "left", st.Left, "error", err.Error())
		}
	}
	if total.Rows > 0 {
		slog.InfoContext(ctx, "outbox swept", "rows", total.Rows, "events", total.Events, "sent", total.Sent, "left", total.Left)
	}
	return total, nil
}

// objectsOf answers a workspace's objects, from the caches when they have them.
func (s *server) objectsOf(ctx context.Context, workspaceID string) ([]metadata.Object, error) {
	sc, _, err := s.schemaOf(ctx, workspaceID, false)
	if err != nil {
		return nil, err
	}
	return sc.Objects, nil
}

// actorObject is the actor as Twenty's createdBy shows it.
func actorObject(a *recordsv1.Actor) map[string]any {
	out := map[string]any{"source": a.GetSource(), "name": a.GetName(), "workspaceMemberId": nil, "context": map[string]any{}}
	if id := a.GetWorkspaceMemberId(); id != "" {
		out["workspaceMemberId"] = id
	}
	return out
}

// sweepOnCron is the records Worker's Cron Trigger: it relays the outbox rows a relay left.
func (s *server) sweepOnCron(ctx context.Context, _ cfworker.ScheduledEvent) error {
	_, err := s.sweepEvents(ctx, sweepAge)
	return err
}
