// Package navigation keeps Twenty's navigation menu items (core.navigationMenuItem: the favorites
// and favorite folders of the side menu) in the control database and applies Twenty's rules to
// them: who may make and change which items (navigation-menu-item-access.service.ts), what each
// type needs (validate-navigation-menu-item-type-required-properties.util.ts), where a new item
// goes (its folder's last position + 1) and that a folder holds only what is in its workspace.
package navigation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// Item is Twenty's NavigationMenuItemDTO.
type Item struct {
	ID                     string    `json:"id"`
	UserWorkspaceID        *string   `json:"userWorkspaceId"`
	TargetRecordID         *string   `json:"targetRecordId"`
	TargetObjectMetadataID *string   `json:"targetObjectMetadataId"`
	ViewID                 *string   `json:"viewId"`
	Type                   string    `json:"type"`
	Name                   *string   `json:"name"`
	Link                   *string   `json:"link"`
	Icon                   *string   `json:"icon"`
	Color                  *string   `json:"color"`
	FolderID               *string   `json:"folderId"`
	PageLayoutID           *string   `json:"pageLayoutId"`
	Position               float64   `json:"position"`
	ApplicationID          *string   `json:"applicationId"`
	WorkspaceID            string    `json:"workspaceId"`
	CreatedAt              string    `json:"createdAt"`
	UpdatedAt              string    `json:"updatedAt"`
	TargetRecordIdentifier *RecordID `json:"targetRecordIdentifier,omitempty"`
}

// RecordID is Twenty's RecordIdentifier: the record a RECORD item points at, named.
type RecordID struct {
	ID              string  `json:"id"`
	LabelIdentifier string  `json:"labelIdentifier"`
	ImageIdentifier *string `json:"imageIdentifier"`
}

// Types are Twenty's NavigationMenuItemType values.
var Types = []string{"VIEW", "FOLDER", "LINK", "OBJECT", "RECORD", "PAGE_LAYOUT"}

// Twenty's NavigationMenuItemExceptionCode values.
const (
	CodeInvalidInput       = "INVALID_NAVIGATION_MENU_ITEM_INPUT"
	CodeCircularDependency = "CIRCULAR_DEPENDENCY"
)

// Error is a refusal with Twenty's message: NotFound (NAVIGATION_MENU_ITEM_NOT_FOUND), Forbidden
// (a workspace item and a caller without the LAYOUTS flag: Twenty's PERMISSION_DENIED), Validation
// (what Twenty's workspace-migration validation refuses, Code its exception code) or else input
// Twenty's service refuses (a BAD_USER_INPUT).
type Error struct {
	NotFound, Forbidden, Validation bool
	Code                            string
	Message                         string
	// UserFriendlyMessage is Twenty's, when it differs from Message.
	UserFriendlyMessage string
}

func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) error {
	return &Error{Code: CodeInvalidInput, Message: fmt.Sprintf(format, args...)}
}

func invalidData(msg string) error {
	return &Error{Validation: true, Code: CodeInvalidInput, Message: msg}
}

var errNotFound = &Error{NotFound: true, Message: "Navigation menu item not found"}

// Access is the caller: its userWorkspaceId (none for an API key) and whether it has the LAYOUTS
// permission flag, asked only for a workspace item.
type Access struct {
	UserWorkspaceID string
	HasLayouts      func(ctx context.Context) (bool, error)
}

// check applies Twenty's access rules to op (create, update, delete) of an item whose
// userWorkspaceId is owner ("" for a workspace item).
func (a Access) check(ctx context.Context, op, owner string) error {
	if owner == "" {
		ok := a.HasLayouts == nil
		if !ok {
			var err error
			if ok, err = a.HasLayouts(ctx); err != nil {
				return err
			}
		}
		if !ok {
			return &Error{Forbidden: true, Message: "Entity performing the request does not have permission",
				UserFriendlyMessage: "You do not have permission to " + op + " workspace-level navigation menu items. Please contact your workspace administrator for access."}
		}
		return nil
	}
	past := op + "d"
	if a.UserWorkspaceID == "" {
		return invalid("User-level navigation menu items can only be %s by authenticated users", past)
	}
	if !strings.EqualFold(owner, a.UserWorkspaceID) {
		if op == "create" {
			return invalid("You can only create navigation menu items for yourself")
		}
		return invalid("You can only %s your own navigation menu items", op)
	}
	return nil
}

