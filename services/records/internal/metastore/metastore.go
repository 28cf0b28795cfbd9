// Package metastore is Twenty's metadata API on objects and fields: it reads a workspace's
// definitions from the control database and changes them, with the DDL on the workspace's shard
// and a new metadata version, as store.go tells. api.go is its API: one method per operation of
// the records Worker's metadata RPCs, which translate their messages to it and its errors to
// Connect codes; REST /rest/metadata and GraphQL /metadata share them.
package metastore

import (
	"context"
	"errors"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Store is the metadata of every workspace.
type Store struct {
	// Control holds the definitions (object_metadata), versions and shard map.
	Control *d1.DB
	// Shards are the databases holding the workspaces' tables, by binding name.
	Shards map[string]*d1.DB
	// Changed, when set, is told after a change to a workspace's metadata was attempted (its
	// cached schema may be stale).
	Changed func(ctx context.Context, workspaceID string)
}

// Kind tells what a refused operation means to the caller.
type Kind int

const (
	// Invalid is input Twenty refuses (a 400).
	Invalid Kind = iota + 1
	// NotFound is an unknown object or field (a 404).
	NotFound
	// Stale means another change to the workspace's metadata came first: try again.
	Stale
	// NoDataModel means the workspace has no metadata yet.
	NoDataModel
)

// Error is a refusal with Twenty's message.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) error {
	return &Error{Kind: Invalid, Message: fmt.Sprintf(format, args...)}
}

func missing(format string, args ...any) error {
	return &Error{Kind: NotFound, Message: fmt.Sprintf(format, args...)}
}

// errStale reports that another call changed the workspace's metadata in the meantime.
var errStale = &Error{Kind: Stale, Message: "The data model of this workspace changed while this request ran; try again"}

// classify makes what the metadata and ddl packages refuse an Invalid *Error with their message;
// other errors stay as they are.
func classify(err error) error {
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	if ie, ok := errors.AsType[*metadata.InputError](err); ok {
		return &Error{Kind: Invalid, Message: ie.Message}
	}
	for _, known := range []error{
		metadata.ErrInvalidName, metadata.ErrReservedName, metadata.ErrDuplicateName, metadata.ErrTooManyColumns,
		metadata.ErrInvalidField, metadata.ErrInvalidObject, metadata.ErrInvalidRelation,
		ddl.ErrUnsupported, ddl.ErrStatementTooLarge, ddl.ErrUnknownField,
	} {
		if errors.Is(err, known) {
			return &Error{Kind: Invalid, Message: err.Error()}
		}
	}
	return err
}
