package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// callMetadata runs operation op (find_many, find_one, create_one, update_one, delete_one) of the
// metadata RPCs on kind (objects, fields) as the gateway does for REST and GraphQL: input, Twenty's
// JSON, becomes the typed input with metadatainput (an input that is not an object is refused
// there, as the gateway refuses it). It answers the object or field, or the list, as JSON in the
// metadata package's shape, for the tests to decode into metadata.ObjectDTO and FieldDTO.
func callMetadata(client recordsv1connect.RecordsServiceClient, ws, kind, op, id, input string) ([]byte, error) {
	ctx := context.Background()
	typed := func(m proto.Message) error {
		if err := metadatainput.FromJSON([]byte(input), m); err != nil {
			return connect.NewError(connect.CodeInvalidArgument, errors.New("The input must be a JSON object"))
		}
		return nil
	}
	var out any
	var err error
	switch kind + "." + op {
	case "objects.find_many":
		var res *recordsv1.FindObjectsResponse
		if res, err = client.FindObjects(ctx, &recordsv1.FindObjectsRequest{WorkspaceId: ws}); err == nil {
			list := []metadata.ObjectDTO{}
			for _, o := range res.GetObjects() {
				list = append(list, objectFromProto(o))
			}
			out = list
		}
	case "objects.find_one", "objects.create_one", "objects.update_one", "objects.delete_one":
		var res *recordsv1.ObjectMetadataResponse
		switch op {
		case "find_one":
			res, err = client.FindObject(ctx, &recordsv1.FindObjectRequest{WorkspaceId: ws, Id: id})
		case "create_one":
			in := &recordsv1.CreateObjectInput{}
			if err = typed(in); err == nil {
				res, err = client.CreateObject(ctx, &recordsv1.CreateObjectRequest{WorkspaceId: ws, Input: in})
			}
		case "update_one":
			in := &recordsv1.UpdateObjectInput{}
			if err = typed(in); err == nil {
				res, err = client.UpdateObject(ctx, &recordsv1.UpdateObjectRequest{WorkspaceId: ws, Id: id, Update: in})
			}
		case "delete_one":
			res, err = client.DeleteObject(ctx, &recordsv1.DeleteObjectRequest{WorkspaceId: ws, Id: id})
		}
		if err == nil {
			out = objectFromProto(res.GetObject())
		}
	case "fields.find_many":
		var res *recordsv1.FindFieldsResponse
		if res, err = client.FindFields(ctx, &recordsv1.FindFieldsRequest{WorkspaceId: ws}); err == nil {
			list := []metadata.FieldDTO{}
			for _, f := range res.GetFields() {
				list = append(list, fieldFromProto(f))
			}
			out = list
		}
	case "fields.find_one", "fields.create_one", "fields.update_one", "fields.delete_one":
		var res *recordsv1.FieldMetadataResponse
		switch op {
		case "find_one":
			res, err = client.FindField(ctx, &recordsv1.FindFieldRequest{WorkspaceId: ws, Id: id})
		case "create_one":
			in := &recordsv1.CreateFieldInput{}
			if err = typed(in); err == nil {
				res, err = client.CreateField(ctx, &recordsv1.CreateFieldRequest{WorkspaceId: ws, Input: in})
			}
		case "update_one":
			in := &recordsv1.UpdateFieldInput{}
			if err = typed(in); err == nil {
				res, err = client.UpdateField(ctx, &recordsv1.UpdateFieldRequest{WorkspaceId: ws, Id: id, Update: in})
			}
		case "delete_one":
			res, err = client.DeleteField(ctx, &recordsv1.DeleteFieldRequest{WorkspaceId: ws, Id: id})
		}
		if err == nil {
			out = fieldFromProto(res.GetField())
		}
	default:
		// No RPC has this name: what Connect answers for it.
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("no metadata operation %s on %s", op, kind))
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// objectFromProto is objectToProto's inverse.
func objectFromProto(o *recordsv1.ObjectMetadata) metadata.ObjectDTO {
	dto := metadata.ObjectDTO{
		ID: o.GetId(), NameSingular: o.GetNameSingular(), NamePlural: o.GetNamePlural(),
		LabelSingular: o.GetLabelSingular(), LabelPlural: o.GetLabelPlural(),
		Description: o.GetDescription(), Icon: o.GetIcon(), Shortcut: o.GetShortcut(),
		IsCustom: o.GetIsCustom(), IsRemote: o.GetIsRemote(), IsActive: o.GetIsActive(), IsSystem: o.GetIsSystem(),
		IsSearchable: o.GetIsSearchable(), IsLabelSyncedWithName: o.GetIsLabelSyncedWithName(),
		CreatedAt: o.GetCreatedAt(), UpdatedAt: o.GetUpdatedAt(),
	}
	if id := o.GetLabelIdentifierFieldMetadataId(); id != "" {
		dto.LabelIdentifierFieldMetadataID = &id
	}
	if id := o.GetImageIdentifierFieldMetadataId(); id != "" {
		dto.ImageIdentifierFieldMetadataID = &id
	}
	for _, c := range o.GetDuplicateCriteria() {
		dto.DuplicateCriteria = append(dto.DuplicateCriteria, c.GetFieldNames())
	}
	for _, f := range o.GetFields() {
		dto.Fields = append(dto.Fields, fieldFromProto(f))
	}
	return dto
}

// fieldFromProto is fieldToProto's inverse.
func fieldFromProto(f *recordsv1.FieldMetadata) metadata.FieldDTO {
	dto := metadata.FieldDTO{
		ID: f.GetId(), Type: metadata.FieldType(f.GetType()), Name: f.GetName(), Label: f.GetLabel(),
		Description: f.GetDescription(), Icon: f.GetIcon(), IsCustom: f.GetIsCustom(), IsActive: f.GetIsActive(),
		IsSystem: f.GetIsSystem(), IsNullable: f.GetIsNullable(), IsUnique: f.GetIsUnique(),
		ObjectMetadataID: f.GetObjectMetadataId(), IsLabelSyncedWithName: f.GetIsLabelSyncedWithName(),
		CreatedAt: f.GetCreatedAt(), UpdatedAt: f.GetUpdatedAt(), MorphID: f.GetMorphId(),
	}
	for _, v := range []struct {
		from []byte
		to   any
	}{{f.GetDefaultValueJson(), &dto.DefaultValue}, {f.GetOptionsJson(), &dto.Options}, {f.GetSettingsJson(), &dto.Settings}} {
		if len(v.from) > 0 {
			if err := json.Unmarshal(v.from, v.to); err != nil {
				panic(fmt.Sprintf("field %s: %s: %v", f.GetId(), v.from, err))
			}
		}
	}
	if r := f.GetRelation(); r != nil {
		ref := func(o *recordsv1.ObjectRef) metadata.ObjectRefDTO {
			return metadata.ObjectRefDTO{ID: o.GetId(), NameSingular: o.GetNameSingular(), NamePlural: o.GetNamePlural()}
		}
		dto.Relation = &metadata.RelationDTO{
			Type:                 metadata.RelationType(r.GetType()),
			SourceObjectMetadata: ref(r.GetSourceObjectMetadata()),
			TargetObjectMetadata: ref(r.GetTargetObjectMetadata()),
			SourceFieldMetadata:  metadata.FieldRefDTO{ID: r.GetSourceFieldMetadata().GetId(), Name: r.GetSourceFieldMetadata().GetName()},
			TargetFieldMetadata:  metadata.FieldRefDTO{ID: r.GetTargetFieldMetadata().GetId(), Name: r.GetTargetFieldMetadata().GetName()},
		}
	}
	return dto
}
