// Package permissions is Twenty's roles and permissions model and the checks the records engine
// asks before it reads or writes records: a workspace's roles (Admin, Member, custom ones) with
// their object permissions, field permissions and settings permission flags, which role each
// member and API key has, and what a principal may do. It is plain data and plain functions, so
// it is tested natively; the records Worker keeps a workspace's Model in its cached schema.
//
// It follows Twenty's permissions.utils.ts (validateOperationIsPermittedOrThrow) and
// WorkspacePermissionsCacheService: an object permission overrides the role's
// can*AllObjectRecords for one object; a field permission only restricts (canReadFieldValue or
// canUpdateFieldValue false); a role that can update all settings has every settings flag.
package permissions

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// Op is what an operation does to an object's records (Twenty's OperationType).
type Op int

const (
	// Read is select.
	Read Op = iota
	// Update is insert and update (Twenty's canUpdateObjectRecords covers both).
	Update
	// SoftDelete is soft-delete and restore.
	SoftDelete
	// Destroy is delete.
	Destroy
)

// Twenty's settings permission flags (PermissionFlagType).
const (
	FlagAPIKeysAndWebhooks = "API_KEYS_AND_WEBHOOKS"
	FlagWorkspace          = "WORKSPACE"
	FlagWorkspaceMembers   = "WORKSPACE_MEMBERS"
	FlagRoles              = "ROLES"
	FlagDataModel          = "DATA_MODEL"
	FlagSecurity           = "SECURITY"
	FlagWorkflows          = "WORKFLOWS"
)

// Flags are every flag Twenty's PermissionFlagType has, in its order.
var Flags = []string{
	"API_KEYS_AND_WEBHOOKS", "WORKSPACE", "WORKSPACE_MEMBERS", "ROLES", "DATA_MODEL", "SECURITY",
	"WORKFLOWS", "IMPERSONATE", "SSO_BYPASS", "APPLICATIONS", "MARKETPLACE_APPS", "LAYOUTS", "BILLING",
	"AI_SETTINGS", "AI", "VIEWS", "UPLOAD_FILE", "DOWNLOAD_FILE", "SEND_EMAIL_TOOL",
	"CREATE_CALENDAR_EVENT_TOOL", "HTTP_REQUEST_TOOL", "CODE_INTERPRETER_TOOL", "IMPORT_CSV", "EXPORT_CSV",
	"CONNECTED_ACCOUNTS", "PROFILE_INFORMATION",
}

// toolFlags are the flags can_access_all_tools grants (Twenty's TOOL_PERMISSION_FLAGS).
var toolFlags = []string{"SEND_EMAIL_TOOL", "CREATE_CALENDAR_EVENT_TOOL", "HTTP_REQUEST_TOOL", "CODE_INTERPRETER_TOOL",
	"IMPORT_CSV", "EXPORT_CSV", "UPLOAD_FILE", "DOWNLOAD_FILE", "AI"}

// Role is a role with its permissions, as the control database keeps it.
type Role struct {
	ID          string `json:"id"`
	StandardID  string `json:"standardId,omitempty"` // "admin", "member" or "" (custom)
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
	IsEditable  bool   `json:"isEditable"`

	CanUpdateAllSettings          bool `json:"canUpdateAllSettings"`
	CanAccessAllTools             bool `json:"canAccessAllTools"`
	CanReadAllObjectRecords       bool `json:"canReadAll"`
	CanUpdateAllObjectRecords     bool `json:"canUpdateAll"`
	CanSoftDeleteAllObjectRecords bool `json:"canSoftDeleteAll"`
	CanDestroyAllObjectRecords    bool `json:"canDestroyAll"`
	CanBeAssignedToUsers          bool `json:"toUsers"`
	CanBeAssignedToAgents         bool `json:"toAgents"`
	CanBeAssignedToAPIKeys        bool `json:"toApiKeys"`

	Objects []ObjectPermission `json:"objects,omitempty"`
	Fields  []FieldPermission  `json:"fields,omitempty"`
	Flags   []Flag             `json:"flags,omitempty"`
}

