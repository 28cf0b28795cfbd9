package metadata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/twentyworkers/twenty/shared/ids"
)

// This file parses the inputs of Twenty's metadata API (the REST bodies of POST and PATCH
// /rest/metadata/objects|fields, which are the GraphQL inputs without their wrapper) and checks
// them with Twenty's messages: class-validator's for the shape of each property (create-object.input.ts,
// update-object.input.ts, create-field.input.ts, update-field.input.ts), and those of Twenty's
// metadata validators for names, labels and options (cited where used). A bad input answers an
// *InputError.

// InputError is an input the metadata API refuses, with Twenty's message.
type InputError struct{ Message string }

func (e *InputError) Error() string { return e.Message }

func inputErr(format string, args ...any) error {
	return &InputError{Message: fmt.Sprintf(format, args...)}
}

// CreateObjectInput is the input of createOneObject (POST /rest/metadata/objects).
type CreateObjectInput struct {
	NameSingular, NamePlural, LabelSingular, LabelPlural string
	Description, Icon, Shortcut                          string
	IsLabelSyncedWithName                                bool
}

// UpdateObjectInput is the update of updateOneObject (PATCH /rest/metadata/objects/{id}); nil
// members are left as they are.
type UpdateObjectInput struct {
	LabelSingular, LabelPlural, NameSingular, NamePlural *string
	Description, Icon, Shortcut                          *string
	IsActive, IsLabelSyncedWithName                      *bool
	LabelIdentifierFieldMetadataID                       *string
	ImageIdentifierFieldMetadataID                       *string
}

// CreateFieldInput is the input of createOneField (POST /rest/metadata/fields).
type CreateFieldInput struct {
	ObjectMetadataID      string
	Type                  FieldType
	Name, Label           string
	Description, Icon     string
	IsNullable, IsUnique  bool
	IsLabelSyncedWithName bool
	// DefaultValue is in Twenty's notation ("'A'", 3, true, ["'A'"], "now"), nil for none.
	DefaultValue any
	Options      []Option
	Settings     map[string]any
	// Relation is the relationCreationPayload of a RELATION field.
	Relation *RelationCreationPayload
	// MorphRelations are the morphRelationsCreationPayload of a MORPH_RELATION field: one
	// relation per target object, all of the same type.
	MorphRelations []RelationCreationPayload
}

// RelationCreationPayload describes the relation a new RELATION field opens, and the inverse field
// created on the target object.
type RelationCreationPayload struct {
	TargetObjectMetadataID string
	TargetFieldLabel       string
	TargetFieldIcon        string
	Type                   RelationType
}

// UpdateFieldInput is the update of updateOneField (PATCH /rest/metadata/fields/{id}); nil
// members are left as they are, and the Has flags tell a null (remove) from an absent member.
type UpdateFieldInput struct {
	Name, Label, Description, Icon                        *string
	IsActive, IsNullable, IsUnique, IsLabelSyncedWithName *bool
	HasDefaultValue                                       bool
	DefaultValue                                          any
	HasOptions                                            bool
	Options                                               []Option
	HasSettings                                           bool
	Settings                                              map[string]any
}

// props are the members of a JSON object input.
type props map[string]json.RawMessage

func parseProps(data []byte) (props, error) {
	var m props
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, inputErr("The input must be a JSON object")
	}
	return m, nil
}

// has reports whether key is present and not null (class-validator's IsOptional skips both).
func (p props) has(key string) bool {
	v, ok := p[key]
	return ok && string(v) != "null"
}

