package views

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// Store reads and writes the views of every workspace in the control database. Every statement
// names the caller's workspace: a view or part of another workspace is not found.
type Store struct {
	Control *d1.DB
}

// DTO is an entity as Twenty's API shows it, keyed by its properties.
type DTO = map[string]any

// Error is a refusal with Twenty's message: input Twenty refuses (a BAD_USER_INPUT), a change
// its validation of the view entities refuses (Code INVALID_VIEW_DATA, Twenty's
// METADATA_VALIDATION_FAILED) or, when NotFound, an unknown id (a NOT_FOUND).
type Error struct {
	NotFound bool
	Code     string
	Message  string
}

// CodeInvalidViewData is Twenty's ViewExceptionCode.INVALID_VIEW_DATA, the code of what its
// validation of a view entity refuses.
const CodeInvalidViewData = "INVALID_VIEW_DATA"

// invalidData is a change Twenty's validation refuses.
func invalidData(msg string) error {
	return &Error{Code: CodeInvalidViewData, Message: msg}
}

func (e *Error) Error() string { return e.Message }

func invalid(format string, args ...any) error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

// missing is Twenty's not found of the entity an operation names ("View to update not found",
// from-update-view-input-to-flat-view-to-update-or-throw.util.ts and its siblings).
func missing(k *Kind, op string) error {
	return &Error{NotFound: true, Message: fmt.Sprintf("%s to %s not found", k.label, op)}
}

// labelPlaceholder is the part of a view's name Twenty replaces with its object's plural label
// when it shows the view (ViewResolver.name, processViewNameWithTemplate).
const labelPlaceholder = "{objectLabelPlural}"

// applicationID is the id of the workspace's custom application, which owns the views made in
// it (Twenty's applicationId): one stable id per workspace.
func applicationID(workspaceID string) string {
	return ids.NameUUID(workspaceID, "twenty-workspace-custom-application")
}

// now is the time as the tables write it.
func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// selectSQL selects k's rows: id, workspace, its columns, timestamps.
func selectSQL(k *Kind) string {
	var b strings.Builder
	b.WriteString("SELECT id, workspace_id")
	for _, c := range k.cols {
		b.WriteString(", " + c.sql)
	}
	b.WriteString(", created_at, updated_at, deleted_at FROM " + k.table)
	return b.String()
}

// dto shows a row of selectSQL.
func (k *Kind) dto(row []any) DTO {
	id, _ := row[0].(string)
	ws, _ := row[1].(string)
	m := DTO{"id": id, "workspaceId": ws}
	for i, c := range k.cols {
		m[c.key] = shown(c, row[2+i])
	}
	n := 2 + len(k.cols)
	m["createdAt"], m["updatedAt"], m["deletedAt"] = row[n], row[n+1], row[n+2]
	if k.universal {
		m["universalIdentifier"], m["applicationId"] = id, applicationID(ws)
	}
	return m
}

// shown converts a stored value to its DTO value.
func shown(c column, v any) any {
	if v == nil {
		return nil
	}
	switch c.typ {
	case tBool:
		n, _ := v.(int64)
		return n != 0
	case tFloat:
		switch n := v.(type) {
		case int64:
			return float64(n)
		case float64:
			return n
		}
	case tJSON:
		s, _ := v.(string)
		var out any
		if json.Unmarshal([]byte(s), &out) == nil {
			return out
		}
		return nil
	}
	return v
}

// stored converts an input value of column c to what the column stores, or refuses it.
func stored(c column, v any) (any, error) {
	if v == nil {
		if c.required {
			return nil, invalid("%s cannot be null", c.key)
		}
		return nil, nil
	}
	switch c.typ {
	case tString, tID:
		s, ok := v.(string)
		if !ok {
			return nil, invalid("%s must be a string", c.key)
		}
		if c.typ == tID {
			if !ids.IsUUID(s) {
				return nil, invalid("%s must be a UUID", c.key)
			}
			s = strings.ToLower(s)
		}
		if c.enum != nil && !slices.Contains(c.enum, s) {
			return nil, invalid("%s must be one of %s", c.key, strings.Join(c.enum, ", "))
		}
		return s, nil
	case tFloat:
		f, ok := v.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, invalid("%s must be a number", c.key)
		}
		return f, nil
	case tInt:
		f, ok := v.(float64)
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
			return nil, invalid("%s must be an integer", c.key)
		}
		return int64(f), nil
	case tBool:
		b, ok := v.(bool)
		if !ok {
			return nil, invalid("%s must be a boolean", c.key)
		}
		return b, nil
	case tJSON:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, invalid("%s must be JSON", c.key)
		}
		return string(b), nil
	}
	return nil, fmt.Errorf("column %s has no type", c.key)
}

