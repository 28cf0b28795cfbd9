package engine

import (
	"context"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// findOne answers the live record of obj whose id is id, rendered with shape as FindMany renders
// its records (depth 1 embeds the MANY_TO_ONE relations' records), in one statement.
//
// A soft-deleted or missing record is CodeRecordNotFound ("Record not found", which REST answers
// as a 404); an id that is not a UUID, or a shape naming unknown fields, is a *QueryError with
// Twenty's message.
func (e *Engine) findOne(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, id string, shape Shape) (map[string]any, error) {
	c := Compiler{Objects: all}
	read, err := c.recordSelect(workspaceID, obj, shape)
	if err != nil {
		return nil, err
	}
	cond, args, err := c.selectionWhere(workspaceID, obj, Selection{ID: id}, liveRecords)
	if err != nil {
		return nil, err
	}
	res, err := db.Batch(ctx, read.where(cond, args, 1))
	if err != nil {
		return nil, fmt.Errorf("engine: find one %s: %w", obj.NameSingular, err)
	}
	records := read.shapedRecords(res[0])
	if len(records) == 0 {
		return nil, msgRecordNotFound()
	}
	return records[0], nil
}