// Store reads and writes the navigation menu items of every workspace. Every statement names the
// caller's workspace: an item of another workspace is not found.
type Store struct {
	Control *d1.DB
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (s *Store) now() string {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// applicationID is the workspace's custom application (views.applicationID's id), which owns the
// items made in it.
func applicationID(ws string) string {
	return ids.NameUUID(ws, "twenty-workspace-custom-application")
}

const columns = `id, workspace_id, user_workspace_id, type, target_record_id, target_object_metadata_id, view_id,
  name, link, icon, color, folder_id, page_layout_id, position, created_at, updated_at`

func scan(row []any) Item {
	str := func(v any) string { s, _ := v.(string); return s }
	opt := func(v any) *string {
		if s, ok := v.(string); ok {
			return &s
		}
		return nil
	}
	var pos float64
	switch n := row[13].(type) {
	case int64:
		pos = float64(n)
	case float64:
		pos = n
	}
	ws := str(row[1])
	app := applicationID(ws)
	return Item{
		ID: str(row[0]), WorkspaceID: ws, UserWorkspaceID: opt(row[2]), Type: str(row[3]),
		TargetRecordID: opt(row[4]), TargetObjectMetadataID: opt(row[5]), ViewID: opt(row[6]),
		Name: opt(row[7]), Link: opt(row[8]), Icon: opt(row[9]), Color: opt(row[10]),
		FolderID: opt(row[11]), PageLayoutID: opt(row[12]), Position: pos, ApplicationID: &app,
		CreatedAt: str(row[14]), UpdatedAt: str(row[15]),
	}
}

// List answers the workspace's items and the caller's own (userWorkspaceID; none for an API
// key), by position; an item pointing at a soft-deleted view is left out, as Twenty removes it.
func (s *Store) List(ctx context.Context, ws, userWorkspaceID string) ([]Item, error) {
	return s.query(ctx, `SELECT `+columns+` FROM navigation_menu_item n
WHERE workspace_id = ?1 AND (user_workspace_id IS NULL OR user_workspace_id = ?2)
  AND NOT EXISTS (SELECT 1 FROM view v WHERE v.id = n.view_id AND v.deleted_at IS NOT NULL)
ORDER BY position, created_at, id`, ws, strings.ToLower(userWorkspaceID))
}

// Get answers the item with id when the caller may see it (the workspace's or its own), else nil.
func (s *Store) Get(ctx context.Context, ws, userWorkspaceID, id string) (*Item, error) {
	if !ids.IsUUID(id) {
		return nil, nil
	}
	items, err := s.query(ctx, `SELECT `+columns+` FROM navigation_menu_item n
WHERE workspace_id = ?1 AND id = ?3 AND (user_workspace_id IS NULL OR user_workspace_id = ?2)
  AND NOT EXISTS (SELECT 1 FROM view v WHERE v.id = n.view_id AND v.deleted_at IS NOT NULL)`,
		ws, strings.ToLower(userWorkspaceID), strings.ToLower(id))
	if err != nil || len(items) == 0 {
		return nil, err
	}
	return &items[0], nil
}

func (s *Store) query(ctx context.Context, q string, args ...any) ([]Item, error) {
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: q, Args: args})
	if err != nil {
		return nil, fmt.Errorf("read navigation menu items: %w", err)
	}
	out := make([]Item, 0, len(res[0].Rows))
	for _, r := range res[0].Rows {
		out = append(out, scan(r))
	}
	return out, nil
}