// Query narrows a find.
type Query struct {
	// ID answers that entity only.
	ID string
	// ViewID answers the parts of that view.
	ViewID string
	// ObjectMetadataID and ViewTypes narrow views.
	ObjectMetadataID string
	ViewTypes        []string
	// UserWorkspaceID is the caller's: its UNLISTED views are listed too.
	UserWorkspaceID string

	seeded bool // the workspace's missing "All" views were just made
}

// Find answers the entities of kind k in the workspace that q selects, soft-deleted ones left
// out; a view carries its parts and its name with its object's label. An id that is not a UUID
// finds nothing.
func (s *Store) Find(ctx context.Context, ws string, k *Kind, q Query) ([]DTO, error) {
	if q.ID != "" && !ids.IsUUID(q.ID) || q.ViewID != "" && !ids.IsUUID(q.ViewID) {
		return []DTO{}, nil
	}
	q.ID, q.ViewID = strings.ToLower(q.ID), strings.ToLower(q.ViewID)
	if k == View {
		return s.findViews(ctx, ws, q)
	}
	where, args := "workspace_id = ? AND deleted_at IS NULL AND view_id IN (SELECT id FROM view WHERE workspace_id = ? AND deleted_at IS NULL)", []any{ws, ws}
	if q.ID != "" {
		where, args = where+" AND id = ?", append(args, q.ID)
	}
	if q.ViewID != "" {
		where, args = where+" AND view_id = ?", append(args, q.ViewID)
	}
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: selectSQL(k) + " WHERE " + where + " ORDER BY " + k.order, Args: args})
	if err != nil {
		return nil, fmt.Errorf("read %s of %s: %w", k.table, ws, err)
	}
	out := make([]DTO, 0, len(res[0].Rows))
	for _, row := range res[0].Rows {
		out = append(out, k.dto(row))
	}
	if k == ViewFieldGroup {
		fields, err := s.Find(ctx, ws, ViewField, Query{ViewID: q.ViewID})
		if err != nil {
			return nil, err
		}
		for _, g := range out {
			g["viewFields"] = fieldsOfGroup(fields, g["id"])
		}
	}
	return out, nil
}

// fieldsOfGroup are the view fields in the view field group with id.
func fieldsOfGroup(fields []DTO, id any) []DTO {
	out := []DTO{}
	for _, f := range fields {
		if f["viewFieldGroupId"] == id {
			out = append(out, f)
		}
	}
	return out
}

