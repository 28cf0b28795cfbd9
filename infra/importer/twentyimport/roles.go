package twentyimport

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// This file reads Twenty's roles and permissions across the versions the importer supports and
// turns them into the control database's roles, object_permissions, field_permissions and
// role_permission_flags (migration 0012):
//
//   - core.role: the can* columns arrived over several versions (canReadAllObjectRecords and its
//     siblings first, canAccessAllTools and canBeAssignedTo* later); a column the source lacks
//     gets the value Twenty gave every role before it existed.
//   - core.objectPermission (canReadObjectRecords, canUpdateObjectRecords,
//     canSoftDeleteObjectRecords, canDestroyObjectRecords) and core.fieldPermission
//     (canReadFieldValue, canUpdateFieldValue), both keyed by the metadata ids the import keeps.
//   - the settings flags: core.settingPermission (setting; the oldest also canUpdateSetting),
//     then core.permissionFlag (permissionFlag, then flag), then from 2.6 core.rolePermissionFlag
//     pointing at a core.permissionFlag catalog (key).
//   - who has which role: core.userWorkspaceRole (members only), then core.roleTargets, then
//     core.roleTarget (members, API keys and agents).

// ObjectPermission is a role's permission on one object's records; nil follows the role.
type ObjectPermission struct {
	ID, RoleID, ObjectID, CreatedAt               string
	CanRead, CanUpdate, CanSoftDelete, CanDestroy *bool
}

// FieldPermission is a role's restriction on one field.
type FieldPermission struct {
	ID, RoleID, ObjectID, FieldID, CreatedAt string
	CanRead, CanUpdate                       *bool
}

// PermissionFlag is a settings permission a role has.
type PermissionFlag struct {
	ID, RoleID, Flag, CreatedAt string
}

// tableColumns answers the columns of core.table (nil when the table does not exist), cached.
func (s *Source) coreColumns(ctx context.Context, table string) (map[string]string, error) {
	if s.cols == nil {
		s.cols = map[string]map[string]string{}
	}
	if c, ok := s.cols[table]; ok {
		return c, nil
	}
	c, err := s.TableColumns(ctx, "core", table)
	if err != nil {
		return nil, err
	}
	s.cols[table] = c
	return c, nil
}

// colOr answers "alias"."col" when the table has col, else the SQL literal def.
func colOr(cols map[string]string, alias, col, def string) string {
	if _, ok := cols[col]; ok {
		return alias + `."` + col + `"`
	}
	return def
}

// roleSelect answers the SELECT list of core.role r read into Role, whatever the version.
func (s *Source) roleSelect(ctx context.Context) (string, error) {
	cols, err := s.coreColumns(ctx, "role")
	if err != nil {
		return "", err
	}
	if cols == nil {
		return "", fmt.Errorf("%w: no core.role table", ErrUnsupportedVersion)
	}
	b := func(col, def string) string { return `coalesce(` + colOr(cols, "r", col, def) + `, ` + def + `)` }
	return strings.Join([]string{
		`r.id::text`, `r."workspaceId"::text`, `r.label`, `coalesce(r.description, '')`, `coalesce(` + colOr(cols, "r", "icon", "NULL") + `, '')`,
		`coalesce(` + colOr(cols, "r", "standardId", "NULL") + `::text, '')`,
		`r."isEditable"`, `r."canUpdateAllSettings"`,
		b("canAccessAllTools", "true"), b("canReadAllObjectRecords", "true"), b("canUpdateAllObjectRecords", "true"),
		b("canSoftDeleteAllObjectRecords", "true"), b("canDestroyAllObjectRecords", "true"),
		b("canBeAssignedToUsers", "true"), b("canBeAssignedToAgents", "false"),
		// Before roles could be an API key's, a key acted as Admin: only Admin could be one's.
		`coalesce(` + colOr(cols, "r", "canBeAssignedToApiKeys", "NULL") + `, r.label = 'Admin')`,
		tsExpr(`r."createdAt"`), tsExpr(colOr(cols, "r", "updatedAt", `r."createdAt"`)),
	}, ", "), nil
}