// byID reads the workspace's items with ids, whoever owns them.
func (s *Store) byID(ctx context.Context, ws string, idList []string) (map[string]Item, error) {
	out := map[string]Item{}
	for chunk := range slices.Chunk(idList, 90) {
		args := []any{ws}
		for _, id := range chunk {
			args = append(args, id)
		}
		items, err := s.query(ctx, `SELECT `+columns+` FROM navigation_menu_item WHERE workspace_id = ? AND id IN (?`+
			strings.Repeat(", ?", len(chunk)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			out[it.ID] = it
		}
	}
	return out, nil
}

// createInput is Twenty's CreateNavigationMenuItemInput.
type createInput struct {
	ID                     *string  `json:"id"`
	UserWorkspaceID        *string  `json:"userWorkspaceId"`
	TargetRecordID         *string  `json:"targetRecordId"`
	TargetObjectMetadataID *string  `json:"targetObjectMetadataId"`
	ViewID                 *string  `json:"viewId"`
	Type                   string   `json:"type"`
	Name                   *string  `json:"name"`
	Link                   *string  `json:"link"`
	Icon                   *string  `json:"icon"`
	Color                  *string  `json:"color"`
	FolderID               *string  `json:"folderId"`
	PageLayoutID           *string  `json:"pageLayoutId"`
	Position               *float64 `json:"position"`
}

// uuidOrNil lowers a UUID, refusing what is not one.
func uuidOrNil(key string, v *string) (*string, error) {
	if v == nil {
		return nil, nil
	}
	if !ids.IsUUID(*v) {
		return nil, invalid("%s must be a UUID", key)
	}
	s := strings.ToLower(*v)
	return &s, nil
}

// validateType is Twenty's validation of what an item's type needs.
func validateType(it Item) error {
	uuid := func(v *string) bool { return v != nil && ids.IsUUID(*v) }
	switch it.Type {
	case "FOLDER":
		if it.Name == nil || strings.TrimSpace(*it.Name) == "" {
			return invalidData("A name is required for FOLDER type")
		}
	case "OBJECT":
		if !uuid(it.TargetObjectMetadataID) {
			return invalidData("A valid targetObjectMetadataUniversalIdentifier is required for OBJECT type")
		}
	case "VIEW":
		if !uuid(it.ViewID) {
			return invalidData("A valid viewUniversalIdentifier is required for VIEW type")
		}
	case "RECORD":
		if !uuid(it.TargetRecordID) {
			return invalidData("A valid targetRecordId is required for RECORD type")
		}
		if !uuid(it.TargetObjectMetadataID) {
			return invalidData("A valid targetObjectMetadataUniversalIdentifier is required for RECORD type")
		}
	case "LINK":
		if it.Link == nil || !validURL(*it.Link) {
			return invalidData("A valid link is required for LINK type")
		}
	case "PAGE_LAYOUT":
		if !uuid(it.PageLayoutID) {
			return invalidData("A valid pageLayoutUniversalIdentifier is required for PAGE_LAYOUT type")
		}
	case "":
		return invalidData("Navigation menu item type is required")
	default:
		return invalid("type must be one of %s", strings.Join(Types, ", "))
	}
	return nil
}

// validURL is twenty-shared's isValidUrl, roughly: an http(s) URL or a bare host name with a dot.
func validURL(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return false
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || strings.Contains(h, ".") && !strings.HasPrefix(h, ".") && !strings.HasSuffix(h, ".")
}

// refs checks that what it points at is in the workspace: its view (live), object and folder (a
// FOLDER the caller sees: the workspace's or the caller's own).
func (s *Store) refs(ctx context.Context, ws string, it Item, pending map[string]Item) error {
	var stmts []d1.Stmt
	var what []string
	if it.ViewID != nil {
		stmts = append(stmts, d1.Stmt{SQL: `SELECT 1 FROM view WHERE workspace_id = ? AND id = ? AND deleted_at IS NULL`, Args: []any{ws, *it.ViewID}})
		what = append(what, "View "+*it.ViewID+" not found")
	}
	if it.TargetObjectMetadataID != nil {
		stmts = append(stmts, d1.Stmt{SQL: `SELECT 1 FROM object_metadata WHERE workspace_id = ? AND id = ?`, Args: []any{ws, *it.TargetObjectMetadataID}})
		what = append(what, "Object metadata "+*it.TargetObjectMetadataID+" not found")
	}
	if len(stmts) > 0 {
		res, err := s.Control.Batch(ctx, stmts...)
		if err != nil {
			return fmt.Errorf("read navigation menu item targets: %w", err)
		}
		for i, r := range res {
			if len(r.Rows) == 0 {
				return invalidData(what[i])
			}
		}
	}
	if it.FolderID == nil {
		return nil
	}
	folder, ok := pending[*it.FolderID]
	if !ok {
		got, err := s.byID(ctx, ws, []string{*it.FolderID})
		if err != nil {
			return err
		}
		folder, ok = got[*it.FolderID]
	}
	if !ok || folder.UserWorkspaceID != nil && (it.UserWorkspaceID == nil || *folder.UserWorkspaceID != *it.UserWorkspaceID) {
		return invalidData("Folder " + *it.FolderID + " not found")
	}
	if folder.Type != "FOLDER" {
		return invalidData("folderId must point at a navigation menu item of type FOLDER")
	}
	return nil
}

// Create makes items from Twenty's create inputs, all or none, as the caller acc.
func (s *Store) Create(ctx context.Context, ws string, acc Access, inputs [][]byte) ([]Item, error) {
	now, app := s.now(), applicationID(ws)
	items := make([]Item, 0, len(inputs))
	pending := map[string]Item{}
	nextPos := map[string]float64{} // by owner and folder, for items without a position
	for _, b := range inputs {
		var in createInput
		if err := json.Unmarshal(b, &in); err != nil {
			return nil, invalid("invalid navigation menu item input: %v", err)
		}
		uws, err := uuidOrNil("userWorkspaceId", in.UserWorkspaceID)
		if err != nil {
			return nil, err
		}
		owner := ""
		if uws != nil {
			owner = *uws
		}
		if err := acc.check(ctx, "create", owner); err != nil {
			return nil, err
		}
		it := Item{ID: ids.NewUUID(), WorkspaceID: ws, UserWorkspaceID: uws, Type: in.Type, Name: in.Name,
			Link: in.Link, Icon: in.Icon, Color: in.Color, ApplicationID: &app, CreatedAt: now, UpdatedAt: now}
		if in.ID != nil {
			if !ids.IsUUID(*in.ID) {
				return nil, invalid("id must be a UUID")
			}
			it.ID = strings.ToLower(*in.ID)
		}
		for _, f := range []struct {
			key string
			in  *string
			out **string
		}{
			{"targetRecordId", in.TargetRecordID, &it.TargetRecordID},
			{"targetObjectMetadataId", in.TargetObjectMetadataID, &it.TargetObjectMetadataID},
			{"viewId", in.ViewID, &it.ViewID},
			{"folderId", in.FolderID, &it.FolderID},
			{"pageLayoutId", in.PageLayoutID, &it.PageLayoutID},
		} {
			if *f.out, err = uuidOrNil(f.key, f.in); err != nil {
				return nil, err
			}
		}
		if err := validateType(it); err != nil {
			return nil, err
		}
		if err := s.refs(ctx, ws, it, pending); err != nil {
			return nil, err
		}
		if in.Position != nil {
			if math.IsNaN(*in.Position) || math.IsInf(*in.Position, 0) {
				return nil, invalid("position must be a number")
			}
			it.Position = *in.Position
		} else {
			key := owner + "/" + deref(it.FolderID)
			p, ok := nextPos[key]
			if !ok {
				if p, err = s.lastPosition(ctx, ws, it.UserWorkspaceID, it.FolderID); err != nil {
					return nil, err
				}
			}
			it.Position = p + 1
			nextPos[key] = it.Position
		}
		if _, dup := pending[it.ID]; dup {
			return nil, invalid("Navigation menu item %s is given twice", it.ID)
		}
		pending[it.ID] = it
		items = append(items, it)
	}
	if len(items) == 0 {
		return items, nil
	}
	existing, err := s.byID(ctx, ws, keys(pending))
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, invalidData("A navigation menu item with this id already exists")
	}
	stmts := make([]d1.Stmt, 0, len(items))
	for _, it := range items {
		stmts = append(stmts, d1.Stmt{SQL: `INSERT INTO navigation_menu_item (` + columns + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, Args: []any{
			it.ID, ws, it.UserWorkspaceID, it.Type, it.TargetRecordID, it.TargetObjectMetadataID, it.ViewID,
			it.Name, it.Link, it.Icon, it.Color, it.FolderID, it.PageLayoutID, it.Position, it.CreatedAt, it.UpdatedAt}})
	}
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "PRIMARY KEY") {
			return nil, invalidData("A navigation menu item with this id already exists")
		}
		return nil, fmt.Errorf("create navigation menu items: %w", err)
	}
	return items, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func keys(m map[string]Item) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// lastPosition is the greatest position among the items of owner in folder (0 when none), where