// findViews answers views with their parts, in one round trip.
func (s *Store) findViews(ctx context.Context, ws string, q Query) ([]DTO, error) {
	where, args := "workspace_id = ? AND deleted_at IS NULL", []any{ws}
	if q.ID != "" {
		// Twenty's getView answers an UNLISTED view to anyone with its id.
		where, args = where+" AND id = ?", append(args, q.ID)
	} else {
		where, args = where+" AND (visibility = 'WORKSPACE' OR created_by_user_workspace_id = ?)", append(args, q.UserWorkspaceID)
	}
	if q.ObjectMetadataID != "" {
		where, args = where+" AND object_metadata_id = ?", append(args, strings.ToLower(q.ObjectMetadataID))
	}
	if len(q.ViewTypes) > 0 {
		where += " AND type IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(q.ViewTypes)), ", ") + ")"
		for _, t := range q.ViewTypes {
			args = append(args, t)
		}
	}
	stmts := []d1.Stmt{
		{SQL: selectSQL(View) + " WHERE " + where + " ORDER BY " + View.order, Args: args},
		{SQL: `SELECT id, json_extract(definition, '$.LabelPlural') FROM object_metadata WHERE workspace_id = ?`, Args: []any{ws}},
	}
	for _, p := range parts {
		stmts = append(stmts, d1.Stmt{
			SQL:  selectSQL(p.kind) + " WHERE deleted_at IS NULL AND view_id IN (SELECT id FROM view WHERE " + where + ") ORDER BY " + p.kind.order,
			Args: args,
		})
	}
	stmts = append(stmts, d1.Stmt{SQL: `SELECT EXISTS (SELECT 1 FROM view WHERE workspace_id = ?)`, Args: []any{ws}})
	res, err := s.Control.Batch(ctx, stmts...)
	if err != nil {
		return nil, fmt.Errorf("read views of %s: %w", ws, err)
	}
	if exists, _ := res[len(res)-1].Rows[0][0].(int64); exists == 0 && !q.seeded {
		// A workspace older than views has none: it gets its objects' "All" views, as Twenty's
		// seedMissingObjectDefaultViews gives them, and the list is read again.
		if err := s.seedIndexViews(ctx, ws); err != nil {
			return nil, err
		}
		q.seeded = true
		return s.findViews(ctx, ws, q)
	}
	labels := map[string]string{}
	for _, row := range res[1].Rows {
		id, _ := row[0].(string)
		labels[id], _ = row[1].(string)
	}
	views := make([]DTO, 0, len(res[0].Rows))
	byID := map[any]DTO{}
	for _, row := range res[0].Rows {
		v := View.dto(row)
		if name, _ := v["name"].(string); strings.Contains(name, labelPlaceholder) {
			if label, ok := labels[v["objectMetadataId"].(string)]; ok {
				v["name"] = strings.ReplaceAll(name, labelPlaceholder, label)
			}
		}
		for _, p := range parts {
			v[p.key] = []DTO{}
		}
		views, byID[v["id"]] = append(views, v), v
	}
	for i, p := range parts {
		for _, row := range res[2+i].Rows {
			d := p.kind.dto(row)
			if v, ok := byID[d["viewId"]]; ok {
				v[p.key] = append(v[p.key].([]DTO), d)
			}
		}
	}
	for _, v := range views {
		for _, g := range v["viewFieldGroups"].([]DTO) {
			g["viewFields"] = fieldsOfGroup(v["viewFields"].([]DTO), g["id"])
		}
	}
	return views, nil
}

// findOne answers the entity with id that op (update, delete, destroy) names, which must exist in
// the workspace (soft-deleted too when withDeleted).
func (s *Store) findOne(ctx context.Context, ws string, k *Kind, id, op string, withDeleted bool) (DTO, error) {
	if !ids.IsUUID(id) {
		return nil, missing(k, op)
	}
	id = strings.ToLower(id)
	q := selectSQL(k) + " WHERE workspace_id = ? AND id = ?"
	if !withDeleted {
		q += " AND deleted_at IS NULL"
	}
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: q, Args: []any{ws, id}})
	if err != nil {
		return nil, fmt.Errorf("read %s %s of %s: %w", k.table, id, ws, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, missing(k, op)
	}
	return k.dto(res[0].Rows[0]), nil
}

// decode reads a JSON object input.
func decode(input []byte) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(input, &m); err != nil || m == nil {
		return nil, invalid("The input must be a JSON object")
	}
	return m, nil
}

// row is an entity to write: its id and its columns' stored values by key.
type row struct {
	id   string
	vals map[string]any
}

// Create creates entities of kind k from Twenty's create inputs, all in one batch, and answers
// them. A view is made by userWorkspaceID.
func (s *Store) Create(ctx context.Context, ws string, k *Kind, inputs [][]byte, userWorkspaceID string) ([]DTO, error) {
	if len(inputs) == 0 {
		return []DTO{}, nil
	}
	rows := make([]row, 0, len(inputs))
	for _, input := range inputs {
		in, err := decode(input)
		if err != nil {
			return nil, err
		}
		r := row{id: ids.NewUUID(), vals: map[string]any{}}
		if v, ok := in["id"]; ok && v != nil {
			id, _ := v.(string)
			if !ids.IsUUID(id) {
				return nil, invalid("id must be a UUID")
			}
			r.id = strings.ToLower(id)
		}
		for _, c := range k.cols {
			v, given := in[c.key]
			switch {
			case given && c.create:
				sv, err := stored(c, v)
				if err != nil {
					return nil, err
				}
				if sv == nil && c.def != nil {
					sv = c.def
				}
				r.vals[c.key] = sv
			case c.required:
				return nil, invalid("%s is required", c.key)
			default:
				r.vals[c.key] = c.def
			}
		}
		if k == View && userWorkspaceID != "" && ids.IsUUID(userWorkspaceID) {
			r.vals["createdByUserWorkspaceId"] = strings.ToLower(userWorkspaceID)
		}
		rows = append(rows, r)
	}
	if err := s.checkRefs(ctx, ws, k, rows); err != nil {
		return nil, err
	}
	stamp := now()
	stmts := make([]d1.Stmt, 0, len(rows))
	for _, r := range rows {
		stmts = append(stmts, k.insert(ws, r, stamp))
		if k == View {
			groups, err := s.mainGroupByGroups(ctx, ws, r, stamp)
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, groups...)
		}
	}
	if _, err := s.Control.Batch(ctx, stmts...); err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed") {
			return nil, invalid("%s with this id already exists", k.label)
		}
		return nil, fmt.Errorf("create %s of %s: %w", k.table, ws, err)
	}
	out := make([]DTO, 0, len(rows))
	for _, r := range rows {
		found, err := s.Find(ctx, ws, k, Query{ID: r.id})
		if err != nil {
			return nil, err
		}
		if len(found) == 1 {
			out = append(out, found[0])
		}
	}
	return out, nil
}

