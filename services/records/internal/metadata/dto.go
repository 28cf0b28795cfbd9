package metadata

import (
	"crypto/sha1"
	"encoding/hex"
)

// This file holds objects and fields as Twenty's metadata API shows them (REST /rest/metadata and
// GraphQL /metadata): ObjectMetadataDTO and FieldMetadataDTO in Twenty's
// object-metadata/dtos/object-metadata.dto.ts and field-metadata/dtos/field-metadata.dto.ts, as
// from-flat-object-metadata-to-object-metadata-dto.util.ts and
// from-flat-field-metadata-to-field-metadata-dto.util.ts fill them: optional strings left out
// when empty, identifiers and defaults null when absent.

// ObjectInfo is what the metadata API shows of an object beyond [Object]. It is kept beside the
// object's definition; CreatedAt and UpdatedAt come from the object's row.
type ObjectInfo struct {
	IsLabelSyncedWithName bool   `json:",omitempty"`
	Shortcut              string `json:",omitempty"`
	// Fields holds what is known of each field, by field id.
	Fields    map[string]FieldInfo `json:",omitempty"`
	CreatedAt string               `json:"-"`
	UpdatedAt string               `json:"-"`
}

// FieldInfo is what the metadata API shows of a field beyond [Field]. A field without one (the
// standard fields) shows its object's timestamps.
type FieldInfo struct {
	IsLabelSyncedWithName bool   `json:",omitempty"`
	CreatedAt             string `json:",omitempty"`
	UpdatedAt             string `json:",omitempty"`
}

// ObjectDTO is an object as the metadata API answers it.
type ObjectDTO struct {
	ID                             string     `json:"id"`
	NameSingular                   string     `json:"nameSingular"`
	NamePlural                     string     `json:"namePlural"`
	LabelSingular                  string     `json:"labelSingular"`
	LabelPlural                    string     `json:"labelPlural"`
	Description                    string     `json:"description,omitempty"`
	Icon                           string     `json:"icon,omitempty"`
	Shortcut                       string     `json:"shortcut,omitempty"`
	IsCustom                       bool       `json:"isCustom"`
	IsRemote                       bool       `json:"isRemote"`
	IsActive                       bool       `json:"isActive"`
	IsSystem                       bool       `json:"isSystem"`
	IsSearchable                   bool       `json:"isSearchable"`
	IsLabelSyncedWithName          bool       `json:"isLabelSyncedWithName"`
	LabelIdentifierFieldMetadataID *string    `json:"labelIdentifierFieldMetadataId"`
	ImageIdentifierFieldMetadataID *string    `json:"imageIdentifierFieldMetadataId"`
	DuplicateCriteria              [][]string `json:"duplicateCriteria,omitempty"`
	CreatedAt                      string     `json:"createdAt"`
	UpdatedAt                      string     `json:"updatedAt"`
	// Fields are inlined by the list, one, create and update answers; a delete answers none.
	Fields []FieldDTO `json:"fields,omitempty"`
}

// FieldDTO is a field as the metadata API answers it.
type FieldDTO struct {
	ID                    string         `json:"id"`
	Type                  FieldType      `json:"type"`
	Name                  string         `json:"name"`
	Label                 string         `json:"label"`
	Description           string         `json:"description,omitempty"`
	Icon                  string         `json:"icon,omitempty"`
	IsCustom              bool           `json:"isCustom"`
	IsActive              bool           `json:"isActive"`
	IsSystem              bool           `json:"isSystem"`
	IsNullable            bool           `json:"isNullable"`
	IsUnique              bool           `json:"isUnique"`
	DefaultValue          any            `json:"defaultValue"`
	Options               []OptionDTO    `json:"options"`
	Settings              map[string]any `json:"settings"`
	ObjectMetadataID      string         `json:"objectMetadataId"`
	IsLabelSyncedWithName bool           `json:"isLabelSyncedWithName"`
	CreatedAt             string         `json:"createdAt"`
	UpdatedAt             string         `json:"updatedAt"`
	MorphID               string         `json:"morphId,omitempty"`
	// Relation describes both sides of a RELATION or MORPH_RELATION field (Twenty's RelationDTO).
	Relation *RelationDTO `json:"relation,omitempty"`
}

// OptionDTO is one option of a SELECT, MULTI_SELECT or RATING field.
type OptionDTO struct {
	ID       string `json:"id"`
	Value    string `json:"value"`
	Label    string `json:"label"`
	Color    string `json:"color,omitempty"`
	Position int    `json:"position"`
}

// RelationDTO is a relation seen from one of its fields: its cardinality from that side, the two
// objects and the two fields.
type RelationDTO struct {
	Type                 RelationType `json:"type"`
	SourceObjectMetadata ObjectRefDTO `json:"sourceObjectMetadata"`
	TargetObjectMetadata ObjectRefDTO `json:"targetObjectMetadata"`
	SourceFieldMetadata  FieldRefDTO  `json:"sourceFieldMetadata"`
	TargetFieldMetadata  FieldRefDTO  `json:"targetFieldMetadata"`
}

