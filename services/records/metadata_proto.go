package main

import (
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// This file translates the metadata RPCs' messages: a typed input back to the JSON object Twenty's
// API takes, which the metadata package checks with Twenty's messages (metadatainput tells how
// nothing it distinguishes is lost), and the objects and fields the store answers to their
// messages.

// inputJSON is the JSON object of a create input or an update.
func inputJSON(m proto.Message) ([]byte, error) {
	b, err := metadatainput.ToJSON(m)
	if err != nil {
		return nil, fmt.Errorf("encode the metadata input: %w", err)
	}
	return b, nil
}

// objectToProto is an object as the metadata RPCs answer it.
func objectToProto(o metadata.ObjectDTO) (*recordsv1.ObjectMetadata, error) {
	m := &recordsv1.ObjectMetadata{
		Id: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural,
		LabelSingular: o.LabelSingular, LabelPlural: o.LabelPlural,
		Description: o.Description, Icon: o.Icon, Shortcut: o.Shortcut,
		IsCustom: o.IsCustom, IsRemote: o.IsRemote, IsActive: o.IsActive, IsSystem: o.IsSystem,
		IsSearchable: o.IsSearchable, IsLabelSyncedWithName: o.IsLabelSyncedWithName,
		LabelIdentifierFieldMetadataId: deref(o.LabelIdentifierFieldMetadataID),
		ImageIdentifierFieldMetadataId: deref(o.ImageIdentifierFieldMetadataID),
		CreatedAt:                      o.CreatedAt,
		UpdatedAt:                      o.UpdatedAt,
	}
	for _, c := range o.DuplicateCriteria {
		m.DuplicateCriteria = append(m.DuplicateCriteria, &recordsv1.DuplicateCriterion{FieldNames: c})
	}
	if len(o.Fields) > 0 {
		m.Fields = make([]*recordsv1.FieldMetadata, len(o.Fields))
	}
	for i, f := range o.Fields {
		var err error
		if m.Fields[i], err = fieldToProto(f); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// fieldToProto is a field as the metadata RPCs answer it; its default, options and settings are
// JSON, empty when absent.
func fieldToProto(f metadata.FieldDTO) (*recordsv1.FieldMetadata, error) {
	m := &recordsv1.FieldMetadata{
		Id: f.ID, Type: string(f.Type), Name: f.Name, Label: f.Label, Description: f.Description, Icon: f.Icon,
		IsCustom: f.IsCustom, IsActive: f.IsActive, IsSystem: f.IsSystem, IsNullable: f.IsNullable, IsUnique: f.IsUnique,
		ObjectMetadataId: f.ObjectMetadataID, IsLabelSyncedWithName: f.IsLabelSyncedWithName,
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, MorphId: f.MorphID,
	}
	for _, v := range []struct {
		value any
		null  bool
		to    *[]byte
	}{
		{f.DefaultValue, f.DefaultValue == nil, &m.DefaultValueJson},
		{f.Options, f.Options == nil, &m.OptionsJson},
		{f.Settings, f.Settings == nil, &m.SettingsJson},
	} {
		if v.null {
			continue
		}
		b, err := json.Marshal(v.value)
		if err != nil {
			return nil, fmt.Errorf("encode field %s: %w", f.ID, err)
		}
		*v.to = b
	}
	if r := f.Relation; r != nil {
		m.Relation = &recordsv1.FieldRelation{
			Type:                 string(r.Type),
			SourceObjectMetadata: objectRefToProto(r.SourceObjectMetadata),
			TargetObjectMetadata: objectRefToProto(r.TargetObjectMetadata),
			SourceFieldMetadata:  &recordsv1.FieldRef{Id: r.SourceFieldMetadata.ID, Name: r.SourceFieldMetadata.Name},
			TargetFieldMetadata:  &recordsv1.FieldRef{Id: r.TargetFieldMetadata.ID, Name: r.TargetFieldMetadata.Name},
		}
	}
	return m, nil
}

func objectRefToProto(r metadata.ObjectRefDTO) *recordsv1.ObjectRef {
	return &recordsv1.ObjectRef{Id: r.ID, NameSingular: r.NameSingular, NamePlural: r.NamePlural}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