// Roles lists the roles of the installation with their can* columns.
func (s *Source) Roles(ctx context.Context) ([]Role, error) {
	sel, err := s.roleSelect(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT `+sel+` FROM core.role r ORDER BY r."workspaceId", r."createdAt", r.id`)
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Role, error) {
		var x Role
		return x, r.Scan(&x.ID, &x.WorkspaceID, &x.Label, &x.Description, &x.Icon, &x.StandardID, &x.IsEditable, &x.CanUpdateAllSettings,
			&x.CanAccessAllTools, &x.CanReadAll, &x.CanUpdateAll, &x.CanSoftDeleteAll, &x.CanDestroyAll,
			&x.CanBeAssignedToUsers, &x.CanBeAssignedToAgents, &x.CanBeAssignedToAPIKeys, &x.CreatedAt, &x.UpdatedAt)
	})
}

// roleAssignments answers the SQL reading (target id, role id) pairs of the installation from
// whichever assignment tables exist: kind is "userWorkspaceId" or "apiKeyId".
func (s *Source) roleAssignments(ctx context.Context, kind string) (string, error) {
	var parts []string
	for _, t := range []string{"roleTarget", "roleTargets", "userWorkspaceRole"} {
		cols, err := s.coreColumns(ctx, t)
		if err != nil {
			return "", err
		}
		if _, ok := cols[kind]; !ok {
			continue
		}
		parts = append(parts, `SELECT "`+kind+`" AS target, "roleId" AS role, "createdAt" AS at FROM core."`+t+`" WHERE "`+kind+`" IS NOT NULL`)
	}
	if len(parts) == 0 {
		return `SELECT NULL::uuid AS target, NULL::uuid AS role, now() AS at WHERE false`, nil
	}
	return strings.Join(parts, " UNION ALL "), nil
}

// ObjectPermissions lists the object permissions of the installation's roles.
func (s *Source) ObjectPermissions(ctx context.Context) (map[string][]ObjectPermission, error) {
	cols, err := s.coreColumns(ctx, "objectPermission")
	if err != nil || cols == nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT p.id::text, r."workspaceId"::text, p."roleId"::text, p."objectMetadataId"::text, `+tsExpr(`p."createdAt"`)+`,
p."canReadObjectRecords", p."canUpdateObjectRecords", p."canSoftDeleteObjectRecords", p."canDestroyObjectRecords"
FROM core."objectPermission" p JOIN core.role r ON r.id = p."roleId" ORDER BY p."createdAt", p.id`)
	if err != nil {
		return nil, fmt.Errorf("read object permissions: %w", err)
	}
	out := map[string][]ObjectPermission{}
	for rows.Next() {
		var p ObjectPermission
		var ws string
		if err := rows.Scan(&p.ID, &ws, &p.RoleID, &p.ObjectID, &p.CreatedAt, &p.CanRead, &p.CanUpdate, &p.CanSoftDelete, &p.CanDestroy); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read object permissions: %w", err)
		}
		out[ws] = append(out[ws], p)
	}
	return out, rows.Err()
}

// FieldPermissions lists the field permissions of the installation's roles.
func (s *Source) FieldPermissions(ctx context.Context) (map[string][]FieldPermission, error) {
	cols, err := s.coreColumns(ctx, "fieldPermission")
	if err != nil || cols == nil {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, `SELECT p.id::text, r."workspaceId"::text, p."roleId"::text, p."objectMetadataId"::text, p."fieldMetadataId"::text,
`+tsExpr(`p."createdAt"`)+`, p."canReadFieldValue", p."canUpdateFieldValue"
FROM core."fieldPermission" p JOIN core.role r ON r.id = p."roleId" ORDER BY p."createdAt", p.id`)
	if err != nil {
		return nil, fmt.Errorf("read field permissions: %w", err)
	}
	out := map[string][]FieldPermission{}
	for rows.Next() {
		var p FieldPermission
		var ws string
		if err := rows.Scan(&p.ID, &ws, &p.RoleID, &p.ObjectID, &p.FieldID, &p.CreatedAt, &p.CanRead, &p.CanUpdate); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read field permissions: %w", err)
		}
		out[ws] = append(out[ws], p)
	}
	return out, rows.Err()
}

