package metastore

import (
	"context"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// This file is the store's API, one method per operation of Twenty's metadata API on a
// workspace's objects and fields. The workspace is the caller's, taken from a verified token. Ids
// are the path's or argument's (not a UUID is Twenty's 400); inputs are the JSON objects Twenty's
// API takes, which the metadata package checks with Twenty's messages. Lists answer every object
// or field: the caller pages them.

// run loads the workspace's metadata and runs op on it; what op refuses becomes an *Error.
func run[T any](ctx context.Context, s *Store, workspaceID string, op func(*metaState) (T, error)) (T, error) {
	st, err := s.load(ctx, workspaceID)
	if err != nil {
		var zero T
		return zero, err
	}
	res, err := op(st)
	if err != nil {
		var zero T
		return zero, classify(err)
	}
	return res, nil
}

// Objects answers the workspace's objects, each with its fields.
func (s *Store) Objects(ctx context.Context, workspaceID string) ([]metadata.ObjectDTO, error) {
	return run(ctx, s, workspaceID, listObjects)
}

// Object answers the object with id, with its fields.
func (s *Store) Object(ctx context.Context, workspaceID, id string) (metadata.ObjectDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.ObjectDTO, error) { return getObject(st, id) })
}

// CreateObject creates a custom object from Twenty's createOneObject input.
func (s *Store) CreateObject(ctx context.Context, workspaceID string, input []byte) (metadata.ObjectDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.ObjectDTO, error) { return s.createObject(ctx, st, input) })
}

// UpdateObject applies Twenty's updateOneObject update to the object with id.
func (s *Store) UpdateObject(ctx context.Context, workspaceID, id string, update []byte) (metadata.ObjectDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.ObjectDTO, error) { return s.updateObject(ctx, st, id, update) })
}

// DeleteObject deletes the object with id and answers it as it was, without its fields.
func (s *Store) DeleteObject(ctx context.Context, workspaceID, id string) (metadata.ObjectDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.ObjectDTO, error) { return s.deleteObject(ctx, st, id) })
}

// Fields answers the fields of all the workspace's objects.
func (s *Store) Fields(ctx context.Context, workspaceID string) ([]metadata.FieldDTO, error) {
	return run(ctx, s, workspaceID, listFields)
}

// Field answers the field with id.
func (s *Store) Field(ctx context.Context, workspaceID, id string) (metadata.FieldDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.FieldDTO, error) { return getField(st, id) })
}

// CreateField adds a field from Twenty's createOneField input.
func (s *Store) CreateField(ctx context.Context, workspaceID string, input []byte) (metadata.FieldDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.FieldDTO, error) { return s.createField(ctx, st, input) })
}

// UpdateField applies Twenty's updateOneField update to the field with id.
func (s *Store) UpdateField(ctx context.Context, workspaceID, id string, update []byte) (metadata.FieldDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.FieldDTO, error) { return s.updateField(ctx, st, id, update) })
}

// DeleteField deletes the field with id (a relation with its inverse) and answers it as it was.
func (s *Store) DeleteField(ctx context.Context, workspaceID, id string) (metadata.FieldDTO, error) {
	return run(ctx, s, workspaceID, func(st *metaState) (metadata.FieldDTO, error) { return s.deleteField(ctx, st, id) })
}