// Twenty puts a new item after.
func (s *Store) lastPosition(ctx context.Context, ws string, owner, folder *string) (float64, error) {
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: `SELECT coalesce(max(position), 0) AS p FROM navigation_menu_item
WHERE workspace_id = ? AND user_workspace_id IS ? AND folder_id IS ?`, Args: []any{ws, owner, folder}})
	if err != nil {
		return 0, fmt.Errorf("read navigation menu item positions: %w", err)
	}
	switch p := res[0].Rows[0][0].(type) {
	case int64:
		return math.Max(0, float64(p)), nil
	case float64:
		return math.Max(0, p), nil
	}
	return 0, nil
}

// updateInput is Twenty's UpdateOneNavigationMenuItemInput.
type updateInput struct {
	ID     string                     `json:"id"`
	Update map[string]json.RawMessage `json:"update"`
}

// editable are the properties an update may set (FLAT_NAVIGATION_MENU_ITEM_EDITABLE_PROPERTIES).
var editable = []string{"folderId", "position", "name", "link", "icon", "color", "pageLayoutId"}

// Update applies Twenty's update inputs, all or none, as the caller acc.
func (s *Store) Update(ctx context.Context, ws string, acc Access, inputs [][]byte) ([]Item, error) {
	parsed := make([]updateInput, len(inputs))
	idList := make([]string, 0, len(inputs))
	for i, b := range inputs {
		if err := json.Unmarshal(b, &parsed[i]); err != nil {
			return nil, invalid("invalid navigation menu item input: %v", err)
		}
		if !ids.IsUUID(parsed[i].ID) {
			return nil, errNotFound
		}
		parsed[i].ID = strings.ToLower(parsed[i].ID)
		idList = append(idList, parsed[i].ID)
	}
	current, err := s.byID(ctx, ws, idList)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]Item, 0, len(parsed))
	stmts := make([]d1.Stmt, 0, len(parsed))
	for _, in := range parsed {
		it, ok := current[in.ID]
		if !ok {
			return nil, errNotFound
		}
		if err := acc.check(ctx, "update", deref(it.UserWorkspaceID)); err != nil {
			return nil, err
		}
		for k, raw := range in.Update {
			if !slices.Contains(editable, k) {
				return nil, invalid("%s cannot be updated", k)
			}
			if err := set(&it, k, raw); err != nil {
				return nil, err
			}
		}
		it.UpdatedAt = now
		if err := validateType(it); err != nil {
			return nil, err
		}
		if err := s.refs(ctx, ws, it, current); err != nil {
			return nil, err
		}
		if err := s.acyclic(ctx, ws, it, current); err != nil {
			return nil, err
		}
		current[it.ID] = it
		out = append(out, it)
		stmts = append(stmts, d1.Stmt{SQL: `UPDATE navigation_menu_item SET folder_id = ?, position = ?, name = ?, link = ?,
  icon = ?, color = ?, page_layout_id = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`, Args: []any{
			it.FolderID, it.Position, it.Name, it.Link, it.Icon, it.Color, it.PageLayoutID, now, ws, it.ID}})
	}
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		return nil, fmt.Errorf("update navigation menu items: %w", err)
	}
	return out, nil
}