// flagQuery answers the SQL reading (id, workspace, role, flag, createdAt) of the settings flags
// roles have, in the source's version; "" when it keeps none.
func (s *Source) flagQuery(ctx context.Context) (string, error) {
	sel := func(alias, flag string) string {
		return alias + `.id::text, r."workspaceId"::text, ` + alias + `."roleId"::text, ` + flag + `::text, ` + tsExpr(alias+`."createdAt"`)
	}
	rpf, err := s.coreColumns(ctx, "rolePermissionFlag")
	if err != nil {
		return "", err
	}
	pf, err := s.coreColumns(ctx, "permissionFlag")
	if err != nil {
		return "", err
	}
	sp, err := s.coreColumns(ctx, "settingPermission")
	if err != nil {
		return "", err
	}
	switch {
	case rpf != nil && pf != nil && rpf["permissionFlagId"] != "" && pf["key"] != "":
		flag := `c.key`
		if rpf["flag"] != "" {
			flag = `coalesce(c.key, f.flag)`
		}
		return `SELECT ` + sel("f", flag) + ` FROM core."rolePermissionFlag" f JOIN core.role r ON r.id = f."roleId"
LEFT JOIN core."permissionFlag" c ON c.id = f."permissionFlagId" ORDER BY f."createdAt", f.id`, nil
	case rpf != nil && rpf["flag"] != "":
		return `SELECT ` + sel("f", `f.flag`) + ` FROM core."rolePermissionFlag" f JOIN core.role r ON r.id = f."roleId" ORDER BY f."createdAt", f.id`, nil
	case pf != nil && pf["roleId"] != "" && (pf["flag"] != "" || pf["permissionFlag"] != ""):
		col := `f.flag`
		if pf["flag"] == "" {
			col = `f."permissionFlag"`
		}
		return `SELECT ` + sel("f", col) + ` FROM core."permissionFlag" f JOIN core.role r ON r.id = f."roleId" ORDER BY f."createdAt", f.id`, nil
	case sp != nil:
		where := ""
		if sp["canUpdateSetting"] != "" {
			where = ` WHERE f."canUpdateSetting"`
		}
		return `SELECT ` + sel("f", `f.setting`) + ` FROM core."settingPermission" f JOIN core.role r ON r.id = f."roleId"` + where + ` ORDER BY f."createdAt", f.id`, nil
	}
	return "", nil
}

// PermissionFlags lists the settings flags of the installation's roles, per workspace.
func (s *Source) PermissionFlags(ctx context.Context) (map[string][]PermissionFlag, error) {
	q, err := s.flagQuery(ctx)
	if err != nil || q == "" {
		return nil, err
	}
	rows, err := s.conn.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read permission flags: %w", err)
	}
	out := map[string][]PermissionFlag{}
	for rows.Next() {
		var f PermissionFlag
		var ws string
		var flag *string
		if err := rows.Scan(&f.ID, &ws, &f.RoleID, &flag, &f.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read permission flags: %w", err)
		}
		if flag == nil || *flag == "" {
			continue
		}
		f.Flag = *flag
		out[ws] = append(out[ws], f)
	}
	return out, rows.Err()
}

// roleKind answers which of ours a Twenty role becomes: "admin" and "member" for Twenty's two
// standard roles (kept as ours, with their imported values), "" for a custom role.
func roleKind(r Role) string {
	switch {
	case strings.EqualFold(r.Label, "admin"):
		return "admin"
	case strings.EqualFold(r.Label, "member"):
		return "member"
	}
	return ""
}

