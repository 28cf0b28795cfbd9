package main

import (
	"encoding/json"
	"fmt"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// This file renders the objects and fields of the records Worker's metadata RPCs as Twenty's
// metadata API answers them (ObjectMetadataDTO and FieldMetadataDTO, as
// from-flat-object-metadata-to-object-metadata-dto.util.ts and
// from-flat-field-metadata-to-field-metadata-dto.util.ts fill them): optional strings left out
// when empty, identifiers, defaults, options and settings null when absent. REST answers the JSON;
// GraphQL resolves its nodes from it.

type objectDTO struct {
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
	Fields                         []fieldDTO `json:"fields,omitempty"`
}

type fieldDTO struct {
	ID                    string          `json:"id"`
	Type                  string          `json:"type"`
	Name                  string          `json:"name"`
	Label                 string          `json:"label"`
	Description           string          `json:"description,omitempty"`
	Icon                  string          `json:"icon,omitempty"`
	IsCustom              bool            `json:"isCustom"`
	IsActive              bool            `json:"isActive"`
	IsSystem              bool            `json:"isSystem"`
	IsNullable            bool            `json:"isNullable"`
	IsUnique              bool            `json:"isUnique"`
	DefaultValue          json.RawMessage `json:"defaultValue"`
	Options               json.RawMessage `json:"options"`
	Settings              json.RawMessage `json:"settings"`
	ObjectMetadataID      string          `json:"objectMetadataId"`
	IsLabelSyncedWithName bool            `json:"isLabelSyncedWithName"`
	CreatedAt             string          `json:"createdAt"`
	UpdatedAt             string          `json:"updatedAt"`
	MorphID               string          `json:"morphId,omitempty"`
	Relation              *relationDTO    `json:"relation,omitempty"`
}

type relationDTO struct {
	Type                 string       `json:"type"`
	SourceObjectMetadata objectRefDTO `json:"sourceObjectMetadata"`
	TargetObjectMetadata objectRefDTO `json:"targetObjectMetadata"`
	SourceFieldMetadata  fieldRefDTO  `json:"sourceFieldMetadata"`
	TargetFieldMetadata  fieldRefDTO  `json:"targetFieldMetadata"`
}

type objectRefDTO struct {
	ID           string `json:"id"`
	NameSingular string `json:"nameSingular"`
	NamePlural   string `json:"namePlural"`
}

type fieldRefDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// objectJSON is object o as Twenty's metadata API answers it.
func objectJSON(o *recordsv1.ObjectMetadata) (json.RawMessage, error) {
	b, err := json.Marshal(newObjectDTO(o))
	if err != nil {
		return nil, fmt.Errorf("encode object %s: %w", o.GetId(), err)
	}
	return b, nil
}

// fieldJSON is field f as Twenty's metadata API answers it.
func fieldJSON(f *recordsv1.FieldMetadata) (json.RawMessage, error) {
	b, err := json.Marshal(newFieldDTO(f))
	if err != nil {
		return nil, fmt.Errorf("encode field %s: %w", f.GetId(), err)
	}
	return b, nil
}

func newObjectDTO(o *recordsv1.ObjectMetadata) objectDTO {
	dto := objectDTO{
		ID: o.GetId(), NameSingular: o.GetNameSingular(), NamePlural: o.GetNamePlural(),
		LabelSingular: o.GetLabelSingular(), LabelPlural: o.GetLabelPlural(),
		Description: o.GetDescription(), Icon: o.GetIcon(), Shortcut: o.GetShortcut(),
		IsCustom: o.GetIsCustom(), IsRemote: o.GetIsRemote(), IsActive: o.GetIsActive(), IsSystem: o.GetIsSystem(),
		IsSearchable: o.GetIsSearchable(), IsLabelSyncedWithName: o.GetIsLabelSyncedWithName(),
		LabelIdentifierFieldMetadataID: nullString(o.GetLabelIdentifierFieldMetadataId()),
		ImageIdentifierFieldMetadataID: nullString(o.GetImageIdentifierFieldMetadataId()),
		CreatedAt:                      o.GetCreatedAt(),
		UpdatedAt:                      o.GetUpdatedAt(),
	}
	for _, c := range o.GetDuplicateCriteria() {
		dto.DuplicateCriteria = append(dto.DuplicateCriteria, c.GetFieldNames())
	}
	if fields := o.GetFields(); len(fields) > 0 {
		dto.Fields = make([]fieldDTO, len(fields))
		for i, f := range fields {
			dto.Fields[i] = newFieldDTO(f)
		}
	}
	return dto
}

func newFieldDTO(f *recordsv1.FieldMetadata) fieldDTO {
	dto := fieldDTO{
		ID: f.GetId(), Type: f.GetType(), Name: f.GetName(), Label: f.GetLabel(),
		Description: f.GetDescription(), Icon: f.GetIcon(),
		IsCustom: f.GetIsCustom(), IsActive: f.GetIsActive(), IsSystem: f.GetIsSystem(),
		IsNullable: f.GetIsNullable(), IsUnique: f.GetIsUnique(),
		DefaultValue: nullJSON(f.GetDefaultValueJson()), Options: nullJSON(f.GetOptionsJson()), Settings: nullJSON(f.GetSettingsJson()),
		ObjectMetadataID: f.GetObjectMetadataId(), IsLabelSyncedWithName: f.GetIsLabelSyncedWithName(),
		CreatedAt: f.GetCreatedAt(), UpdatedAt: f.GetUpdatedAt(), MorphID: f.GetMorphId(),
	}
	if r := f.GetRelation(); r != nil {
		ref := func(o *recordsv1.ObjectRef) objectRefDTO {
			return objectRefDTO{ID: o.GetId(), NameSingular: o.GetNameSingular(), NamePlural: o.GetNamePlural()}
		}
		dto.Relation = &relationDTO{
			Type:                 r.GetType(),
			SourceObjectMetadata: ref(r.GetSourceObjectMetadata()),
			TargetObjectMetadata: ref(r.GetTargetObjectMetadata()),
			SourceFieldMetadata:  fieldRefDTO{ID: r.GetSourceFieldMetadata().GetId(), Name: r.GetSourceFieldMetadata().GetName()},
			TargetFieldMetadata:  fieldRefDTO{ID: r.GetTargetFieldMetadata().GetId(), Name: r.GetTargetFieldMetadata().GetName()},
		}
	}
	return dto
}

// nullString is s, or nil (null) when empty.
func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// nullJSON is the JSON b, or nil (null) when empty.
func nullJSON(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return b
}
