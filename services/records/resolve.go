package main

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// This file resolves what a record call works on, once per call: the workspace the gateway took
// from a verified token, its schema (schema.go: this isolate, KV, the control database), the
// object the call names and the workspace's shard, retried once on a fresh schema when a cached
// one could explain a failure.

// target is what a record call works on: the object, the workspace's other objects and its shard
// (db checks the schema stamp in its first batch).
type target struct {
	obj     metadata.Object
	objects []metadata.Object
	shard   *d1.DB
	db      engine.Batcher
}

// withTarget runs call on the object a record call names, in the workspace the gateway took from
// a verified token, with the workspace's schema, from a cache when it has it. When the call fails
// on a cached schema in a way a stale schema could explain (the stamp says so, the object or a
// field is unknown, a column is missing), it runs once more on the schema read from the control
// database. A record that does not exist is not such a failure.
func (s *server) withTarget(ctx context.Context, workspaceID, plural string, call func(t target) error) error {
	return s.withSchema(ctx, workspaceID, func(sc *schema) (bool, error) {
		t, err := s.targetIn(sc, workspaceID, plural)
		if err == nil {
			err = call(t)
		}
		return err != nil && !isRecordNotFound(err), err
	})
}

// withSchema runs run with the workspace's schema, from a cache when it has it, and once more on
// the schema read from the control database when run reports that it failed on a cached schema
// in a way a stale one could explain (retry).
func (s *server) withSchema(ctx context.Context, workspaceID string, run func(sc *schema) (retry bool, err error)) error {
	if err := workspaceFor(workspaceID); err != nil {
		return err
	}
	fresh := false
	for {
		sc, cached, err := s.schemaOf(ctx, workspaceID, fresh)
		if err != nil {
			return err
		}
		// The caller's permissions (permissionscope.go): a principal a cached schema does not
		// know may be new, so the schema is read fresh once.
		scope, known, err := scopeIn(ctx, sc)
		if !known && cached && ctx.Err() == nil {
			fresh = true
			continue
		}
		if err != nil {
			return err
		}
		if !permissions.SetScope(ctx, scope) && scope != nil {
			return fmt.Errorf("records: a call without a permissions slot acts for a principal")
		}
		retry, err := run(sc)
		if !retry || !cached || ctx.Err() != nil {
			return err
		}
		fresh = true
	}
}

// targetIn resolves plural in schema sc.
func (s *server) targetIn(sc *schema, workspaceID, plural string) (target, error) {
	obj, err := resolveObject(sc.Objects, plural)
	if err != nil {
		return target{}, err
	}
	shard, ok := s.shards[sc.Shard]
	if !ok {
		return target{}, fmt.Errorf("no binding for shard %s of workspace %s", sc.Shard, workspaceID)
	}
	db, err := newStampedShard(shard, workspaceID, sc.Version)
	if err != nil {
		return target{}, err
	}
	return target{obj: obj, objects: sc.Objects, shard: shard, db: db}, nil
}

// resolveObject finds the object REST names by its plural, answering Twenty's 400 otherwise:
// "object 'person' not found. Did you mean 'people'?" or "… eg: companies".
func resolveObject(objects []metadata.Object, name string) (metadata.Object, error) {
	for _, o := range objects {
		if o.NamePlural == name {
			return o, nil
		}
	}
	hint := "eg: companies"
	for _, o := range objects {
		if o.NameSingular == name {
			hint = fmt.Sprintf("Did you mean '%s'?", o.NamePlural)
		}
	}
	return metadata.Object{}, invalid("object '%s' not found. %s", name, hint)
}

// workspaceFor checks the workspace id the gateway took from a verified token.
func workspaceFor(id string) error {
	if !ids.IsUUID(id) {
		return invalid("workspace_id must be a UUID")
	}
	return nil
}

// isRecordNotFound reports the engine's "Record not found", which no schema explains.
func isRecordNotFound(err error) bool {
	if r, ok := errors.AsType[*refusal](err); ok && r.code == connect.CodeNotFound {
		return true
	}
	qe, ok := errors.AsType[*engine.QueryError](err)
	return ok && qe.Code == engine.CodeRecordNotFound
}
