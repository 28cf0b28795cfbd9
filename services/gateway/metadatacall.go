package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// This file calls the records Worker's metadata RPCs for REST /rest/metadata (metadata.go) and
// GraphQL /metadata (metadatagraphql.go) alike: a client's JSON input becomes the RPC's typed
// input (metadatainput), and the object or field answered Twenty's JSON (metadatadto.go).

// metaOp is an operation of the metadata API on one object or field.
type metaOp int

const (
	findOne metaOp = iota
	createOne
	updateOne
	deleteOne
)

// metaDTO is an object or field of a list: its id, and its JSON as Twenty answers it.
type metaDTO struct {
	id   string
	json json.RawMessage
}

// metadataAll answers every object (each with its fields) or every field of the workspace, for
// the caller to filter and page.
func (g *gateway) metadataAll(ctx context.Context, ws, kind string) ([]metaDTO, error) {
	var out []metaDTO
	if kind == "objects" {
		res, err := g.records.FindObjects(ctx, &recordsv1.FindObjectsRequest{WorkspaceId: ws})
		if err != nil {
			return nil, err
		}
		for _, o := range res.GetObjects() {
			b, err := objectJSON(o)
			if err != nil {
				return nil, err
			}
			out = append(out, metaDTO{o.GetId(), b})
		}
		return out, nil
	}
	res, err := g.records.FindFields(ctx, &recordsv1.FindFieldsRequest{WorkspaceId: ws})
	if err != nil {
		return nil, err
	}
	for _, f := range res.GetFields() {
		b, err := fieldJSON(f)
		if err != nil {
			return nil, err
		}
		out = append(out, metaDTO{f.GetId(), b})
	}
	return out, nil
}

// metadataOne runs op on the object or field of kind ("objects" or "fields") with id, and
// answers it as Twenty does. input is the JSON object of a create input or an update.
func (g *gateway) metadataOne(ctx context.Context, ws, kind string, op metaOp, id string, input []byte) (json.RawMessage, error) {
	if kind == "objects" {
		o, err := g.objectOp(ctx, ws, op, id, input)
		if err != nil {
			return nil, err
		}
		return objectJSON(o)
	}
	f, err := g.fieldOp(ctx, ws, op, id, input)
	if err != nil {
		return nil, err
	}
	return fieldJSON(f)
}

// objectOp runs op on an object.
func (g *gateway) objectOp(ctx context.Context, ws string, op metaOp, id string, input []byte) (*recordsv1.ObjectMetadata, error) {
	var res *recordsv1.ObjectMetadataResponse
	var err error
	switch op {
	case findOne:
		res, err = g.records.FindObject(ctx, &recordsv1.FindObjectRequest{WorkspaceId: ws, Id: id})
	case createOne:
		in := &recordsv1.CreateObjectInput{}
		if err := typedInput(input, in); err != nil {
			return nil, err
		}
		res, err = g.records.CreateObject(ctx, &recordsv1.CreateObjectRequest{WorkspaceId: ws, Input: in})
	case updateOne:
		in := &recordsv1.UpdateObjectInput{}
		if err := typedInput(input, in); err != nil {
			return nil, err
		}
		res, err = g.records.UpdateObject(ctx, &recordsv1.UpdateObjectRequest{WorkspaceId: ws, Id: id, Update: in})
	case deleteOne:
		res, err = g.records.DeleteObject(ctx, &recordsv1.DeleteObjectRequest{WorkspaceId: ws, Id: id})
	}
	if err != nil {
		return nil, err
	}
	return res.GetObject(), nil
}

// fieldOp runs op on a field.
func (g *gateway) fieldOp(ctx context.Context, ws string, op metaOp, id string, input []byte) (*recordsv1.FieldMetadata, error) {
	var res *recordsv1.FieldMetadataResponse
	var err error
	switch op {
	case findOne:
		res, err = g.records.FindField(ctx, &recordsv1.FindFieldRequest{WorkspaceId: ws, Id: id})
	case createOne:
		in := &recordsv1.CreateFieldInput{}
		if err := typedInput(input, in); err != nil {
			return nil, err
		}
		res, err = g.records.CreateField(ctx, &recordsv1.CreateFieldRequest{WorkspaceId: ws, Input: in})
	case updateOne:
		in := &recordsv1.UpdateFieldInput{}
		if err := typedInput(input, in); err != nil {
			return nil, err
		}
		res, err = g.records.UpdateField(ctx, &recordsv1.UpdateFieldRequest{WorkspaceId: ws, Id: id, Update: in})
	case deleteOne:
		res, err = g.records.DeleteField(ctx, &recordsv1.DeleteFieldRequest{WorkspaceId: ws, Id: id})
	}
	if err != nil {
		return nil, err
	}
	return res.GetField(), nil
}

// typedInput reads the JSON object input into m. An input that is not one is refused with the
// records Worker's message for it, as an InvalidArgument error of the RPC would be.
func typedInput(input []byte, m proto.Message) error {
	err := metadatainput.FromJSON(input, m)
	if errors.Is(err, metadatainput.ErrNotObject) {
		return connect.NewError(connect.CodeInvalidArgument, errors.New("The input must be a JSON object"))
	}
	if err != nil {
		return fmt.Errorf("read the metadata input: %w", err)
	}
	return nil
}