// ObjectPermission overrides a role's can*AllObjectRecords on one object; nil follows the role.
type ObjectPermission struct {
	ID               string `json:"id"`
	ObjectMetadataID string `json:"objectId"`
	CanRead          *bool  `json:"read,omitempty"`
	CanUpdate        *bool  `json:"update,omitempty"`
	CanSoftDelete    *bool  `json:"softDelete,omitempty"`
	CanDestroy       *bool  `json:"destroy,omitempty"`
}

// FieldPermission restricts a role on one field: false forbids reading or updating its value.
type FieldPermission struct {
	ID               string `json:"id"`
	ObjectMetadataID string `json:"objectId"`
	FieldMetadataID  string `json:"fieldId"`
	CanRead          *bool  `json:"read,omitempty"`
	CanUpdate        *bool  `json:"update,omitempty"`
}

// Flag is a settings permission flag a role has.
type Flag struct {
	ID   string `json:"id"`
	Flag string `json:"flag"`
}

// Member is a workspace member's membership: its user workspace and its role.
type Member struct {
	UserWorkspaceID string `json:"userWorkspaceId"`
	RoleID          string `json:"roleId"`
}

// Model is a workspace's roles and who has which.
type Model struct {
	Roles []Role `json:"roles"`
	// Members maps a workspace member's id to its membership.
	Members map[string]Member `json:"members,omitempty"`
	// APIKeys maps an API key's id to its role's id.
	APIKeys map[string]string `json:"apiKeys,omitempty"`
}

// Role answers the role with id, or nil.
func (m *Model) Role(id string) *Role {
	for i := range m.Roles {
		if m.Roles[i].ID == id {
			return &m.Roles[i]
		}
	}
	return nil
}

// Standard answers the standard role with standardID ("admin", "member"), or nil.
func (m *Model) Standard(standardID string) *Role {
	for i := range m.Roles {
		if m.Roles[i].StandardID == standardID {
			return &m.Roles[i]
		}
	}
	return nil
}

// Principal is who a call acts for: a workspace member or an API key.
type Principal struct {
	WorkspaceMemberID string
	APIKeyID          string
}

// RoleOf answers the role of p, and whether p is known to the model at all (a principal it does
// not know may be new since the model was read).
func (m *Model) RoleOf(p Principal) (role *Role, known bool) {
	var id string
	switch {
	case p.APIKeyID != "":
		id, known = m.APIKeys[p.APIKeyID]
	case p.WorkspaceMemberID != "":
		var mem Member
		mem, known = m.Members[p.WorkspaceMemberID]
		id = mem.RoleID
	}
	if !known {
		return nil, false
	}
	return m.Role(id), true
}

// Access is what a role may do to one object's records.
type Access struct {
	Read, Update, SoftDelete, Destroy bool
	// Restricted maps the restricted fields' ids to their restriction.
	Restricted map[string]FieldAccess
}

// FieldAccess is a restriction on one field: false forbids.
type FieldAccess struct {
	CanRead   *bool `json:"canRead,omitempty"`
	CanUpdate *bool `json:"canUpdate,omitempty"`
}

// unreadable reports whether the field's value is hidden.
func (a Access) unreadable(fieldID string) bool {
	r, ok := a.Restricted[fieldID]
	return ok && r.CanRead != nil && !*r.CanRead
}

// unwritable reports whether the field's value may not be written.
func (a Access) unwritable(fieldID string) bool {
	r, ok := a.Restricted[fieldID]
	return ok && r.CanUpdate != nil && !*r.CanUpdate
}

// Scope is what one role may do in a workspace, computed once per role and metadata version.
// A nil *Scope is the system: everything is permitted.
type Scope struct {
	Role *Role
	// all is the access on objects the role has no object or field permission on.
	all    Access
	byID   map[string]Access
	flags  map[string]bool
	noneRO bool // true when the role may do everything on every object (Admin, Member)

	mu    sync.Mutex             // guards plans (no I/O under it)
	plans map[string]*redactPlan // by object id
}