// ObjectRefDTO names an object in a [RelationDTO].
type ObjectRefDTO struct {
	ID           string `json:"id"`
	NameSingular string `json:"nameSingular"`
	NamePlural   string `json:"namePlural"`
}

// FieldRefDTO names a field in a [RelationDTO].
type FieldRefDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// NewObjectDTO renders object o of the workspace whose objects are all, with its fields when
// withFields is set.
func NewObjectDTO(o Object, info ObjectInfo, all []Object, withFields bool) ObjectDTO {
	dto := ObjectDTO{
		ID: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural,
		LabelSingular: o.LabelSingular, LabelPlural: o.LabelPlural,
		Description: o.Description, Icon: o.Icon, Shortcut: info.Shortcut,
		IsCustom: o.IsCustom, IsRemote: o.IsRemote, IsActive: o.IsActive, IsSystem: o.IsSystem,
		IsSearchable: o.IsSearchable, IsLabelSyncedWithName: info.IsLabelSyncedWithName,
		LabelIdentifierFieldMetadataID: nullable(o.LabelIdentifier()),
		ImageIdentifierFieldMetadataID: nullable(o.ImageIdentifierFieldMetadataID),
		CreatedAt:                      info.CreatedAt,
		UpdatedAt:                      info.UpdatedAt,
	}
	if withFields {
		dto.Fields = make([]FieldDTO, len(o.Fields))
		for i, f := range o.Fields {
			dto.Fields[i] = NewFieldDTO(f, o, info, all)
		}
	}
	return dto
}

// LabelIdentifier returns the id of the field that names o's records: the one set, or else the
// field Twenty's standard objects use (name, or title for notes and tasks), or "".
func (o Object) LabelIdentifier() string {
	if o.LabelIdentifierFieldMetadataID != "" {
		return o.LabelIdentifierFieldMetadataID
	}
	for _, n := range []string{"name", "title"} {
		if f, ok := o.Field(n); ok {
			return f.ID
		}
	}
	return ""
}

// NewFieldDTO renders field f of object o (whose info is given) in the workspace whose objects
// are all.
func NewFieldDTO(f Field, o Object, info ObjectInfo, all []Object) FieldDTO {
	fi, ok := info.Fields[f.ID]
	if !ok || fi.CreatedAt == "" {
		fi.CreatedAt, fi.UpdatedAt = info.CreatedAt, info.UpdatedAt
	}
	dto := FieldDTO{
		ID: f.ID, Type: f.Type, Name: f.Name, Label: f.Label, Description: f.Description, Icon: f.Icon,
		IsCustom: f.IsCustom, IsActive: f.IsActive, IsSystem: f.IsSystem, IsNullable: f.IsNullable,
		IsUnique: f.IsUnique, DefaultValue: f.DefaultValue, Settings: f.Settings,
		ObjectMetadataID: o.ID, IsLabelSyncedWithName: fi.IsLabelSyncedWithName,
		CreatedAt: fi.CreatedAt, UpdatedAt: fi.UpdatedAt,
	}
	for _, opt := range f.OptionsWithIDs() {
		dto.Options = append(dto.Options, OptionDTO(opt))
	}
	if r := f.Relation; r != nil && f.Type.IsRelation() {
		dto.MorphID = r.MorphID
		rel := &RelationDTO{
			Type:                 r.Type,
			SourceObjectMetadata: ObjectRefDTO{ID: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural},
			SourceFieldMetadata:  FieldRefDTO{ID: f.ID, Name: f.Name},
			TargetObjectMetadata: ObjectRefDTO{ID: r.TargetObjectMetadataID, NameSingular: r.TargetObjectNameSingular},
			TargetFieldMetadata:  FieldRefDTO{ID: r.TargetFieldMetadataID, Name: r.TargetFieldName},
		}
		for _, t := range all {
			if t.NameSingular != r.TargetObjectNameSingular {
				continue
			}
			rel.TargetObjectMetadata = ObjectRefDTO{ID: t.ID, NameSingular: t.NameSingular, NamePlural: t.NamePlural}
			if inv, ok := t.Field(r.TargetFieldName); ok {
				rel.TargetFieldMetadata.ID = inv.ID
			}
		}
		dto.Relation = rel
	}
	return dto
}

// OptionsWithIDs returns f's options, each with an id: its own, or one derived from the field's
// id and the option's value, so that options stored without ids (the standard fields') have
// stable ids a client can send back.
func (f Field) OptionsWithIDs() []Option {
	if len(f.Options) == 0 {
		return nil
	}
	out := make([]Option, len(f.Options))
	for i, o := range f.Options {
		if o.ID == "" {
			o.ID = derivedID(f.ID, o.Value)
		}
		out[i] = o
	}
	return out
}

// derivedID is a name-based (version 5 style) UUID of parent and name.
func derivedID(parent, name string) string {
	sum := sha1.Sum([]byte(parent + "/" + name))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
