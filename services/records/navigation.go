package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/navigation"
	"github.com/twentyworkers/twenty/services/records/internal/outbox"
	"github.com/twentyworkers/twenty/services/records/internal/permissions"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// navigationServer serves the NavigationMenuItemService: Twenty's navigation menu items
// (navigation package), kept in the control database.
type navigationServer struct {
	store *navigation.Store
	// s reads the caller's permissions and the records RECORD items point at (nil: every caller
	// has LAYOUTS and no record is named).
	s *server
}

// navigationError makes the navigation package's refusals the records contract's.
func navigationError(err error) error {
	ne, ok := navigation.AsError(err)
	if !ok {
		return err
	}
	var ce *connect.Error
	switch {
	case ne.NotFound:
		ce = connect.NewError(connect.CodeNotFound, errors.New(ne.Message))
	case ne.Forbidden:
		ce = connect.NewError(connect.CodePermissionDenied, errors.New(ne.Message))
	default:
		ce = connect.NewError(connect.CodeInvalidArgument, errors.New(ne.Message))
		if ne.Validation {
			ce.Meta().Set("Twenty-Validation", "1")
		}
	}
	if ne.Code != "" {
		ce.Meta().Set("Twenty-Code", ne.Code)
	}
	if ne.UserFriendlyMessage != "" {
		ce.Meta().Set("Twenty-User-Friendly-Message", ne.UserFriendlyMessage)
	}
	return ce
}

// access is the caller: its userWorkspaceId and, asked when needed, its LAYOUTS flag.
func (n *navigationServer) access(ws, userWorkspaceID string) navigation.Access {
	return navigation.Access{UserWorkspaceID: userWorkspaceID, HasLayouts: func(ctx context.Context) (bool, error) {
		return n.hasFlag(ctx, ws, "LAYOUTS")
	}}
}

// hasFlag reports whether the call's principal has the permission flag (the system has all).
func (n *navigationServer) hasFlag(ctx context.Context, ws, flag string) (bool, error) {
	if n.s == nil {
		return true, nil
	}
	sc, _, err := n.s.schemaOf(ctx, ws, false)
	if err != nil {
		return false, err
	}
	scope, known, err := scopeIn(ctx, sc)
	if !known { // a member or key the cached schema does not know yet
		if sc, _, err = n.s.schemaOf(ctx, ws, true); err != nil {
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
	return scope.HasFlag(flag), nil
}

// respond encodes items, naming the records RECORD items point at when asked.
func (n *navigationServer) respond(ctx context.Context, ws string, items []navigation.Item, identify bool) (*recordsv1.NavigationMenuItemsResponse, error) {
	if identify {
		n.identify(ctx, ws, items)
	}
	out := &recordsv1.NavigationMenuItemsResponse{ItemsJson: make([][]byte, len(items))}
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return nil, fmt.Errorf("encode navigation menu item: %w", err)
		}
		out.ItemsJson[i] = b
	}
	return out, nil
}

// identify sets the targetRecordIdentifier of RECORD items (Twenty's
// NavigationMenuItemRecordIdentifierService): the record read with the caller's permissions and
// named by its object's label identifier; none when the object, the record or the permission to
// read it is missing.
func (n *navigationServer) identify(ctx context.Context, ws string, items []navigation.Item) {
	if n.s == nil {
		return
	}
	var objects []metadata.Object
	for i := range items {
		it := &items[i]
		if it.TargetRecordID == nil || it.TargetObjectMetadataID == nil {
			continue
		}
		if objects == nil {
			sc, _, err := n.s.schemaOf(ctx, ws, false)
			if err != nil {
				return
			}
			objects = sc.Objects
		}
		var obj *metadata.Object
		for j := range objects {
			if strings.EqualFold(objects[j].ID, *it.TargetObjectMetadataID) {
				obj = &objects[j]
			}
		}
		if obj == nil {
			continue
		}
		var rec map[string]any
		err := n.s.withTarget(ctx, ws, obj.NamePlural, func(t target) error {
			var err error
			rec, err = n.s.engine.FindOne(ctx, t.db, ws, t.obj, t.objects, *it.TargetRecordID, engine.Shape{})
			return err
		})
		if err != nil || rec == nil {
			continue
		}
		it.TargetRecordIdentifier = &navigation.RecordID{ID: *it.TargetRecordID, LabelIdentifier: displayName(*obj, rec, *it.TargetRecordID)}
	}
}

// displayName is Twenty's getRecordDisplayName: the label identifier field's value, a full name
// as "first last", else the record's id.
func displayName(o metadata.Object, rec map[string]any, id string) string {
	labelID := o.LabelIdentifier()
	for _, f := range o.Fields {
		if f.ID != labelID {
			continue
		}
		v := rec[f.Name]
		if f.Type == metadata.TypeFullName {
			m, _ := v.(map[string]any)
			first, _ := m["firstName"].(string)
			last, _ := m["lastName"].(string)
			if s := strings.TrimSpace(first + " " + last); s != "" {
				return s
			}
			return id
		}
		if v == nil {
			return id
		}
		if s, ok := v.(string); ok {
			return s
		}
		return fmt.Sprint(v)
	}
	return id
}