// NewScope computes the scope of role r.
func NewScope(r *Role) *Scope {
	s := &Scope{Role: r, byID: map[string]Access{}, flags: map[string]bool{}}
	s.all = Access{Read: r.CanReadAllObjectRecords, Update: r.CanUpdateAllObjectRecords,
		SoftDelete: r.CanSoftDeleteAllObjectRecords, Destroy: r.CanDestroyAllObjectRecords}
	for _, op := range r.Objects {
		a := s.all
		set(&a.Read, op.CanRead)
		set(&a.Update, op.CanUpdate)
		set(&a.SoftDelete, op.CanSoftDelete)
		set(&a.Destroy, op.CanDestroy)
		s.byID[op.ObjectMetadataID] = a
	}
	for _, fp := range r.Fields {
		if (fp.CanRead == nil || *fp.CanRead) && (fp.CanUpdate == nil || *fp.CanUpdate) {
			continue // only restrictions count
		}
		a, ok := s.byID[fp.ObjectMetadataID]
		if !ok {
			a = s.all
		}
		if a.Restricted == nil { // s.all has none, so every object gets its own
			a.Restricted = map[string]FieldAccess{}
		}
		a.Restricted[fp.FieldMetadataID] = FieldAccess{CanRead: fp.CanRead, CanUpdate: fp.CanUpdate}
		s.byID[fp.ObjectMetadataID] = a
	}
	for _, f := range r.Flags {
		s.flags[f.Flag] = true
	}
	if r.CanAccessAllTools {
		for _, f := range toolFlags {
			s.flags[f] = true
		}
	}
	s.noneRO = s.all.Read && s.all.Update && s.all.SoftDelete && s.all.Destroy && len(s.byID) == 0
	return s
}

func set(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}

// Unrestricted reports whether the scope permits everything on every object's records, so the
// engine has nothing to check or hide.
func (s *Scope) Unrestricted() bool { return s == nil || s.noneRO }

// Access answers what the scope may do to the records of the object with id.
func (s *Scope) Access(objectID string) Access {
	if s == nil {
		return Access{Read: true, Update: true, SoftDelete: true, Destroy: true}
	}
	if a, ok := s.byID[objectID]; ok {
		return a
	}
	return s.all
}

// HasFlag reports whether the scope has the settings permission flag: a role that can update all
// settings has every one (Twenty's SettingsPermissionGuard).
func (s *Scope) HasFlag(flag string) bool {
	if s == nil || s.Role.CanUpdateAllSettings {
		return true
	}
	return s.flags[flag]
}

// FlagList answers the flags the scope has, in Twenty's order.
func (s *Scope) FlagList() []string {
	out := []string{}
	for _, f := range Flags {
		if s.HasFlag(f) {
			out = append(out, f)
		}
	}
	return out
}

// Error is Twenty's PermissionsException: Code is its code (PERMISSION_DENIED, …), Message its
// message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Twenty's PermissionsException codes the records Worker answers.
const (
	CodePermissionDenied   = "PERMISSION_DENIED"
	CodeRoleNotFound       = "ROLE_NOT_FOUND"
	CodeRoleNotEditable    = "ROLE_NOT_EDITABLE"
	CodeInvalidArg         = "INVALID_ARG_PERMISSIONS"
	CodeRoleLabelExists    = "ROLE_LABEL_ALREADY_EXISTS"
	CodeDefaultRoleDelete  = "DEFAULT_ROLE_CANNOT_BE_DELETED"
	CodeObjectNotFound     = "OBJECT_METADATA_NOT_FOUND_PERMISSIONS"
	CodeFieldNotFound      = "FIELD_METADATA_NOT_FOUND"
	CodeSystemObject       = "CANNOT_ADD_OBJECT_PERMISSION_ON_SYSTEM_OBJECT"
	CodeSystemObjectField  = "CANNOT_ADD_FIELD_PERMISSION_ON_SYSTEM_OBJECT"
	CodeWriteWithoutRead   = "CANNOT_GIVE_WRITING_PERMISSION_WITHOUT_READING_PERMISSION"
	CodeOnlyRestriction    = "ONLY_FIELD_RESTRICTION_ALLOWED"
	CodeInvalidSetting     = "INVALID_SETTING_PERMISSIONS"
	CodeMemberNotFound     = "WORKSPACE_MEMBER_NOT_FOUND"
	CodeLastAdmin          = "CANNOT_UNASSIGN_LAST_ADMIN"
	CodeNotAssignableUsers = "ROLE_CANNOT_BE_ASSIGNED_TO_USERS"
	CodeNotAssignableKeys  = "ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS"
	CodeNoRole             = "NO_ROLE_FOUND_FOR_USER_WORKSPACE"
)