// insert is the statement that inserts r.
func (k *Kind) insert(ws string, r row, stamp string) d1.Stmt {
	cols, args := []string{"id", "workspace_id"}, []any{r.id, ws}
	for _, c := range k.cols {
		cols, args = append(cols, c.sql), append(args, r.vals[c.key])
	}
	cols, args = append(cols, "created_at", "updated_at"), append(args, stamp, stamp)
	return d1.Stmt{
		SQL:  "INSERT INTO " + k.table + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")",
		Args: args,
	}
}

// Update applies Twenty's update input to the entity with id and answers it. Properties an
// update cannot change (viewId, objectMetadataId, …) are left as they are.
func (s *Store) Update(ctx context.Context, ws string, k *Kind, id string, update []byte) (DTO, error) {
	in, err := decode(update)
	if err != nil {
		return nil, err
	}
	cur, err := s.findOne(ctx, ws, k, id, "update", false)
	if err != nil {
		return nil, err
	}
	r := row{id: cur["id"].(string), vals: map[string]any{}}
	var sets []string
	var args []any
	for _, c := range k.cols {
		v, given := in[c.key]
		if !given || !c.update {
			r.vals[c.key] = nil
			if c.key == "viewId" || c.key == "objectMetadataId" {
				r.vals[c.key] = cur[c.key]
			}
			continue
		}
		sv, err := stored(c, v)
		if err != nil {
			return nil, err
		}
		if sv == nil && c.def != nil {
			return nil, invalid("%s cannot be null", c.key)
		}
		r.vals[c.key] = sv
		sets, args = append(sets, c.sql+" = ?"), append(args, sv)
	}
	if k == ViewFieldGroup {
		// Twenty's UpdateViewFieldGroupInputUpdates also takes deletedAt.
		if v, given := in["deletedAt"]; given {
			if v != nil {
				if _, ok := v.(string); !ok {
					return nil, invalid("deletedAt must be a string")
				}
			}
			sets, args = append(sets, "deleted_at = ?"), append(args, v)
		}
	}
	if err := s.checkRefs(ctx, ws, k, []row{r}); err != nil {
		return nil, err
	}
	if len(sets) > 0 {
		sets, args = append(sets, "updated_at = ?"), append(args, now(), r.id, ws)
		if _, err := s.Control.Batch(ctx, d1.Stmt{SQL: "UPDATE " + k.table + " SET " + strings.Join(sets, ", ") + " WHERE id = ? AND workspace_id = ?", Args: args}); err != nil {
			return nil, fmt.Errorf("update %s %s of %s: %w", k.table, r.id, ws, err)
		}
	}
	return s.findOne(ctx, ws, k, r.id, "update", true)
}

// Delete soft-deletes the entity with id (its deletedAt), or removes it when destroy is set
// (a view with all its parts), and answers it as it was.
func (s *Store) Delete(ctx context.Context, ws string, k *Kind, id string, destroy bool) (DTO, error) {
	op := "delete"
	if destroy {
		op = "destroy"
	}
	cur, err := s.findOne(ctx, ws, k, id, op, destroy)
	if err != nil {
		return nil, err
	}
	if destroy {
		_, err = s.Control.Batch(ctx, d1.Stmt{SQL: "DELETE FROM " + k.table + " WHERE id = ? AND workspace_id = ?", Args: []any{cur["id"], ws}})
	} else {
		stamp := now()
		cur["deletedAt"] = stamp
		_, err = s.Control.Batch(ctx, d1.Stmt{SQL: "UPDATE " + k.table + " SET deleted_at = ?, updated_at = ? WHERE id = ? AND workspace_id = ?", Args: []any{stamp, stamp, cur["id"], ws}})
	}
	if err != nil {
		return nil, fmt.Errorf("delete %s %s of %s: %w", k.table, id, ws, err)
	}
	return cur, nil
}