// str reads a string member: "<key> must be a string" when it is not one, and when it is
// required, "<key> should not be empty" for "".
func (p props) str(key string, required bool) (*string, error) {
	if !p.has(key) {
		if required {
			return nil, inputErr("%s must be a string", key)
		}
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(p[key], &s); err != nil {
		return nil, inputErr("%s must be a string", key)
	}
	if required && s == "" {
		return nil, inputErr("%s should not be empty", key)
	}
	return &s, nil
}

// boolean reads an optional boolean member: "<key> must be a boolean value" otherwise.
func (p props) boolean(key string) (*bool, error) {
	if !p.has(key) {
		return nil, nil
	}
	var b bool
	if err := json.Unmarshal(p[key], &b); err != nil {
		return nil, inputErr("%s must be a boolean value", key)
	}
	return &b, nil
}

// uuid reads a UUID member: "<key> must be a UUID" otherwise.
func (p props) uuid(key string, required bool) (*string, error) {
	if !p.has(key) && !required {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(p[key], &s); err != nil || !ids.IsUUID(s) {
		return nil, inputErr("%s must be a UUID", key)
	}
	s = strings.ToLower(s)
	return &s, nil
}

// value decodes any member into plain JSON values (numbers as float64).
func (p props) value(key string) any {
	var v any
	_ = json.Unmarshal(p[key], &v)
	return v
}

var validName = regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)

// CheckName checks an object or field name with Twenty's messages (METADATA_NAME_VALIDATORS in
// metadata-modules/utils/constants/metadata-name-flat-metadata-validators.constants.ts). Twenty
// also compares the name with lodash's camelCase of it, which splits digits from letters
// ("pet2go" → "pet2Go"); that check is left out, the pattern below already requires camelCase.
func CheckName(name string) error {
	switch {
	case len(name) > MaxNameLength:
		return inputErr("Name is too long")
	case name == "":
		return inputErr("Name is too short")
	case !validName.MatchString(name):
		return inputErr("Name is not valid: it must start with lowercase letter and contain only alphanumeric letters")
	case IsReservedName(name):
		return inputErr(`This name is reserved. Use a different name or the system will add "Custom" suffix.`)
	}
	return nil
}

// NameFromLabel computes the name a label gives when names follow labels, as Twenty's
// computeMetadataNameFromLabel: the label's words of ASCII letters and digits in camelCase
// ("Post Obj X" → "postObjX"), accents dropped; a name starting with a digit is prefixed "n".
func NameFromLabel(label string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range label {
		r = unaccent(r)
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			w.WriteRune(r)
			continue
		}
		flush()
	}
	flush()
	var b strings.Builder
	for i, word := range words {
		word = strings.ToLower(word)
		if i > 0 {
			word = strings.ToUpper(word[:1]) + word[1:]
		}
		b.WriteString(word)
	}
	name := b.String()
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		name = "n" + name
	}
	return name
}

// unaccent maps the common Latin letters with diacritics to their base letter.
func unaccent(r rune) rune {
	const from, to = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝ", "aaaaaaceeeeiiiinooooouuuuyyAAAAAACEEEEIIIINOOOOOUUUUY"
	if i := strings.IndexRune(from, r); i >= 0 {
		return []rune(to)[utf8.RuneCountInString(from[:i])]
	}
	return r
}

// checkObjectLabel checks an object label (validate-flat-object-metadata-label.util.ts).
func checkObjectLabel(label string) error {
	switch {
	case strings.TrimSpace(label) == "":
		return inputErr("Object label is too short")
	case utf8.RuneCountInString(label) > MaxNameLength:
		return inputErr("Object label is too long")
	}
	return nil
}

// CheckObjectNamesAndLabels checks an object's names and labels together, as Twenty does on create
// and update (validate-flat-object-metadata-name.util.ts, validate-flat-object-metadata-label.util.ts,
// validate-flat-object-metadata-name-and-labels.util.ts).
func CheckObjectNamesAndLabels(nameSingular, namePlural, labelSingular, labelPlural string, synced bool) error {
	for _, n := range []string{nameSingular, namePlural} {
		if err := CheckName(n); err != nil {
			return err
		}
	}
	if strings.EqualFold(strings.TrimSpace(nameSingular), strings.TrimSpace(namePlural)) {
		return inputErr("The singular and plural names cannot be the same for an object")
	}
	for _, l := range []string{labelSingular, labelPlural} {
		if err := checkObjectLabel(l); err != nil {
			return err
		}
	}
	if strings.EqualFold(strings.TrimSpace(labelSingular), strings.TrimSpace(labelPlural)) {
		return inputErr("The singular and plural labels cannot be the same for an object")
	}
	if synced && (NameFromLabel(labelSingular) != nameSingular || NameFromLabel(labelPlural) != namePlural) {
		return inputErr("Names are not synced with labels")
	}
	return nil
}

