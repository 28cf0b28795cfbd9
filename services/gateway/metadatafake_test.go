package main

import (
	"context"
	"encoding/json"
	"fmt"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// metadataCall is what the gateway asked of the records Worker's metadata RPCs: the operation
// (find_many, find_one, create_one, update_one, delete_one) on a kind (objects, fields), and the
// input as the JSON object the records Worker checks.
type metadataCall struct {
	Workspace, Kind, Operation, ID, Input string
}

// metadataRPC is a records Worker whose metadata RPCs answer through handle: the JSON of an
// object or field as Twenty shows it, or of the list for find_many.
type metadataRPC struct {
	recordsv1connect.UnimplementedRecordsServiceHandler
	handle func(metadataCall) ([]byte, error)
}

// call runs handle and decodes its answer into out (an objectDTO, a fieldDTO or a slice).
func (m *metadataRPC) call(c metadataCall, input proto.Message, out any) error {
	if input != nil {
		b, err := metadatainput.ToJSON(input)
		if err != nil {
			return err
		}
		c.Input = string(b)
	}
	b, err := m.handle(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("the fake's answer %s: %w", b, err)
	}
	return nil
}

func (m *metadataRPC) object(c metadataCall, input proto.Message) (*recordsv1.ObjectMetadataResponse, error) {
	var o objectDTO
	if err := m.call(c, input, &o); err != nil {
		return nil, err
	}
	return &recordsv1.ObjectMetadataResponse{Object: objectProto(o)}, nil
}

func (m *metadataRPC) field(c metadataCall, input proto.Message) (*recordsv1.FieldMetadataResponse, error) {
	var f fieldDTO
	if err := m.call(c, input, &f); err != nil {
		return nil, err
	}
	return &recordsv1.FieldMetadataResponse{Field: fieldProto(f)}, nil
}

func (m *metadataRPC) FindObjects(_ context.Context, req *recordsv1.FindObjectsRequest) (*recordsv1.FindObjectsResponse, error) {
	var list []objectDTO
	if err := m.call(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "objects", Operation: "find_many"}, nil, &list); err != nil {
		return nil, err
	}
	out := &recordsv1.FindObjectsResponse{}
	for _, o := range list {
		out.Objects = append(out.Objects, objectProto(o))
	}
	return out, nil
}

func (m *metadataRPC) FindObject(_ context.Context, req *recordsv1.FindObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return m.object(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "objects", Operation: "find_one", ID: req.GetId()}, nil)
}

func (m *metadataRPC) CreateObject(_ context.Context, req *recordsv1.CreateObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return m.object(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "objects", Operation: "create_one"}, req.GetInput())
}

func (m *metadataRPC) UpdateObject(_ context.Context, req *recordsv1.UpdateObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return m.object(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "objects", Operation: "update_one", ID: req.GetId()}, req.GetUpdate())
}

func (m *metadataRPC) DeleteObject(_ context.Context, req *recordsv1.DeleteObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return m.object(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "objects", Operation: "delete_one", ID: req.GetId()}, nil)
}

func (m *metadataRPC) FindFields(_ context.Context, req *recordsv1.FindFieldsRequest) (*recordsv1.FindFieldsResponse, error) {
	var list []fieldDTO
	if err := m.call(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "fields", Operation: "find_many"}, nil, &list); err != nil {
		return nil, err
	}
	out := &recordsv1.FindFieldsResponse{}
	for _, f := range list {
		out.Fields = append(out.Fields, fieldProto(f))
	}
	return out, nil
}

func (m *metadataRPC) FindField(_ context.Context, req *recordsv1.FindFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return m.field(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "fields", Operation: "find_one", ID: req.GetId()}, nil)
}

func (m *metadataRPC) CreateField(_ context.Context, req *recordsv1.CreateFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return m.field(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "fields", Operation: "create_one"}, req.GetInput())
}

func (m *metadataRPC) UpdateField(_ context.Context, req *recordsv1.UpdateFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return m.field(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "fields", Operation: "update_one", ID: req.GetId()}, req.GetUpdate())
}

func (m *metadataRPC) DeleteField(_ context.Context, req *recordsv1.DeleteFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return m.field(metadataCall{Workspace: req.GetWorkspaceId(), Kind: "fields", Operation: "delete_one", ID: req.GetId()}, nil)
}

// objectProto is the message of an object given as Twenty shows it (newObjectDTO's inverse).
func objectProto(o objectDTO) *recordsv1.ObjectMetadata {
	m := &recordsv1.ObjectMetadata{
		Id: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural, LabelSingular: o.LabelSingular, LabelPlural: o.LabelPlural,
		Description: o.Description, Icon: o.Icon, Shortcut: o.Shortcut, IsCustom: o.IsCustom, IsRemote: o.IsRemote,
		IsActive: o.IsActive, IsSystem: o.IsSystem, IsSearchable: o.IsSearchable, IsLabelSyncedWithName: o.IsLabelSyncedWithName,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	if o.LabelIdentifierFieldMetadataID != nil {
		m.LabelIdentifierFieldMetadataId = *o.LabelIdentifierFieldMetadataID
	}
	if o.ImageIdentifierFieldMetadataID != nil {
		m.ImageIdentifierFieldMetadataId = *o.ImageIdentifierFieldMetadataID
	}
	for _, c := range o.DuplicateCriteria {
		m.DuplicateCriteria = append(m.DuplicateCriteria, &recordsv1.DuplicateCriterion{FieldNames: c})
	}
	for _, f := range o.Fields {
		m.Fields = append(m.Fields, fieldProto(f))
	}
	return m
}

// fieldProto is the message of a field given as Twenty shows it (newFieldDTO's inverse).
func fieldProto(f fieldDTO) *recordsv1.FieldMetadata {
	raw := func(b json.RawMessage) []byte {
		if string(b) == "null" {
			return nil
		}
		return b
	}
	m := &recordsv1.FieldMetadata{
		Id: f.ID, Type: f.Type, Name: f.Name, Label: f.Label, Description: f.Description, Icon: f.Icon,
		IsCustom: f.IsCustom, IsActive: f.IsActive, IsSystem: f.IsSystem, IsNullable: f.IsNullable, IsUnique: f.IsUnique,
		DefaultValueJson: raw(f.DefaultValue), OptionsJson: raw(f.Options), SettingsJson: raw(f.Settings),
		ObjectMetadataId: f.ObjectMetadataID, IsLabelSyncedWithName: f.IsLabelSyncedWithName,
		CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, MorphId: f.MorphID,
	}
	if r := f.Relation; r != nil {
		ref := func(o objectRefDTO) *recordsv1.ObjectRef {
			return &recordsv1.ObjectRef{Id: o.ID, NameSingular: o.NameSingular, NamePlural: o.NamePlural}
		}
		m.Relation = &recordsv1.FieldRelation{
			Type: r.Type, SourceObjectMetadata: ref(r.SourceObjectMetadata), TargetObjectMetadata: ref(r.TargetObjectMetadata),
			SourceFieldMetadata: &recordsv1.FieldRef{Id: r.SourceFieldMetadata.ID, Name: r.SourceFieldMetadata.Name},
			TargetFieldMetadata: &recordsv1.FieldRef{Id: r.TargetFieldMetadata.ID, Name: r.TargetFieldMetadata.Name},
		}
	}
	return m
}