// groupRefs are the properties naming another part of the same view.
var groupRefs = map[string]*Kind{
	"viewFilterGroupId": ViewFilterGroup, "parentViewFilterGroupId": ViewFilterGroup, "viewFieldGroupId": ViewFieldGroup,
}

// checkRefs checks what rows of kind k refer to, in one round trip: a view's object is one of
// the workspace's; a part's view is one of the workspace's views, its fields are fields of the
// view's object and its groups are groups of the same view.
func (s *Store) checkRefs(ctx context.Context, ws string, k *Kind, rows []row) error {
	stmts := []d1.Stmt{
		{SQL: `SELECT id FROM object_metadata WHERE workspace_id = ?`, Args: []any{ws}},
		{SQL: `SELECT o.id, json_extract(f.value, '$.ID') FROM object_metadata AS o, json_each(o.definition, '$.Fields') AS f WHERE o.workspace_id = ?`, Args: []any{ws}},
		{SQL: `SELECT id, object_metadata_id FROM view WHERE workspace_id = ? AND deleted_at IS NULL`, Args: []any{ws}},
		{SQL: `SELECT id, view_id FROM view_filter_group WHERE workspace_id = ?`, Args: []any{ws}},
		{SQL: `SELECT id, view_id FROM view_field_group WHERE workspace_id = ?`, Args: []any{ws}},
	}
	res, err := s.Control.Batch(ctx, stmts...)
	if err != nil {
		return fmt.Errorf("read the references of %s of %s: %w", k.table, ws, err)
	}
	objects := map[string]bool{}
	for _, r := range res[0].Rows {
		id, _ := r[0].(string)
		objects[id] = true
	}
	fields := map[string]string{} // field id → object id
	for _, r := range res[1].Rows {
		o, _ := r[0].(string)
		f, _ := r[1].(string)
		fields[f] = o
	}
	views := map[string]string{} // view id → object id
	for _, r := range res[2].Rows {
		v, _ := r[0].(string)
		views[v], _ = r[1].(string)
	}
	groups := map[*Kind]map[string]string{ViewFilterGroup: {}, ViewFieldGroup: {}}
	for i, g := range []*Kind{ViewFilterGroup, ViewFieldGroup} {
		for _, r := range res[3+i].Rows {
			id, _ := r[0].(string)
			groups[g][id], _ = r[1].(string)
		}
	}
	for _, r := range rows {
		object, viewID := "", ""
		if k == View {
			object, _ = r.vals["objectMetadataId"].(string)
			if !objects[object] {
				return invalidData("Object metadata not found")
			}
		} else {
			viewID, _ = r.vals["viewId"].(string)
			o, ok := views[viewID]
			if !ok {
				return invalidData("View not found")
			}
			object = o
		}
		for _, c := range k.cols {
			v, _ := r.vals[c.key].(string)
			if v == "" {
				continue
			}
			switch {
			case c.key == "relationTargetFieldMetadataId":
				if _, ok := fields[v]; !ok {
					return invalidData("Field metadata not found")
				}
			case c.key == "fieldMetadataId" || strings.HasSuffix(c.key, "FieldMetadataId"):
				if fields[v] != object {
					return invalidData("Field metadata not found")
				}
			case groupRefs[c.key] != nil:
				g := groupRefs[c.key]
				if owner, ok := groups[g][v]; !ok || owner != viewID {
					return invalidData(g.label + " not found")
				}
				if c.key == "parentViewFilterGroupId" && v == r.id {
					return invalidData("A view filter group cannot be its own parent")
				}
			}
		}
	}
	return nil
}

// Access is what deciding who may change a view needs (Twenty's ViewAccessService): its
// visibility and creator.
type Access struct {
	Found                    bool
	Visibility, CreatedByUWS string
}

