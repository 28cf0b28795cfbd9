package main

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metastore"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
)

// refusal is a request the caller must change: invalid input (InvalidArgument, a REST 400) or an
// unknown workspace (NotFound). The handlers return it, the engine's and the metadata store's own
// errors as they come; connectError is the one place that makes them Connect errors.
type refusal struct {
	code connect.Code
	msg  string
}

func (r *refusal) Error() string { return r.msg }

// invalid is input Twenty refuses with a 400 and message.
func invalid(format string, args ...any) error {
	return &refusal{code: connect.CodeInvalidArgument, msg: fmt.Sprintf(format, args...)}
}

// invalidErr is invalid with err's message.
func invalidErr(err error) error {
	return &refusal{code: connect.CodeInvalidArgument, msg: err.Error()}
}

// notFound is an unknown workspace or record, a 404 with message.
func notFound(format string, args ...any) error {
	return &refusal{code: connect.CodeNotFound, msg: fmt.Sprintf(format, args...)}
}

// metadataCodes are the Connect codes of the metadata store's refusals.
var metadataCodes = map[metastore.Kind]connect.Code{
	metastore.Invalid:     connect.CodeInvalidArgument,
	metastore.NotFound:    connect.CodeNotFound,
	metastore.Stale:       connect.CodeAborted,
	metastore.NoDataModel: connect.CodeFailedPrecondition,
}

// connectError turns what a handler returned into the error its caller sees: a refusal, a query
// the engine rejected (with Twenty's code in the Twenty-Code header: "Record not found" is a 404,
// the rest 400s) and the metadata store's refusals keep their messages; Connect errors stay as
// they are; anything else is left to rpc's interceptor, which logs it and answers an opaque
// internal error.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errors.AsType[*connect.Error](err); ok {
		return err
	}
	if r, ok := errors.AsType[*refusal](err); ok {
		return connect.NewError(r.code, errors.New(r.msg))
	}
	if qe, ok := errors.AsType[*engine.QueryError](err); ok {
		code := connect.CodeInvalidArgument
		if qe.Code == engine.CodeRecordNotFound {
			code = connect.CodeNotFound
		}
		ce := connect.NewError(code, errors.New(qe.Message))
		ce.Meta().Set("Twenty-Code", string(qe.Code))
		return ce
	}
	if pe, ok := errors.AsType[*permissions.Error](err); ok {
		ce := connect.NewError(permissionCodes[pe.Code], errors.New(pe.Message))
		ce.Meta().Set("Twenty-Code", pe.Code)
		return ce
	}
	if me, ok := errors.AsType[*metastore.Error](err); ok {
		return connect.NewError(metadataCodes[me.Kind], errors.New(me.Message))
	}
	return err
}

// mapErrors applies connectError to every handler's error.
var mapErrors = connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		res, err := next(ctx, req)
		return res, connectError(err)
	}
})