// MsgPermissionDenied is Twenty's PermissionsExceptionMessage.PERMISSION_DENIED.
const MsgPermissionDenied = "Entity performing the request does not have permission"

// UserFriendlyPermissionDenied is the userFriendlyMessage Twenty gives PERMISSION_DENIED.
const UserFriendlyPermissionDenied = "You do not have permission to perform this action."

// Denied is Twenty's PERMISSION_DENIED.
func Denied() *Error { return &Error{Code: CodePermissionDenied, Message: MsgPermissionDenied} }

func fieldDenied(action, field, object string) *Error {
	return &Error{Code: CodePermissionDenied, Message: fmt.Sprintf("%s: no permission to %s field %q on %q", MsgPermissionDenied, action, field, object)}
}

// Check answers Twenty's error when the scope may not run op on obj's records (of the workspace
// whose objects are all): selected are
// the fields a read names explicitly (nil: all of them, which leaves the restricted ones out
// rather than failing), written the fields an insert or update sets (by field or column name).
func (s *Scope) Check(obj metadata.Object, all []metadata.Object, op Op, selected, written []string) error {
	if s.Unrestricted() {
		return nil
	}
	a := s.Access(obj.ID)
	var ok bool
	switch op {
	case Read:
		ok = a.Read
	case Update:
		ok = a.Update
	case SoftDelete:
		ok = a.SoftDelete
	case Destroy:
		ok = a.Destroy
	}
	if !ok {
		return Denied()
	}
	for _, name := range selected {
		f, found := fieldOf(obj, name)
		switch {
		case !found:
		case a.unreadable(f.ID):
			return fieldDenied("read", f.Name, obj.NameSingular)
		case f.Relation != nil && !s.canReadTarget(f.Relation, all):
			return Denied() // the related records are read too (Twenty reads them through their own repository)
		}
	}
	if len(a.Restricted) == 0 {
		return nil
	}
	for _, name := range written {
		if f, found := fieldOf(obj, name); found && a.unwritable(f.ID) {
			return fieldDenied("write", f.Name, obj.NameSingular)
		}
	}
	return nil
}

// canReadTarget reports whether the scope may read the records on the other side of r.
func (s *Scope) canReadTarget(r *metadata.Relation, all []metadata.Object) bool {
	id := r.TargetObjectMetadataID
	if j := slices.IndexFunc(all, func(o metadata.Object) bool { return o.NameSingular == r.TargetObjectNameSingular }); j >= 0 {
		id = all[j].ID
	}
	return id == "" || s.Access(id).Read
}

// fieldOf finds the field a projection or input names: its name, or a relation's join column.
func fieldOf(obj metadata.Object, name string) (metadata.Field, bool) {
	if f, ok := obj.Field(name); ok {
		return f, true
	}
	for i := range obj.Fields {
		if obj.Fields[i].Relation != nil && obj.Fields[i].JoinColumnName() == name {
			return obj.Fields[i], true
		}
	}
	return metadata.Field{}, false
}

// Redact removes from records (of obj, in the workspace whose objects are all) what the scope may
// not read: the restricted fields' values (a relation's join column with it) and, in the related
// records a read embeds, theirs, and relations to objects the scope may not read at all. What to
// remove is planned once per object and scope (a scope lives as long as its schema's version).
func (s *Scope) Redact(obj metadata.Object, all []metadata.Object, records []map[string]any) {
	if s.Unrestricted() || len(records) == 0 {
		return
	}
	s.redact(s.plan(obj, all), records, 2)
}