// set applies one property of an update.
func set(it *Item, key string, raw json.RawMessage) error {
	if key == "position" {
		var p *float64
		if err := json.Unmarshal(raw, &p); err != nil || p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
			return invalid("position must be a number")
		}
		it.Position = *p
		return nil
	}
	var v *string
	if err := json.Unmarshal(raw, &v); err != nil {
		return invalid("%s must be a string", key)
	}
	var err error
	switch key {
	case "folderId":
		it.FolderID, err = uuidOrNil(key, v)
	case "pageLayoutId":
		it.PageLayoutID, err = uuidOrNil(key, v)
	case "name":
		it.Name = v
	case "link":
		it.Link = v
	case "icon":
		it.Icon = v
	case "color":
		it.Color = v
	}
	return err
}

// acyclic refuses moving a folder into itself or into a folder it holds.
func (s *Store) acyclic(ctx context.Context, ws string, it Item, known map[string]Item) error {
	seen := map[string]bool{it.ID: true}
	for f := it.FolderID; f != nil; {
		if seen[*f] {
			return &Error{Validation: true, Code: CodeCircularDependency, Message: "Circular dependency detected in navigation menu item hierarchy"}
		}
		seen[*f] = true
		parent, ok := known[*f]
		if !ok {
			got, err := s.byID(ctx, ws, []string{*f})
			if err != nil {
				return err
			}
			if parent, ok = got[*f]; !ok {
				return nil
			}
			known[*f] = parent
		}
		f = parent.FolderID
	}
	return nil
}

