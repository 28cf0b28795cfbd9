package engine

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Record events are written with the change they describe: a Batcher that also implements
// EventLog (the records Worker's outbox) gets asked, for every write batch, for statements that
// record the write's events, and they run in that same batch, so the events exist if and only if
// the change does. The records' images are taken by SQLite inside the batch, before and after
// the writes (Images), not read by the engine beforehand, so that what an event says is exactly
// what the batch did, even to a record another request changed in between.

// The actions of record events, Twenty's DatabaseEventAction: events are named
// "<nameSingular>.<action>".
const (
	ActionCreated   = "created"
	ActionUpdated   = "updated"
	ActionDeleted   = "deleted"
	ActionDestroyed = "destroyed"
	ActionRestored  = "restored"
	ActionUpserted  = "upserted"
)

// EventLog records the events of a write in the write's own batch.
type EventLog interface {
	// LogEvents returns the statements recording e: before runs ahead of the batch's writes, after
	// behind them.
	LogEvents(e Events) (before, after []d1.Stmt, err error)
}

// Events are the events of one write of Object's records whose ids are IDs: Action, and which
// images of the records they carry.
type Events struct {
	Object metadata.Object
	Action string
	IDs    []string
	// Before and After tell whether the events carry the records' images before the writes (not
	// for records being created) and after them (not for records being destroyed).
	Before, After bool
	// Images is a scalar SQL subquery answering the current images of the records whose ids the
	// JSON array bound to its one parameter holds: a JSON array with one element per record,
	// itself an array of JSON objects of the record's columns (RenderImages reads it).
	Images string
}

// logEvents returns the statements of db's event log for events, when db has one.
func logEvents(db Batcher, events ...Events) (before, after []d1.Stmt, err error) {
	l, ok := db.(EventLog)
	if !ok {
		return nil, nil, nil
	}
	for _, e := range events {
		if len(e.IDs) == 0 {
			continue
		}
		b, a, err := l.LogEvents(e)
		if err != nil {
			return nil, nil, fmt.Errorf("engine: %s events of %s: %w", e.Action, e.Object.NamePlural, err)
		}
		before, after = append(before, b...), append(after, a...)
	}
	return before, after, nil
}

// eventsOf describes the events of action on obj's records ids, whose images come from table.
func eventsOf(table string, obj metadata.Object, action string, ids []string) Events {
	return Events{
		Object: obj, Action: action, IDs: ids,
		Before: action != ActionCreated, After: action != ActionDestroyed,
		Images: objectImages(table, obj),
	}
}

// imagesSQL is the Images subquery of obj's records in table: each record's columns in the
// chunks joinChunks makes (a json_object call takes at most 32 arguments on D1).
func imagesSQL(table string, obj metadata.Object) string {
	var b strings.Builder
	b.WriteString("(SELECT json_group_array(json_array(")
	for i, chunk := range joinChunks(obj) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("json_object(")
		for k, column := range chunk {
			if k > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteString(column.Name) + ", " + col(mainAlias, column.Name))
		}
		b.WriteString(")")
	}
	b.WriteString(")) FROM " + quoteIdent(table) + " AS " + quoteIdent(mainAlias) +
		" WHERE " + col(mainAlias, "id") + " IN (SELECT value FROM json_each(?)))")
	return b.String()
}

// RenderImages renders images, the JSON an Events.Images subquery answered (NULL: empty), as
// depth 0 records with every field, as a Change carries them, by id.
func RenderImages(obj metadata.Object, images string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	if images == "" {
		return out, nil
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal([]byte(images), &rows); err != nil {
		return nil, fmt.Errorf("engine: images of %s: %w", obj.NamePlural, err)
	}
	lay := objectLayout(obj.Fields)
	var buf []jsonMember
	for _, chunks := range rows {
		values := map[string]any{}
		for _, c := range chunks {
			members, ok := decodeChunk(string(c), buf[:0])
			if !ok {
				return nil, fmt.Errorf("engine: images of %s: a chunk is not a JSON object", obj.NamePlural)
			}
			for _, m := range members {
				values[m.key] = m.value
			}
		}
		rec := lay.render(func(name string) any { return values[name] }, nil)
		id, _ := rec["id"].(string)
		out[id] = rec
	}
	return out, nil
}

// UpdatedFields returns, sorted, the fields of a depth 0 record whose values differ between
// before and after, as Twenty's objectRecordChangedValues finds them (updatedAt and
// searchVector left out).
func UpdatedFields(before, after map[string]any) []string { return updatedFields(before, after) }