// redactPlan is what Redact removes from one object's records.
type redactPlan struct {
	hide   []string // keys removed
	nested []nestedPlan
}

// nestedPlan is a relation whose embedded records have something to remove.
type nestedPlan struct {
	name string
	plan *redactPlan
}

func (p *redactPlan) empty() bool { return len(p.hide) == 0 && len(p.nested) == 0 }

// plan answers (and keeps) the redaction plan of obj.
func (s *Scope) plan(obj metadata.Object, all []metadata.Object) *redactPlan {
	s.mu.Lock()
	p, ok := s.plans[obj.ID]
	s.mu.Unlock()
	if ok {
		return p
	}
	p = s.planOf(obj, all, 1)
	s.mu.Lock()
	if s.plans == nil {
		s.plans = map[string]*redactPlan{}
	}
	s.plans[obj.ID] = p
	s.mu.Unlock()
	return p
}

// planOf computes obj's plan, looking depth relations deep.
func (s *Scope) planOf(obj metadata.Object, all []metadata.Object, depth int) *redactPlan {
	a := s.Access(obj.ID)
	p := &redactPlan{}
	for i := range obj.Fields {
		f := &obj.Fields[i]
		hide := a.unreadable(f.ID)
		var target *metadata.Object
		if f.Relation != nil && !hide {
			if j := slices.IndexFunc(all, func(o metadata.Object) bool { return o.NameSingular == f.Relation.TargetObjectNameSingular }); j >= 0 {
				target = &all[j]
				hide = !s.Access(target.ID).Read
			}
		}
		switch {
		case hide:
			p.hide = append(p.hide, f.Name)
			if f.Relation != nil {
				p.hide = append(p.hide, f.JoinColumnName())
			}
		case target != nil && depth > 0:
			if sub := s.planOf(*target, all, depth-1); !sub.empty() {
				p.nested = append(p.nested, nestedPlan{name: f.Name, plan: sub})
			}
		}
	}
	return p
}

func (s *Scope) redact(p *redactPlan, records []map[string]any, depth int) {
	if p.empty() {
		return
	}
	for _, rec := range records {
		for _, k := range p.hide {
			delete(rec, k)
		}
		if depth == 0 {
			continue
		}
		for _, n := range p.nested {
			switch v := rec[n.name].(type) {
			case map[string]any:
				s.redact(n.plan, []map[string]any{v}, depth-1)
			case []map[string]any:
				s.redact(n.plan, v, depth-1)
			case []any:
				for _, e := range v {
					if m, ok := e.(map[string]any); ok {
						s.redact(n.plan, []map[string]any{m}, depth-1)
					}
				}
			}
		}
	}
}

type scopeKey struct{}

// WithScope returns ctx carrying the scope the engine checks every operation against; a
// context without one (or with nil) is the system's.
func WithScope(ctx context.Context, s *Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// FromContext answers the scope of ctx, nil (the system) when it has none.
func FromContext(ctx context.Context) *Scope {
	if s, ok := ctx.Value(scopeKey{}).(*Scope); ok {
		return s
	}
	if sl, ok := ctx.Value(slotKey{}).(*slot); ok {
		return sl.scope
	}
	return nil
}

// slot holds the scope of one call, set once the call's schema is known (see WithSlot).
type slot struct{ scope *Scope }

type slotKey struct{}

// WithSlot returns ctx with room for the scope of the call it serves, set later by SetScope:
// the records Worker opens it where a call starts and fills it when it has read the workspace's
// schema, which holds the roles.
func WithSlot(ctx context.Context) context.Context {
	return context.WithValue(ctx, slotKey{}, &slot{})
}

// SetScope puts s in ctx's slot (see WithSlot); it reports false when ctx has none. It must be
// called before the work that reads the scope starts.
func SetScope(ctx context.Context, s *Scope) bool {
	sl, ok := ctx.Value(slotKey{}).(*slot)
	if ok {
		sl.scope = s
	}
	return ok
}
