package engine

import (
	"context"
	"maps"
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// This file is where the engine asks the permissions package, on every operation, whether the
// caller may run it (Twenty's validateOperationIsPermittedOrThrow in its ORM): the scope in the
// call's context (permissions.WithScope; none is the system, which may do everything) permits
// the operation on the object, the fields a read names and the fields a write sets, and the
// records answered lose what the scope may not read. REST, GraphQL (nested reads included),
// search, group-by, aggregates, duplicates and merges all run through these methods.

// permit answers Twenty's permission error when the caller may not run op on obj.
func permit(ctx context.Context, obj metadata.Object, all []metadata.Object, op permissions.Op, selected, written []string) error {
	return permissions.FromContext(ctx).Check(obj, all, op, selected, written)
}

// redact removes from records what the caller may not read.
func redact(ctx context.Context, obj metadata.Object, all []metadata.Object, records []map[string]any) {
	permissions.FromContext(ctx).Redact(obj, all, records)
}

// writtenFields are the fields inputs set.
func writtenFields(inputs ...map[string]any) []string {
	if len(inputs) == 1 {
		return slices.Collect(maps.Keys(inputs[0]))
	}
	set := map[string]bool{}
	for _, in := range inputs {
		for k := range in {
			set[k] = true
		}
	}
	return slices.Collect(maps.Keys(set))
}

// FindManyWith runs a find-many query on object obj of the workspace, whose objects are all: the
// page and the count in one batch, one round trip; opts adds aggregates computed by the count
// statement. Errors for input Twenty rejects are *QueryError (see Compiler.FindMany); a caller
// without read permission gets *permissions.Error; others come from D1.
func (e *Engine) FindManyWith(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q *recordquery.Query, opts FindOptions) (*Page, error) {
	if err := permit(ctx, obj, all, permissions.Read, q.Fields, nil); err != nil {
		return nil, err
	}
	p, err := e.findManyWith(ctx, db, workspaceID, obj, all, q, opts)
	if err == nil {
		redact(ctx, obj, all, p.Records)
	}
	return p, err
}

// FindOne reads one record by id with shape (see findOne).
func (e *Engine) FindOne(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, id string, shape Shape) (map[string]any, error) {
	if err := permit(ctx, obj, all, permissions.Read, shape.Fields, nil); err != nil {
		return nil, err
	}
	r, err := e.findOne(ctx, db, workspaceID, obj, all, id, shape)
	if err == nil {
		redact(ctx, obj, all, []map[string]any{r})
	}
	return r, err
}

// GroupBy groups obj's records (see groupBy).
func (e *Engine) GroupBy(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q GroupByQuery) ([]Group, error) {
	if err := permit(ctx, obj, all, permissions.Read, nil, nil); err != nil {
		return nil, err
	}
	gs, err := e.groupBy(ctx, db, workspaceID, obj, all, q)
	for _, g := range gs {
		redact(ctx, obj, all, g.Records)
	}
	return gs, err
}

// FindDuplicates finds the duplicates of records (see findDuplicates).
func (e *Engine) FindDuplicates(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, q DuplicatesQuery) ([]Duplicates, error) {
	if err := permit(ctx, obj, all, permissions.Read, q.Shape.Fields, nil); err != nil {
		return nil, err
	}
	ds, err := e.findDuplicates(ctx, db, workspaceID, obj, all, q)
	for _, d := range ds {
		redact(ctx, obj, all, d.Records)
	}
	return ds, err
}

// Search searches the objects the caller may read (see search).
func (e *Engine) Search(ctx context.Context, db Batcher, workspaceID string, all []metadata.Object, opts SearchOptions) (*SearchPage, error) {
	if s := permissions.FromContext(ctx); !s.Unrestricted() {
		readable := make([]metadata.Object, 0, len(all))
		for _, o := range all {
			if s.Access(o.ID).Read {
				readable = append(readable, o)
			}
		}
		all = readable
	}
	return e.search(ctx, db, workspaceID, all, opts)
}

// CreateManyWith inserts records (see createManyWith); creating needs Twenty's update permission.
func (e *Engine) CreateManyWith(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, inputs []map[string]any, opts CreateOptions) (*Mutation, error) {
	var written []string
	if s := permissions.FromContext(ctx); !s.Unrestricted() {
		written = writtenFields(inputs...)
	}
	if err := permit(ctx, obj, all, permissions.Update, opts.Shape.Fields, written); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.createManyWith(ctx, db, workspaceID, obj, all, actor, inputs, opts))
}

// UpdateMany updates the selected records (see updateMany).
func (e *Engine) UpdateMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, sel Selection, data map[string]any, shape Shape) (*Mutation, error) {
	var written []string
	if s := permissions.FromContext(ctx); !s.Unrestricted() {
		written = writtenFields(data)
	}
	if err := permit(ctx, obj, all, permissions.Update, shape.Fields, written); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.updateMany(ctx, db, workspaceID, obj, all, actor, sel, data, shape))
}

// DeleteMany soft-deletes the selected records (see deleteMany).
func (e *Engine) DeleteMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	if err := permit(ctx, obj, all, permissions.SoftDelete, shape.Fields, nil); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.deleteMany(ctx, db, workspaceID, obj, all, sel, shape))
}

// DestroyMany removes the selected records (see destroyMany).
func (e *Engine) DestroyMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	if err := permit(ctx, obj, all, permissions.Destroy, shape.Fields, nil); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.destroyMany(ctx, db, workspaceID, obj, all, sel, shape))
}

// RestoreMany restores the selected soft-deleted records (see restoreMany); Twenty asks the soft
// delete permission.
func (e *Engine) RestoreMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, sel Selection, shape Shape) (*Mutation, error) {
	if err := permit(ctx, obj, all, permissions.SoftDelete, shape.Fields, nil); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.restoreMany(ctx, db, workspaceID, obj, all, sel, shape))
}

// MergeMany merges records into one (see mergeMany): it updates the kept record and removes the
// others, so it needs both permissions.
func (e *Engine) MergeMany(ctx context.Context, db Batcher, workspaceID string, obj metadata.Object, all []metadata.Object, actor Actor, opts MergeOptions) (*Mutation, error) {
	if err := permit(ctx, obj, all, permissions.Update, opts.Shape.Fields, nil); err != nil {
		return nil, err
	}
	if err := permit(ctx, obj, all, permissions.Destroy, nil, nil); err != nil {
		return nil, err
	}
	return redacted(ctx, obj, all)(e.mergeMany(ctx, db, workspaceID, obj, all, actor, opts))
}

// redacted returns a function that redacts a mutation's records before answering it.
func redacted(ctx context.Context, obj metadata.Object, all []metadata.Object) func(*Mutation, error) (*Mutation, error) {
	return func(m *Mutation, err error) (*Mutation, error) {
		if err == nil && m != nil {
			redact(ctx, obj, all, m.Records)
		}
		return m, err
	}
}
