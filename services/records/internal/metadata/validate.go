package metadata

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// MaxNameLength is the longest object or field name, as Twenty's IDENTIFIER_MAX_CHAR_LENGTH
// (PostgreSQL's 63-byte identifiers).
const MaxNameLength = 63

// MaxColumns is the most columns a D1 table may have.
const MaxColumns = 100

// MaxOptionLength is the longest SELECT option value.
const MaxOptionLength = 63

// Validation errors. Errors returned by the Validate functions wrap one of them, so that callers
// can answer 400 with the message.
var (
	// ErrInvalidName reports a name that is not camelCase ASCII or is too long.
	ErrInvalidName = errors.New("invalid name")
	// ErrReservedName reports a custom name Twenty reserves.
	ErrReservedName = errors.New("reserved name")
	// ErrDuplicateName reports two objects, fields or columns with the same name. SQLite compares
	// identifiers without regard to case, so names that differ only in case collide too.
	ErrDuplicateName = errors.New("duplicate name")
	// ErrTooManyColumns reports an object whose table would exceed [MaxColumns].
	ErrTooManyColumns = errors.New("too many columns")
	// ErrInvalidField reports a field whose type, options, default or relation is wrong.
	ErrInvalidField = errors.New("invalid field")
	// ErrInvalidObject reports an object missing what every table needs, or with bad labels.
	ErrInvalidObject = errors.New("invalid object")
	// ErrInvalidRelation reports relations whose two sides do not match.
	ErrInvalidRelation = errors.New("invalid relation")
)

// reservedNames are the names custom objects and fields may not take (Twenty's
// RESERVED_METADATA_NAME_KEYWORDS: core entity names and words the API uses).
var reservedNames = map[string]bool{}

func init() {
	for _, n := range []string{
		"approvedAccessDomain", "approvedAccessDomains", "appToken", "appTokens",
		"billingCustomer", "billingCustomers", "billingEntitlement", "billingEntitlements",
		"billingMeter", "billingMeters", "billingProduct", "billingProducts",
		"billingSubscription", "billingSubscriptions", "billingSubscriptionItem", "billingSubscriptionItems",
		"featureFlag", "featureFlags", "job", "jobs", "keyValuePair", "keyValuePairs",
		"pageLayout", "pageLayouts", "pageLayoutTab", "pageLayoutTabs", "pageLayoutWidget", "pageLayoutWidgets",
		"postgresCredential", "postgresCredentials", "twoFactorMethod", "twoFactorMethods",
		"user", "users", "userWorkspace", "userWorkspaces", "workspace", "workspaces",
		"role", "roles", "userWorkspaceRole", "userWorkspaceRoles",
		"plan", "plans", "event", "events", "field", "fields", "link", "links",
		"currency", "currencies", "fullNames", "address", "addresses", "type", "types",
		"object", "objects", "index", "relation", "relations", "aggregate",
	} {
		reservedNames[n] = true
	}
}

// IsReservedName reports whether a custom object or field may not be named name.
func IsReservedName(name string) bool {
	return reservedNames[name]
}

// ValidateName checks an object or field name: camelCase ASCII letters and digits, starting with a
// lower-case letter, at most [MaxNameLength] bytes. Such names need no escaping in SQL and cannot
// collide with the "ws_" table prefix or the "__" of index names.
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("name is empty: %w", ErrInvalidName)
	}
	if len(name) > MaxNameLength {
		return fmt.Errorf("name %q is %d characters long, at most %d allowed: %w", name, len(name), MaxNameLength, ErrInvalidName)
	}
	if c := name[0]; c < 'a' || c > 'z' {
		return fmt.Errorf("name %q must start with a lower-case letter: %w", name, ErrInvalidName)
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("name %q must be camelCase letters and digits only: %w", name, ErrInvalidName)
		}
	}
	return nil
}

// validateCustomName is ValidateName, plus the reserved words for custom names.
func validateCustomName(name string, custom bool) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if custom && IsReservedName(name) {
		return fmt.Errorf("name %q is not available: %w", name, ErrReservedName)
	}
	return nil
}