// ParseCreateObjectInput parses and checks the input of createOneObject. Whether the names are
// free is for the caller to check ("Object already exists").
func ParseCreateObjectInput(data []byte) (CreateObjectInput, error) {
	p, err := parseProps(data)
	if err != nil {
		return CreateObjectInput{}, err
	}
	var in CreateObjectInput
	for _, m := range []struct {
		key string
		dst *string
	}{{"nameSingular", &in.NameSingular}, {"namePlural", &in.NamePlural}, {"labelSingular", &in.LabelSingular}, {"labelPlural", &in.LabelPlural}} {
		s, err := p.str(m.key, true)
		if err != nil {
			return CreateObjectInput{}, err
		}
		*m.dst = *s
	}
	for _, m := range []struct {
		key string
		dst *string
	}{{"description", &in.Description}, {"icon", &in.Icon}, {"shortcut", &in.Shortcut}} {
		s, err := p.str(m.key, false)
		if err != nil {
			return CreateObjectInput{}, err
		}
		if s != nil {
			*m.dst = *s
		}
	}
	remote, err := p.boolean("isRemote")
	if err != nil {
		return CreateObjectInput{}, err
	}
	synced, err := p.boolean("isLabelSyncedWithName")
	if err != nil {
		return CreateObjectInput{}, err
	}
	in.IsLabelSyncedWithName = synced != nil && *synced
	if err := CheckObjectNamesAndLabels(in.NameSingular, in.NamePlural, in.LabelSingular, in.LabelPlural, in.IsLabelSyncedWithName); err != nil {
		return CreateObjectInput{}, err
	}
	if remote != nil && *remote {
		return CreateObjectInput{}, inputErr("Remote objects are not supported yet")
	}
	return in, nil
}

// ParseUpdateObjectInput parses the update of updateOneObject.
func ParseUpdateObjectInput(data []byte) (UpdateObjectInput, error) {
	p, err := parseProps(data)
	if err != nil {
		return UpdateObjectInput{}, err
	}
	var in UpdateObjectInput
	for _, m := range []struct {
		key string
		dst **string
	}{
		{"labelSingular", &in.LabelSingular}, {"labelPlural", &in.LabelPlural},
		{"nameSingular", &in.NameSingular}, {"namePlural", &in.NamePlural},
		{"description", &in.Description}, {"icon", &in.Icon}, {"shortcut", &in.Shortcut},
	} {
		if *m.dst, err = p.str(m.key, false); err != nil {
			return UpdateObjectInput{}, err
		}
	}
	for _, m := range []struct {
		key string
		dst **bool
	}{{"isActive", &in.IsActive}, {"isLabelSyncedWithName", &in.IsLabelSyncedWithName}} {
		if *m.dst, err = p.boolean(m.key); err != nil {
			return UpdateObjectInput{}, err
		}
	}
	for _, m := range []struct {
		key string
		dst **string
	}{{"labelIdentifierFieldMetadataId", &in.LabelIdentifierFieldMetadataID}, {"imageIdentifierFieldMetadataId", &in.ImageIdentifierFieldMetadataID}} {
		if *m.dst, err = p.uuid(m.key, false); err != nil {
			return UpdateObjectInput{}, err
		}
	}
	// Twenty clears description and icon with null.
	for _, m := range []struct {
		key string
		dst **string
	}{{"description", &in.Description}, {"icon", &in.Icon}, {"shortcut", &in.Shortcut}} {
		if v, ok := p[m.key]; ok && string(v) == "null" {
			empty := ""
			*m.dst = &empty
		}
	}
	return in, nil
}