// AccessOf answers the access of the view that a call on kind k names: the view with id, or the
// view of the part with id, or (viewID set) that view; soft-deleted views too. Not found is no
// error: the call answers it.
func (s *Store) AccessOf(ctx context.Context, ws string, k *Kind, id, viewID string) (Access, error) {
	q, arg := `SELECT visibility, coalesce(created_by_user_workspace_id, '') FROM view WHERE workspace_id = ? AND id = ?`, viewID
	if viewID == "" {
		arg = id
		if k != View {
			q = `SELECT v.visibility, coalesce(v.created_by_user_workspace_id, '') FROM view AS v JOIN ` + k.table +
				` AS p ON p.view_id = v.id WHERE v.workspace_id = ? AND p.id = ?`
		}
	}
	if !ids.IsUUID(arg) {
		return Access{}, nil
	}
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: q, Args: []any{ws, strings.ToLower(arg)}})
	if err != nil {
		return Access{}, fmt.Errorf("read the access of view %s of %s: %w", arg, ws, err)
	}
	if len(res[0].Rows) == 0 {
		return Access{}, nil
	}
	a := Access{Found: true}
	a.Visibility, _ = res[0].Rows[0][0].(string)
	a.CreatedByUWS, _ = res[0].Rows[0][1].(string)
	return a, nil
}

// seedIndexViews makes the "All" views of a workspace that has no view at all (one made before
// views existed), in one batch that fails when another call made them first.
func (s *Store) seedIndexViews(ctx context.Context, ws string) error {
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: `SELECT definition FROM object_metadata WHERE workspace_id = ? ORDER BY created_at, id`, Args: []any{ws}})
	if err != nil {
		return fmt.Errorf("read the objects of %s: %w", ws, err)
	}
	var objects []metadata.Object
	for _, r := range res[0].Rows {
		def, _ := r[0].(string)
		var o metadata.Object
		if err := json.Unmarshal([]byte(def), &o); err != nil {
			return fmt.Errorf("decode an object of %s: %w", ws, err)
		}
		objects = append(objects, o)
	}
	stmts := IndexViewStatements(ws, objects)
	if len(stmts) == 0 {
		return nil
	}
	// json() of a non-JSON text raises an error, which fails the whole batch.
	guard := d1.Stmt{SQL: `SELECT CASE WHEN EXISTS (SELECT 1 FROM view WHERE workspace_id = ?) THEN json('views already made') ELSE 1 END`, Args: []any{ws}}
	if _, err := s.Control.Batch(ctx, append([]d1.Stmt{guard}, stmts...)...); err != nil {
		var n int
		if qerr := s.Control.QueryRowContext(ctx, `SELECT count(*) FROM view WHERE workspace_id = ?`, ws).Scan(&n); qerr == nil && n > 0 {
			return nil // another call made them
		}
		return fmt.Errorf("make the views of %s: %w", ws, err)
	}
	return nil
}

// mainGroupByGroups are the view groups Twenty makes with a view grouped by a SELECT field (a
// kanban's mainGroupByFieldMetadataId): one per option, in the options' order, and one for no
// value ("") when the field may be empty.
func (s *Store) mainGroupByGroups(ctx context.Context, ws string, v row, stamp string) ([]d1.Stmt, error) {
	fieldID, _ := v.vals["mainGroupByFieldMetadataId"].(string)
	object, _ := v.vals["objectMetadataId"].(string)
	if fieldID == "" {
		return nil, nil
	}
	res, err := s.Control.Batch(ctx, d1.Stmt{SQL: `SELECT f.value FROM object_metadata AS o, json_each(o.definition, '$.Fields') AS f
WHERE o.workspace_id = ? AND o.id = ? AND json_extract(f.value, '$.ID') = ?`, Args: []any{ws, object, fieldID}})
	if err != nil {
		return nil, fmt.Errorf("read the field %s of %s: %w", fieldID, ws, err)
	}
	if len(res[0].Rows) == 0 {
		return nil, nil // checkRefs refused it already
	}
	raw, _ := res[0].Rows[0][0].(string)
	var f metadata.Field
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return nil, fmt.Errorf("decode the field %s of %s: %w", fieldID, ws, err)
	}
	if f.Type != metadata.TypeSelect {
		return nil, nil
	}
	values := make([]string, 0, len(f.Options)+1)
	for _, o := range f.Options {
		values = append(values, o.Value)
	}
	if f.IsNullable {
		values = append(values, "")
	}
	stmts := make([]d1.Stmt, 0, len(values))
	for i, value := range values {
		g := row{id: ids.NewUUID(), vals: map[string]any{"viewId": v.id, "isVisible": true, "fieldValue": value, "position": float64(i)}}
		stmts = append(stmts, ViewGroup.insert(ws, g, stamp))
	}
	return stmts, nil
}