// roleStatements answers the control rows of workspace w's roles and their permissions, and the
// Twenty role id → our role id mapping. Permissions on an object or field the import left out
// are reported and left out too.
// The roles' rows come first (members and keys refer to them), the permissions' after the objects'.
func roleStatements(c Core, w Workspace, objects []importschema.Object) (roles, perms []stmt, roleFor, kept map[string]string, skipped []Skipped) {
	stmts := &roles
	roleFor = map[string]string{} // Twenty role id → our role id
	kept = map[string]string{}    // "admin"/"member" → our role id
	labels := map[string]bool{}
	for _, r := range c.Roles {
		if r.WorkspaceID != w.ID {
			continue
		}
		kind := roleKind(r)
		if kind != "" && kept[kind] != "" {
			roleFor[r.ID] = kept[kind]
			skipped = append(skipped, Skipped{"role " + r.Label, "merged into the workspace's " + kind + " role (a second role of that name)"})
			continue
		}
		label := r.Label
		for i := 2; labels[strings.ToLower(label)]; i++ {
			label = fmt.Sprintf("%s (%d)", r.Label, i)
		}
		labels[strings.ToLower(label)] = true
		var std any
		if kind != "" {
			std, kept[kind] = kind, r.ID
		}
		roleFor[r.ID] = r.ID
		icon := r.Icon
		if icon == "" {
			icon = "IconUser"
		}
		updateAll := r.CanUpdateAllSettings || kind == "admin"
		*stmts = append(*stmts, stmt{`INSERT INTO roles (id, workspace_id, standard_id, label, description, icon, is_editable, can_update_all_settings,
can_access_all_tools, can_read_all_object_records, can_update_all_object_records, can_soft_delete_all_object_records, can_destroy_all_object_records,
can_be_assigned_to_users, can_be_assigned_to_agents, can_be_assigned_to_api_keys, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[]any{r.ID, w.ID, std, label, r.Description, icon, b2i(r.IsEditable), b2i(updateAll),
				b2i(r.CanAccessAllTools), b2i(r.CanReadAll), b2i(r.CanUpdateAll), b2i(r.CanSoftDeleteAll), b2i(r.CanDestroyAll),
				b2i(r.CanBeAssignedToUsers), b2i(r.CanBeAssignedToAgents), b2i(r.CanBeAssignedToAPIKeys || kind == "admin"), r.CreatedAt, r.UpdatedAt}})
	}
	stmts = &perms
	objectNames := map[string]string{}
	fieldObject := map[string]string{} // field id → object id
	for _, o := range objects {
		objectNames[o.ID] = o.NameSingular
		for _, f := range o.Fields {
			fieldObject[f.ID] = o.ID
		}
	}
	for _, p := range c.ObjectPermissions[w.ID] {
		role := roleFor[p.RoleID]
		if objectNames[p.ObjectID] == "" {
			skipped = append(skipped, Skipped{"object permission " + p.ID, "its object " + p.ObjectID + " is not imported"})
			continue
		}
		if role != p.RoleID {
			skipped = append(skipped, Skipped{"object permission " + p.ID, "its role was merged into another"})
			continue
		}
		*stmts = append(*stmts, stmt{`INSERT INTO object_permissions (id, workspace_id, role_id, object_metadata_id, can_read, can_update, can_soft_delete, can_destroy, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[]any{p.ID, w.ID, role, p.ObjectID, optB(p.CanRead), optB(p.CanUpdate), optB(p.CanSoftDelete), optB(p.CanDestroy), p.CreatedAt, p.CreatedAt}})
	}
	for _, p := range c.FieldPermissions[w.ID] {
		role := roleFor[p.RoleID]
		if fieldObject[p.FieldID] == "" || fieldObject[p.FieldID] != p.ObjectID {
			skipped = append(skipped, Skipped{"field permission " + p.ID, "its field " + p.FieldID + " is not imported"})
			continue
		}
		if role != p.RoleID {
			skipped = append(skipped, Skipped{"field permission " + p.ID, "its role was merged into another"})
			continue
		}
		*stmts = append(*stmts, stmt{`INSERT INTO field_permissions (id, workspace_id, role_id, object_metadata_id, field_metadata_id, can_read, can_update, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[]any{p.ID, w.ID, role, p.ObjectID, p.FieldID, optB(p.CanRead), optB(p.CanUpdate), p.CreatedAt, p.CreatedAt}})
	}
	for _, f := range c.PermissionFlags[w.ID] {
		role := roleFor[f.RoleID]
		if role != f.RoleID {
			skipped = append(skipped, Skipped{"permission flag " + f.Flag + " of role " + f.RoleID, "its role was merged into another"})
			continue
		}
		*stmts = append(*stmts, stmt{`INSERT INTO role_permission_flags (id, workspace_id, role_id, flag, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			[]any{f.ID, w.ID, role, f.Flag, f.CreatedAt}})
	}
	return roles, perms, roleFor, kept, skipped
}

// optB stores an optional boolean as NULL, 0 or 1.
func optB(b *bool) any {
	if b == nil {
		return nil
	}
	return b2i(*b)
}

// verifyRoles compares workspace w's roles (ids and their record permissions), object and field
// permissions, settings flags and role assignments (members' and API keys') in the source with
// the control database's rows. Permissions on objects or fields the import left out (reported)
// are not expected.
func verifyRoles(ctx context.Context, src *Source, tgt *Target, c Core, w Workspace, objects []importschema.Object) (Results, error) {
	fieldObject := map[string]string{}
	objectIDs := map[string]bool{}
	for _, o := range objects {
		objectIDs[o.ID] = true
		for _, f := range o.Fields {
			fieldObject[f.ID] = o.ID
		}
	}
	var roles, objPerms, fieldPerms, flags, assigned [][]any
	for _, r := range c.Roles {
		if r.WorkspaceID == w.ID {
			roles = append(roles, []any{r.ID, b2i(r.CanReadAll), b2i(r.CanUpdateAll), b2i(r.CanSoftDeleteAll), b2i(r.CanDestroyAll)})
		}
	}
	for _, p := range c.ObjectPermissions[w.ID] {
		if objectIDs[p.ObjectID] {
			objPerms = append(objPerms, []any{p.ID, p.RoleID, p.ObjectID, optB(p.CanRead), optB(p.CanUpdate), optB(p.CanSoftDelete), optB(p.CanDestroy)})
		}
	}
	for _, p := range c.FieldPermissions[w.ID] {
		if fieldObject[p.FieldID] != "" && fieldObject[p.FieldID] == p.ObjectID {
			fieldPerms = append(fieldPerms, []any{p.ID, p.RoleID, p.FieldID, optB(p.CanRead), optB(p.CanUpdate)})
		}
	}
	for _, f := range c.PermissionFlags[w.ID] {
		flags = append(flags, []any{f.ID, f.RoleID, f.Flag})
	}
	members := map[string]bool{} // users with a workspaceMember record: the memberships imported
	rows, err := src.conn.Query(ctx, `SELECT DISTINCT "userId"::text FROM `+pgx.Identifier{w.Schema, "workspaceMember"}.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("verify role assignments: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("verify role assignments: %w", err)
	}
	for _, id := range ids {
		members[id] = true
	}
	for _, m := range c.Memberships {
		if m.WorkspaceID == w.ID && m.RoleID != nil && members[m.UserID] {
			assigned = append(assigned, []any{m.ID, *m.RoleID})
		}
	}
	for _, k := range c.APIKeys {
		if k.WorkspaceID == w.ID && k.RoleID != nil {
			assigned = append(assigned, []any{k.ID, *k.RoleID})
		}
	}
	// The target's assignments of the same members and keys (the others got Member or Admin).
	var targets []any
	marks := make([]string, 0, len(assigned))
	for _, a := range assigned {
		targets = append(targets, a[0])
		marks = append(marks, "?")
	}
	in := "(" + strings.Join(marks, ", ") + ")"
	if len(marks) == 0 {
		in = "(NULL)"
	}
	checks := []struct {
		name  string
		src   [][]any
		cols  int
		query string
		args  []any
	}{
		{"core.role", roles, 5, `SELECT id, can_read_all_object_records, can_update_all_object_records, can_soft_delete_all_object_records,
can_destroy_all_object_records FROM roles WHERE workspace_id = ? ORDER BY id`, []any{w.ID}},
		{"core.objectPermission", objPerms, 7, `SELECT id, role_id, object_metadata_id, can_read, can_update, can_soft_delete, can_destroy
FROM object_permissions WHERE workspace_id = ? ORDER BY id`, []any{w.ID}},
		{"core.fieldPermission", fieldPerms, 5, `SELECT id, role_id, field_metadata_id, can_read, can_update FROM field_permissions WHERE workspace_id = ? ORDER BY id`, []any{w.ID}},
		{"core.permissionFlag", flags, 3, `SELECT id, role_id, flag FROM role_permission_flags WHERE workspace_id = ? ORDER BY id`, []any{w.ID}},
		{"core.roleTarget", assigned, 2, `SELECT id, role_id FROM (SELECT id, role_id FROM user_workspaces WHERE workspace_id = ? UNION ALL
SELECT id, role_id FROM api_keys WHERE workspace_id = ?) WHERE id IN ` + in + ` ORDER BY id`, append([]any{w.ID, w.ID}, targets...)},
	}
	var out Results
	for _, ch := range checks {
		slices.SortFunc(ch.src, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
		h := sha256.New()
		for _, r := range ch.src {
			addRow(h, r)
		}
		r := Result{Workspace: w.ID, Table: ch.name, SourceRows: int64(len(ch.src)), SourceSum: hex.EncodeToString(h.Sum(nil))}
		if r.TargetRows, r.TargetSum, err = sqliteSum(ctx, tgt.Control, ch.query, ch.cols, ch.args...); err != nil {
			return nil, fmt.Errorf("verify %s: %w", ch.name, err)
		}
		out = append(out, r)
	}
	return out, nil
}