// fieldTypeList is Twenty's FieldMetadataType values as class-validator's IsEnum lists them.
func fieldTypeList() string {
	names := make([]string, 0, len(FieldTypes()))
	for _, t := range FieldTypes() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// ParseCreateFieldInput parses and checks the input of createOneField: its shape, name, label,
// options and default. Whether the name is free on the object, and the relation's target, are
// for the caller to check.
func ParseCreateFieldInput(data []byte) (CreateFieldInput, error) {
	p, err := parseProps(data)
	if err != nil {
		return CreateFieldInput{}, err
	}
	in := CreateFieldInput{IsNullable: true}
	obj, err := p.uuid("objectMetadataId", true)
	if err != nil {
		return CreateFieldInput{}, err
	}
	in.ObjectMetadataID = *obj
	var typ string
	if err := json.Unmarshal(p["type"], &typ); err != nil || !FieldType(typ).IsValid() {
		return CreateFieldInput{}, inputErr("type must be one of the following values: %s", fieldTypeList())
	}
	in.Type = FieldType(typ)
	name, err := p.str("name", true)
	if err != nil {
		return CreateFieldInput{}, err
	}
	label, err := p.str("label", true)
	if err != nil {
		return CreateFieldInput{}, err
	}
	in.Name, in.Label = *name, *label
	for _, m := range []struct {
		key string
		dst *string
	}{{"description", &in.Description}, {"icon", &in.Icon}} {
		s, err := p.str(m.key, false)
		if err != nil {
			return CreateFieldInput{}, err
		}
		if s != nil {
			*m.dst = *s
		}
	}
	for _, m := range []struct {
		key string
		dst *bool
	}{{"isNullable", &in.IsNullable}, {"isUnique", &in.IsUnique}, {"isLabelSyncedWithName", &in.IsLabelSyncedWithName}} {
		b, err := p.boolean(m.key)
		if err != nil {
			return CreateFieldInput{}, err
		}
		if b != nil {
			*m.dst = *b
		}
	}
	if p.has("defaultValue") {
		in.DefaultValue = p.value("defaultValue")
	}
	if p.has("options") {
		if in.Options, err = parseOptions(p["options"]); err != nil {
			return CreateFieldInput{}, err
		}
	}
	if p.has("settings") {
		if err := json.Unmarshal(p["settings"], &in.Settings); err != nil {
			return CreateFieldInput{}, inputErr("settings must be an object")
		}
	}
	if err := CheckName(in.Name); err != nil {
		return CreateFieldInput{}, err
	}
	// field-metadata/services/flat-field-metadata-validator.service.ts
	if in.IsLabelSyncedWithName && NameFromLabel(in.Label) != in.Name {
		return CreateFieldInput{}, inputErr("Name is not synced with label")
	}
	switch in.Type {
	case TypeRelation:
		if in.Relation, err = parseRelationPayload(p); err != nil {
			return CreateFieldInput{}, err
		}
	case TypeMorphRelation:
		if in.MorphRelations, err = parseMorphPayloads(p, in.ObjectMetadataID); err != nil {
			return CreateFieldInput{}, err
		}
	}
	f := Field{Type: in.Type, Name: in.Name, Options: in.Options, DefaultValue: in.DefaultValue}
	if err := CheckEnumField(f); err != nil {
		return CreateFieldInput{}, err
	}
	return in, nil
}

// parseRelationPayload reads relationCreationPayload, refused as a whole with Twenty's message
// (validate-relation-creation-payload.util.ts).
func parseRelationPayload(p props) (*RelationCreationPayload, error) {
	if !p.has("relationCreationPayload") {
		return nil, inputErr("Relation creation payload is invalid")
	}
	rp, ok := relationPayload(p["relationCreationPayload"])
	if !ok {
		return nil, inputErr("Relation creation payload is invalid")
	}
	return &rp, nil
}

// relationPayload reads one relation creation payload, reporting whether it is well formed.
func relationPayload(data json.RawMessage) (RelationCreationPayload, bool) {
	rp, err := parseProps(data)
	if err != nil {
		return RelationCreationPayload{}, false
	}
	target, err := rp.uuid("targetObjectMetadataId", true)
	if err != nil {
		return RelationCreationPayload{}, false
	}
	label, err := rp.str("targetFieldLabel", true)
	if err != nil || strings.TrimSpace(*label) == "" {
		return RelationCreationPayload{}, false
	}
	icon, err := rp.str("targetFieldIcon", false)
	if err != nil {
		return RelationCreationPayload{}, false
	}
	var typ string
	if err := json.Unmarshal(rp["type"], &typ); err != nil || (typ != string(ManyToOne) && typ != string(OneToMany)) {
		return RelationCreationPayload{}, false
	}
	out := RelationCreationPayload{TargetObjectMetadataID: *target, TargetFieldLabel: strings.TrimSpace(*label), Type: RelationType(typ)}
	if icon != nil {
		out.TargetFieldIcon = *icon
	}
	return out, true
}

// parseMorphPayloads reads morphRelationsCreationPayload with the checks and messages of Twenty's
// from-morph-relation-create-field-input-to-flat-field-metadatas.util.ts and
// validate-morph-relation-creation-payload.util.ts, in their order: an array, not empty, one
// relation type, no relation to the source object or twice to one object, then each payload
// well formed. Whether each target exists is the caller's to check.
func parseMorphPayloads(p props, sourceID string) ([]RelationCreationPayload, error) {
	var raw []json.RawMessage
	if !p.has("morphRelationsCreationPayload") || json.Unmarshal(p["morphRelationsCreationPayload"], &raw) != nil {
		return nil, inputErr("Relation creation payload is required")
	}
	if len(raw) == 0 {
		return nil, inputErr("Morph relation creation payloads are empty")
	}
	// What the integrity checks compare: each payload's type and target as sent, even when the
	// payload is not well formed (a missing type is a type of its own).
	type key struct{ typ, target string }
	keys := make([]key, len(raw))
	for i, r := range raw {
		var k struct {
			Type   *string `json:"type"`
			Target *string `json:"targetObjectMetadataId"`
		}
		_ = json.Unmarshal(r, &k) // a payload that is not an object fails below
		keys[i] = key{"\x00", "\x00"}
		if k.Type != nil {
			keys[i].typ = *k.Type
		}
		if k.Target != nil {
			keys[i].target = *k.Target
		}
	}
	for _, k := range keys[1:] {
		if k.typ != keys[0].typ {
			return nil, inputErr("Morph relation creation payloads must have the same relation type")
		}
	}
	for i, k := range keys {
		if k.target == sourceID {
			return nil, inputErr("Morph relation creation payloads must not target source object metadata")
		}
		if slices.ContainsFunc(keys[:i], func(o key) bool { return o.target == k.target }) {
			return nil, inputErr("Morph relation creation payloads must have only relation to the same object metadata")
		}
	}
	out := make([]RelationCreationPayload, len(raw))
	for i, r := range raw {
		rp, ok := relationPayload(r)
		if !ok {
			return nil, inputErr("Morph relation input transpilation failed")
		}
		out[i] = rp
	}
	return out, nil
}

// ParseUpdateFieldInput parses the update of updateOneField. The result is checked once applied
// to the field (see [CheckEnumField] and [ValidateField]).
func ParseUpdateFieldInput(data []byte) (UpdateFieldInput, error) {
	p, err := parseProps(data)
	if err != nil {
		return UpdateFieldInput{}, err
	}
	var in UpdateFieldInput
	for _, m := range []struct {
		key string
		dst **string
	}{{"name", &in.Name}, {"label", &in.Label}, {"description", &in.Description}, {"icon", &in.Icon}} {
		if *m.dst, err = p.str(m.key, false); err != nil {
			return UpdateFieldInput{}, err
		}
	}
	if in.Name != nil {
		if err := CheckName(*in.Name); err != nil {
			return UpdateFieldInput{}, err
		}
	}
	if in.Label != nil && *in.Label == "" {
		return UpdateFieldInput{}, inputErr("label should not be empty")
	}
	for _, m := range []struct {
		key string
		dst **bool
	}{{"isActive", &in.IsActive}, {"isNullable", &in.IsNullable}, {"isUnique", &in.IsUnique}, {"isLabelSyncedWithName", &in.IsLabelSyncedWithName}} {
		if *m.dst, err = p.boolean(m.key); err != nil {
			return UpdateFieldInput{}, err
		}
	}
	if _, ok := p["defaultValue"]; ok {
		in.HasDefaultValue, in.DefaultValue = true, p.value("defaultValue")
	}
	if _, ok := p["options"]; ok {
		in.HasOptions = true
		if p.has("options") {
			if in.Options, err = parseOptions(p["options"]); err != nil {
				return UpdateFieldInput{}, err
			}
		}
	}
	if _, ok := p["settings"]; ok {
		in.HasSettings = true
		if p.has("settings") {
			if err := json.Unmarshal(p["settings"], &in.Settings); err != nil {
				return UpdateFieldInput{}, inputErr("settings must be an object")
			}
		}
	}
	return in, nil
}

var snakeUpper = regexp.MustCompile(`^[A-Z0-9]+(_[A-Z0-9]+)*$`)

// parseOptions reads the options of a SELECT, MULTI_SELECT or RATING field with Twenty's messages
// (validate-enum-flat-field-metadata.util.ts). An option without a position takes its index.
func parseOptions(raw json.RawMessage) ([]Option, error) {
	var list []props
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, inputErr("options must be an array")
	}
	out := make([]Option, len(list))
	for i, o := range list {
		opt := Option{Position: i}
		if o.has("id") {
			var id string
			if err := json.Unmarshal(o["id"], &id); err != nil || !ids.IsUUID(id) {
				return nil, inputErr("Option id is invalid")
			}
			opt.ID = strings.ToLower(id)
		}
		if !o.has("value") {
			return nil, inputErr("Option value is required")
		}
		if err := json.Unmarshal(o["value"], &opt.Value); err != nil || opt.Value == "" {
			return nil, inputErr("Option value must be a string of at least one character")
		}
		switch {
		case len(opt.Value) > MaxOptionLength:
			return nil, inputErr("Option value exceeds 63 characters")
		case !snakeUpper.MatchString(opt.Value):
			return nil, inputErr("Value must be in UPPER_CASE and follow snake_case %q", opt.Value)
		}
		if !o.has("label") {
			return nil, inputErr("Option label is required")
		}
		if err := json.Unmarshal(o["label"], &opt.Label); err != nil || opt.Label == "" {
			return nil, inputErr("Option label must be a string of at least one character")
		}
		switch {
		case utf8.RuneCountInString(opt.Label) > MaxOptionLength:
			return nil, inputErr("Option label exceeds 63 characters")
		case strings.Contains(opt.Label, ","):
			return nil, inputErr("Label must not contain a comma")
		case strings.TrimSpace(opt.Label) == "":
			return nil, inputErr("Label must not be empty")
		}
		if o.has("color") {
			if err := json.Unmarshal(o["color"], &opt.Color); err != nil {
				return nil, inputErr("Option color must be a string")
			}
		}
		if o.has("position") {
			var pos float64
			if err := json.Unmarshal(o["position"], &pos); err != nil {
				return nil, inputErr("Option position must be a number")
			}
			opt.Position = int(pos)
		}
		out[i] = opt
	}
	for _, dup := range []struct {
		what string
		key  func(Option) string
	}{
		{"position", func(o Option) string { return fmt.Sprint(o.Position) }},
		{"id", func(o Option) string { return o.ID }},
		{"value", func(o Option) string { return o.Value }},
	} {
		seen := map[string]bool{}
		for _, o := range out {
			k := dup.key(o)
			if dup.what == "id" && k == "" {
				continue
			}
			if seen[k] {
				return nil, inputErr("Duplicated option %s", dup.what)
			}
			seen[k] = true
		}
	}
	return out, nil
}