// ValidateField checks one field on its own: name, type, label, options, default value, unique
// flag and relation settings.
func ValidateField(f Field) error {
	if err := validateCustomName(f.Name, f.IsCustom); err != nil {
		return fmt.Errorf("field: %w", err)
	}
	if !f.Type.IsValid() {
		return fmt.Errorf("field %q: unknown type %q: %w", f.Name, f.Type, ErrInvalidField)
	}
	if strings.TrimSpace(f.Label) == "" {
		return fmt.Errorf("field %q: label is empty: %w", f.Name, ErrInvalidField)
	}
	if err := validateOptions(f); err != nil {
		return fmt.Errorf("field %q: %w", f.Name, err)
	}
	if err := validateRelation(f); err != nil {
		return fmt.Errorf("field %q: %w", f.Name, err)
	}
	cols, err := columns(f)
	if err != nil {
		return fmt.Errorf("field %q: %v: %w", f.Name, err, ErrInvalidField)
	}
	for _, c := range cols {
		if s, ok := c.Default.(string); ok && c.Values != nil && !slices.Contains(c.Values, s) {
			return fmt.Errorf("field %q: default %q is not one of the options: %w", f.Name, s, ErrInvalidField)
		}
		if !c.Nullable && c.Default == nil && c.References == nil && f.IsCustom {
			return fmt.Errorf("field %q: a non-nullable custom field needs a default value: %w", f.Name, ErrInvalidField)
		}
	}
	if f.Type == TypeMultiSelect && f.DefaultValue != nil {
		def, _ := columnDefault(Column{Type: TypeMultiSelect}, f.DefaultValue)
		var vals []string
		if s, ok := def.(string); ok {
			_ = json.Unmarshal([]byte(s), &vals)
		}
		for _, v := range vals {
			if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == v }) {
				return fmt.Errorf("field %q: default %q is not one of the options: %w", f.Name, v, ErrInvalidField)
			}
		}
	}
	if f.IsUnique {
		if !canBeUnique(f.Type) {
			return fmt.Errorf("field %q: a %s field cannot be unique: %w", f.Name, f.Type, ErrInvalidField)
		}
		for _, c := range cols {
			if c.Unique && c.Default != nil {
				return fmt.Errorf("field %q: a unique field has no default value: %w", f.Name, ErrInvalidField)
			}
		}
	}
	return nil
}