// Delete removes the items with ids, all or none, as the caller acc, and answers them as they
// were; a folder's items go with it.
func (s *Store) Delete(ctx context.Context, ws string, acc Access, idList []string) ([]Item, error) {
	lowered := make([]string, 0, len(idList))
	for _, id := range idList {
		if !ids.IsUUID(id) {
			return nil, errNotFound
		}
		lowered = append(lowered, strings.ToLower(id))
	}
	current, err := s.byID(ctx, ws, lowered)
	if err != nil {
		return nil, err
	}
	out := make([]Item, 0, len(lowered))
	stmts := make([]d1.Stmt, 0, len(lowered))
	for _, id := range lowered {
		it, ok := current[id]
		if !ok {
			return nil, errNotFound
		}
		if err := acc.check(ctx, "delete", deref(it.UserWorkspaceID)); err != nil {
			return nil, err
		}
		out = append(out, it)
		stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM navigation_menu_item WHERE workspace_id = ? AND id = ?`, Args: []any{ws, id}})
	}
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		return nil, fmt.Errorf("delete navigation menu items: %w", err)
	}
	return out, nil
}

// DeleteForRecords removes the RECORD items pointing at records that were destroyed, as Twenty's
// NavigationMenuItemDeletionService does.
func (s *Store) DeleteForRecords(ctx context.Context, ws string, recordIDs []string) error {
	var stmts []d1.Stmt
	for chunk := range slices.Chunk(recordIDs, 90) {
		args := []any{ws}
		for _, id := range chunk {
			args = append(args, strings.ToLower(id))
		}
		stmts = append(stmts, d1.Stmt{SQL: `DELETE FROM navigation_menu_item WHERE workspace_id = ? AND view_id IS NULL AND target_record_id IN (?` +
			strings.Repeat(", ?", len(chunk)-1) + `)`, Args: args})
	}
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		return fmt.Errorf("delete navigation menu items of records: %w", err)
	}
	return nil
}

// AsError reports err as the package's refusal.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