// CheckEnumField checks the options and default of a SELECT or MULTI_SELECT field with Twenty's
// messages (validate-enum-flat-field-metadata.util.ts); other types pass.
func CheckEnumField(f Field) error {
	if f.Type != TypeSelect && f.Type != TypeMultiSelect {
		return nil
	}
	if len(f.Options) == 0 {
		return inputErr("Options are required for enum fields")
	}
	if f.DefaultValue == nil {
		return nil
	}
	checkOne := func(v any) error {
		s, ok := v.(string)
		if !ok {
			return inputErr("Default value for select must be a string got %v", v)
		}
		if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
			return inputErr("Default value should be as quoted string")
		}
		if !slices.ContainsFunc(f.Options, func(o Option) bool { return o.Value == s[1:len(s)-1] }) {
			return inputErr("Default value %q must be one of the option values", s)
		}
		return nil
	}
	if f.Type == TypeSelect {
		return checkOne(f.DefaultValue)
	}
	vals, ok := f.DefaultValue.([]any)
	if !ok {
		return inputErr("Default value for multi-select must be an array got %v", f.DefaultValue)
	}
	if len(vals) == 0 {
		return inputErr("If defined default value must contain at least one value")
	}
	seen := map[any]bool{}
	for _, v := range vals {
		if seen[v] {
			return inputErr("Default values must be unique")
		}
		seen[v] = true
		if err := checkOne(v); err != nil {
			return err
		}
	}
	return nil
}

// IsInputError reports whether err is an input the metadata API refuses.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