func checkWorkspace(ws string) error {
	if ws == "" {
		return invalid("workspace_id is required")
	}
	return nil
}

// FindNavigationMenuItems implements recordsv1connect.NavigationMenuItemServiceHandler.
func (n *navigationServer) FindNavigationMenuItems(ctx context.Context, req *recordsv1.FindNavigationMenuItemsRequest) (*recordsv1.NavigationMenuItemsResponse, error) {
	ws := req.GetWorkspaceId()
	if err := checkWorkspace(ws); err != nil {
		return nil, err
	}
	var items []navigation.Item
	if req.GetId() != "" {
		it, err := n.store.Get(ctx, ws, req.GetUserWorkspaceId(), req.GetId())
		if err != nil {
			return nil, err
		}
		if it != nil {
			items = append(items, *it)
		}
	} else {
		var err error
		if items, err = n.store.List(ctx, ws, req.GetUserWorkspaceId()); err != nil {
			return nil, err
		}
	}
	return n.respond(ctx, ws, items, req.GetRecordIdentifiers())
}

// CreateNavigationMenuItems implements recordsv1connect.NavigationMenuItemServiceHandler.
func (n *navigationServer) CreateNavigationMenuItems(ctx context.Context, req *recordsv1.CreateNavigationMenuItemsRequest) (*recordsv1.NavigationMenuItemsResponse, error) {
	ws := req.GetWorkspaceId()
	if err := checkWorkspace(ws); err != nil {
		return nil, err
	}
	items, err := n.store.Create(ctx, ws, n.access(ws, req.GetUserWorkspaceId()), req.GetInputsJson())
	if err != nil {
		return nil, navigationError(err)
	}
	return n.respond(ctx, ws, items, req.GetRecordIdentifiers())
}

// UpdateNavigationMenuItems implements recordsv1connect.NavigationMenuItemServiceHandler.
func (n *navigationServer) UpdateNavigationMenuItems(ctx context.Context, req *recordsv1.UpdateNavigationMenuItemsRequest) (*recordsv1.NavigationMenuItemsResponse, error) {
	ws := req.GetWorkspaceId()
	if err := checkWorkspace(ws); err != nil {
		return nil, err
	}
	items, err := n.store.Update(ctx, ws, n.access(ws, req.GetUserWorkspaceId()), req.GetInputsJson())
	if err != nil {
		return nil, navigationError(err)
	}
	return n.respond(ctx, ws, items, req.GetRecordIdentifiers())
}

// DeleteNavigationMenuItems implements recordsv1connect.NavigationMenuItemServiceHandler.
func (n *navigationServer) DeleteNavigationMenuItems(ctx context.Context, req *recordsv1.DeleteNavigationMenuItemsRequest) (*recordsv1.NavigationMenuItemsResponse, error) {
	ws := req.GetWorkspaceId()
	if err := checkWorkspace(ws); err != nil {
		return nil, err
	}
	items, err := n.store.Delete(ctx, ws, n.access(ws, req.GetUserWorkspaceId()), req.GetIds())
	if err != nil {
		return nil, navigationError(err)
	}
	return n.respond(ctx, ws, items, false)
}

// forgetDeletedTargets removes, once the response is on its way, the RECORD items pointing at
// the records a call deleted or destroyed, as Twenty's NavigationMenuItemDeletionListener does on
// their events. A failure is logged: the items then stay, named by nothing (targetRecordIdentifier
// null), as Twenty's show a record gone.
func (s *server) forgetDeletedTargets(ctx context.Context, w *outbox.Writer) {
	if w == nil || s.control == nil {
		return
	}
	byWS := map[string][]string{}
	for _, r := range w.Rows() {
		if r.Action != "deleted" && r.Action != "destroyed" {
			continue
		}
		var recordIDs []string
		if err := json.Unmarshal([]byte(r.RecordIDs), &recordIDs); err != nil {
			continue
		}
		byWS[r.WorkspaceID] = append(byWS[r.WorkspaceID], recordIDs...)
	}
	if len(byWS) == 0 {
		return
	}
	afterResponse(ctx, func(ctx context.Context) {
		store := &navigation.Store{Control: s.control}
		for ws, recordIDs := range byWS {
			if err := store.DeleteForRecords(ctx, ws, recordIDs); err != nil {
				slog.WarnContext(ctx, "navigation menu items of deleted records not removed", "workspace", ws, "error", err.Error())
			}
		}
	})
}