func validateOptions(f Field) error {
	switch f.Type {
	case TypeSelect, TypeMultiSelect:
		if len(f.Options) == 0 {
			return fmt.Errorf("a %s field needs options: %w", f.Type, ErrInvalidField)
		}
	case TypeRating:
	default:
		if len(f.Options) > 0 {
			return fmt.Errorf("a %s field has no options: %w", f.Type, ErrInvalidField)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, o := range f.Options {
		if o.Value == "" || len(o.Value) > MaxOptionLength {
			return fmt.Errorf("option value %q must be 1 to %d characters: %w", o.Value, MaxOptionLength, ErrInvalidField)
		}
		for i := 0; i < len(o.Value); i++ {
			if c := o.Value[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
				return fmt.Errorf("option value %q must be letters, digits and underscores: %w", o.Value, ErrInvalidField)
			}
		}
		if seen[o.Value] {
			return fmt.Errorf("option value %q appears twice: %w", o.Value, ErrInvalidField)
		}
		seen[o.Value] = true
		if strings.TrimSpace(o.Label) == "" {
			return fmt.Errorf("option %q has no label: %w", o.Value, ErrInvalidField)
		}
	}
	return nil
}

func validateRelation(f Field) error {
	if !f.Type.IsRelation() {
		if f.Relation != nil {
			return fmt.Errorf("a %s field has no relation: %w", f.Type, ErrInvalidField)
		}
		return nil
	}
	r := f.Relation
	if r == nil {
		return fmt.Errorf("a %s field needs a relation: %w", f.Type, ErrInvalidField)
	}
	if err := ValidateName(r.TargetObjectNameSingular); err != nil {
		return fmt.Errorf("relation target object: %w", err)
	}
	if err := ValidateName(r.TargetFieldName); err != nil {
		return fmt.Errorf("relation target field: %w", err)
	}
	if f.IsUnique {
		return fmt.Errorf("a relation cannot be unique: %w", ErrInvalidField)
	}
	if f.DefaultValue != nil {
		return fmt.Errorf("a relation has no default value: %w", ErrInvalidField)
	}
	switch r.Type {
	case ManyToOne:
		switch r.OnDelete {
		case "", Cascade, SetNull, Restrict, NoAction:
		default:
			return fmt.Errorf("unknown onDelete %q: %w", r.OnDelete, ErrInvalidField)
		}
		if r.EffectiveOnDelete() == SetNull && !f.IsNullable {
			return fmt.Errorf("onDelete SET_NULL needs a nullable relation: %w", ErrInvalidField)
		}
	case OneToMany:
		if r.OnDelete != "" {
			return fmt.Errorf("onDelete belongs to the MANY_TO_ONE side: %w", ErrInvalidField)
		}
	default:
		return fmt.Errorf("unknown relation type %q: %w", r.Type, ErrInvalidField)
	}
	return nil
}

// requiredFields are the fields every object has, with their types.
var requiredFields = []struct {
	name     string
	typ      FieldType
	nullable bool
}{
	{"id", TypeUUID, false},
	{"createdAt", TypeDateTime, false},
	{"updatedAt", TypeDateTime, false},
	{"deletedAt", TypeDateTime, true},
}

// ValidateObject checks one object on its own: its names and labels, each field, the fields every
// object needs (id, createdAt, updatedAt, deletedAt), that no two fields or columns share a name
// (regardless of case, as SQLite compares them), and that the table stays within D1's
// [MaxColumns] columns.
func ValidateObject(o Object) error {
	if err := validateCustomName(o.NameSingular, o.IsCustom); err != nil {
		return fmt.Errorf("object nameSingular: %w", err)
	}
	if err := validateCustomName(o.NamePlural, o.IsCustom); err != nil {
		return fmt.Errorf("object %q namePlural: %w", o.NameSingular, err)
	}
	if strings.EqualFold(o.NameSingular, o.NamePlural) {
		return fmt.Errorf("object %q: nameSingular and namePlural must differ: %w", o.NameSingular, ErrInvalidName)
	}
	if strings.TrimSpace(o.LabelSingular) == "" || strings.TrimSpace(o.LabelPlural) == "" {
		return fmt.Errorf("object %q: labelSingular and labelPlural are required: %w", o.NameSingular, ErrInvalidObject)
	}
	fields := map[string]string{}
	for _, f := range o.Fields {
		if err := ValidateField(f); err != nil {
			return fmt.Errorf("object %q: %w", o.NameSingular, err)
		}
		k := strings.ToLower(f.Name)
		if prev, ok := fields[k]; ok {
			return fmt.Errorf("object %q: fields %q and %q: %w", o.NameSingular, prev, f.Name, ErrDuplicateName)
		}
		fields[k] = f.Name
	}
	for _, rf := range requiredFields {
		f, ok := o.Field(rf.name)
		if !ok || f.Type != rf.typ || f.IsNullable != rf.nullable {
			null := "not null"
			if rf.nullable {
				null = "nullable"
			}
			return fmt.Errorf("object %q needs a %s %s field %q: %w", o.NameSingular, null, rf.typ, rf.name, ErrInvalidObject)
		}
	}
	cols := map[string]Column{}
	n := 0
	for _, c := range o.Columns() {
		k := strings.ToLower(c.Name)
		if prev, ok := cols[k]; ok {
			return fmt.Errorf("object %q: column %q of field %q and column %q of field %q: %w",
				o.NameSingular, prev.Name, prev.Field, c.Name, c.Field, ErrDuplicateName)
		}
		cols[k] = c
		n++
	}
	if n > MaxColumns {
		return fmt.Errorf("object %q needs %d columns, D1 allows at most %d per table: %w", o.NameSingular, n, MaxColumns, ErrTooManyColumns)
	}
	return nil
}

// ValidateSchema checks a workspace's objects together: each object, that no two objects share a
// name (singular or plural, regardless of case), and that every relation has its inverse: a
// MANY_TO_ONE field's target object has the named ONE_TO_MANY field pointing back, and the
// other way round.
func ValidateSchema(objects []Object) error {
	names := map[string]string{}
	byName := map[string]Object{}
	for _, o := range objects {
		if err := ValidateObject(o); err != nil {
			return err
		}
		for _, n := range []string{o.NameSingular, o.NamePlural} {
			k := strings.ToLower(n)
			if prev, ok := names[k]; ok && prev != o.NameSingular {
				return fmt.Errorf("objects %q and %q both use the name %q: %w", prev, o.NameSingular, n, ErrDuplicateName)
			}
			names[k] = o.NameSingular
		}
		byName[o.NameSingular] = o
	}
	for _, o := range objects {
		for _, f := range o.Fields {
			if !f.Type.IsRelation() {
				continue
			}
			r := f.Relation
			target, ok := byName[r.TargetObjectNameSingular]
			if !ok {
				return fmt.Errorf("field %s.%s: target object %q does not exist: %w", o.NameSingular, f.Name, r.TargetObjectNameSingular, ErrInvalidRelation)
			}
			inv, ok := target.Field(r.TargetFieldName)
			if !ok || !inv.Type.IsRelation() {
				return fmt.Errorf("field %s.%s: inverse field %s.%s does not exist: %w", o.NameSingular, f.Name, target.NameSingular, r.TargetFieldName, ErrInvalidRelation)
			}
			ir := inv.Relation
			want := OneToMany
			if r.Type == OneToMany {
				want = ManyToOne
			}
			if ir.Type != want || ir.TargetObjectNameSingular != o.NameSingular || ir.TargetFieldName != f.Name {
				return fmt.Errorf("field %s.%s (%s) and its inverse %s.%s (%s → %s.%s) do not match: %w",
					o.NameSingular, f.Name, r.Type, target.NameSingular, inv.Name, ir.Type, ir.TargetObjectNameSingular, ir.TargetFieldName, ErrInvalidRelation)
			}
		}
	}
	return nil
}
