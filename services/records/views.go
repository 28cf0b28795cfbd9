package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	"github.com/twentyworkers/twenty/services/records/internal/views"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// viewServer serves the ViewService: Twenty's views and their parts (views package), kept in
// the control database.
type viewServer struct {
	store *views.Store
	// s reads the caller's permissions (nil: every caller may change every view).
	s *server
}

// viewKinds are the view entities by their contract's name.
var viewKinds = map[recordsv1.ViewPartKind]*views.Kind{
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW:              views.View,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FIELD:        views.ViewField,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER:       views.ViewFilter,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER_GROUP: views.ViewFilterGroup,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_SORT:         views.ViewSort,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_GROUP:        views.ViewGroup,
	recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FIELD_GROUP:  views.ViewFieldGroup,
}

// viewCall checks a call's workspace and kind.
func viewCall(ws string, kind recordsv1.ViewPartKind) (*views.Kind, error) {
	if ws == "" {
		return nil, invalid("workspace_id is required")
	}
	k, ok := viewKinds[kind]
	if !ok {
		return nil, invalid("unknown view part kind %v", kind)
	}
	return k, nil
}

// viewError makes the views package's refusals the records contract's: what Twenty's
// validation refuses carries its code (INVALID_VIEW_DATA) in the Twenty-Code header.
func viewError(err error) error {
	if ve, ok := errors.AsType[*views.Error](err); ok {
		switch {
		case ve.NotFound:
			return notFound("%s", ve.Message)
		case ve.Code != "":
			ce := connect.NewError(connect.CodeInvalidArgument, errors.New(ve.Message))
			ce.Meta().Set("Twenty-Code", ve.Code)
			return ce
		}
		return invalid("%s", ve.Message)
	}
	return err
}

// partsResponse encodes parts.
func partsResponse(parts []views.DTO) (*recordsv1.FindViewPartsResponse, error) {
	out := &recordsv1.FindViewPartsResponse{PartsJson: make([][]byte, len(parts))}
	for i, p := range parts {
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("encode view part: %w", err)
		}
		out.PartsJson[i] = b
	}
	return out, nil
}

// FindViewParts implements recordsv1connect.ViewServiceHandler.
func (v *viewServer) FindViewParts(ctx context.Context, req *recordsv1.FindViewPartsRequest) (*recordsv1.FindViewPartsResponse, error) {
	k, err := viewCall(req.GetWorkspaceId(), req.GetKind())
	if err != nil {
		return nil, err
	}
	parts, err := v.store.Find(ctx, req.GetWorkspaceId(), k, views.Query{
		ID: req.GetId(), ViewID: req.GetViewId(), ObjectMetadataID: req.GetObjectMetadataId(),
		ViewTypes: req.GetViewTypes(), UserWorkspaceID: req.GetUserWorkspaceId(),
	})
	if err != nil {
		return nil, viewError(err)
	}
	return partsResponse(parts)
}

// CreateViewParts implements recordsv1connect.ViewServiceHandler.
func (v *viewServer) CreateViewParts(ctx context.Context, req *recordsv1.CreateViewPartsRequest) (*recordsv1.FindViewPartsResponse, error) {
	k, err := viewCall(req.GetWorkspaceId(), req.GetKind())
	if err != nil {
		return nil, err
	}
	if err := v.guardCreate(ctx, req.GetWorkspaceId(), k, req.GetInputsJson(), req.GetUserWorkspaceId()); err != nil {
		return nil, err
	}
	parts, err := v.store.Create(ctx, req.GetWorkspaceId(), k, req.GetInputsJson(), req.GetUserWorkspaceId())
	if err != nil {
		return nil, viewError(err)
	}
	return partsResponse(parts)
}

// UpdateViewPart implements recordsv1connect.ViewServiceHandler.
func (v *viewServer) UpdateViewPart(ctx context.Context, req *recordsv1.UpdateViewPartRequest) (*recordsv1.FindViewPartsResponse, error) {
	k, err := viewCall(req.GetWorkspaceId(), req.GetKind())
	if err != nil {
		return nil, err
	}
	if err := v.guardModify(ctx, req.GetWorkspaceId(), k, req.GetId(), "", req.GetUserWorkspaceId()); err != nil {
		return nil, err
	}
	part, err := v.store.Update(ctx, req.GetWorkspaceId(), k, req.GetId(), req.GetUpdateJson())
	if err != nil {
		return nil, viewError(err)
	}
	return partsResponse([]views.DTO{part})
}

// DeleteViewPart implements recordsv1connect.ViewServiceHandler.
func (v *viewServer) DeleteViewPart(ctx context.Context, req *recordsv1.DeleteViewPartRequest) (*recordsv1.FindViewPartsResponse, error) {
	k, err := viewCall(req.GetWorkspaceId(), req.GetKind())
	if err != nil {
		return nil, err
	}
	if err := v.guardModify(ctx, req.GetWorkspaceId(), k, req.GetId(), "", req.GetUserWorkspaceId()); err != nil {
		return nil, err
	}
	part, err := v.store.Delete(ctx, req.GetWorkspaceId(), k, req.GetId(), req.GetDestroy())
	if err != nil {
		return nil, viewError(err)
	}
	return partsResponse([]views.DTO{part})
}

// Twenty's view permission guards (view-permissions/services/view-access.service.ts): a view
// visible to the workspace is made or changed, with its parts, by a caller with the VIEWS
// permission flag (Admin's, or a role's that has it); an UNLISTED view by the user who made it.
// An unknown view passes, for the call to answer not found.

// Twenty's messages (generateViewExceptionMessage), answered as PermissionDenied (FORBIDDEN).
const (
	msgViewCreateDenied = "You do not have permission to create workspace-level views"
	msgViewModifyDenied = "You do not have permission to modify this view"
)

// hasViewsFlag reports whether the call's principal has the VIEWS flag (the system has all).
func (v *viewServer) hasViewsFlag(ctx context.Context, ws string) (bool, error) {
	if v.s == nil {
		return true, nil
	}
	sc, _, err := v.s.schemaOf(ctx, ws, false)
	if err != nil {
		return false, err
	}
	scope, known, err := scopeIn(ctx, sc)
	if !known { // a member or key the cached schema does not know yet
		if sc, _, err = v.s.schemaOf(ctx, ws, true); err != nil {
			return false, err
		}
		scope, _, err = scopeIn(ctx, sc)
	}
	if err != nil {
		if _, denied := errors.AsType[*permissions.Error](err); denied {
			return false, nil
		}
		return false, err
	}
	return scope.HasFlag("VIEWS"), nil
}

// guardCreate refuses creating inputs of kind k: views by their visibility, parts by their view.
func (v *viewServer) guardCreate(ctx context.Context, ws string, k *views.Kind, inputs [][]byte, userWorkspaceID string) error {
	for _, b := range inputs {
		var in struct {
			Visibility *string `json:"visibility"`
			ViewID     string  `json:"viewId"`
		}
		_ = json.Unmarshal(b, &in) // the store refuses what does not decode
		if k != views.View {
			if err := v.guardModify(ctx, ws, k, "", in.ViewID, userWorkspaceID); err != nil {
				return err
			}
			continue
		}
		if in.Visibility != nil && *in.Visibility == "UNLISTED" {
			if userWorkspaceID == "" { // an API key
				return connect.NewError(connect.CodePermissionDenied, errors.New(msgViewCreateDenied))
			}
			continue
		}
		ok, err := v.hasViewsFlag(ctx, ws)
		if err != nil {
			return err
		}
		if !ok {
			return connect.NewError(connect.CodePermissionDenied, errors.New(msgViewCreateDenied))
		}
	}
	return nil
}

// guardModify refuses changing the view a call names (id of kind k, or viewID) to a caller
// without the VIEWS flag, unless it is the caller's own UNLISTED view.
func (v *viewServer) guardModify(ctx context.Context, ws string, k *views.Kind, id, viewID, userWorkspaceID string) error {
	if v.s == nil {
		return nil
	}
	ok, err := v.hasViewsFlag(ctx, ws)
	if err != nil || ok {
		return err
	}
	access, err := v.store.AccessOf(ctx, ws, k, id, viewID)
	if err != nil || !access.Found {
		return err
	}
	if access.Visibility == "UNLISTED" && userWorkspaceID != "" && access.CreatedByUWS == strings.ToLower(userWorkspaceID) {
		return nil
	}
	return connect.NewError(connect.CodePermissionDenied, errors.New(msgViewModifyDenied))
}

// groupByViewFilter reads what the view viewID adds to a group-by's filter (none when viewID is
// empty); the returned function makes it the filter on the group-by's object, and-ed with filter.
func (s *server) groupByViewFilter(ctx context.Context, ws, viewID string) (func(o metadata.Object, filter *recordquery.Filter) (*recordquery.Filter, error), error) {
	if viewID == "" {
		return func(_ metadata.Object, f *recordquery.Filter) (*recordquery.Filter, error) { return f, nil }, nil
	}
	spec, err := (&views.Store{Control: s.control}).FilterSpec(ctx, ws, viewID)
	if err != nil {
		return nil, viewError(err)
	}
	now := time.Now()
	return func(o metadata.Object, f *recordquery.Filter) (*recordquery.Filter, error) {
		vf, err := views.RecordFilter(o, spec, now)
		if err != nil {
			return nil, viewError(err)
		}
		switch {
		case vf == nil:
			return f, nil
		case f == nil:
			return vf, nil
		}
		return &recordquery.Filter{And: []*recordquery.Filter{f, vf}}, nil
	}, nil
}

// graphQLViewFilter is the filter a GraphQL group-by's viewId adds (gqlapi.Request.ViewFilter):
// the view's filters on the object, its refusals the engine's invalid input (BAD_USER_INPUT).
func (s *server) graphQLViewFilter(ws string) func(ctx context.Context, viewID string, o metadata.Object) (*recordquery.Filter, error) {
	return func(ctx context.Context, viewID string, o metadata.Object) (*recordquery.Filter, error) {
		spec, err := (&views.Store{Control: s.control}).FilterSpec(ctx, ws, viewID)
		if err == nil {
			var f *recordquery.Filter
			if f, err = views.RecordFilter(o, spec, time.Now()); err == nil {
				return f, nil
			}
		}
		if ve, ok := errors.AsType[*views.Error](err); ok {
			return nil, &engine.QueryError{Code: engine.CodeInvalidQueryInput, Message: ve.Message}
		}
		return nil, err
	}
}

// viewHandlerOptions are the ViewService's handler options: the records Worker's, with its error
// mapping.
func viewHandlerOptions() []connect.HandlerOption {
	return []connect.HandlerOption{connect.WithInterceptors(mapErrors)}
}
