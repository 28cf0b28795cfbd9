package main

import (
	"context"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/services/records/internal/metastore"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// This file implements the metadata RPCs of recordsv1connect.RecordsServiceHandler: Twenty's
// metadata API on objects and fields (metastore) for the workspace the gateway took from a
// verified token. Each translates its request to one metastore call and the answer back
// (metadata_proto.go); errors become Connect codes in errors.go.

// metaStore is the metadata store on the server's databases; a change drops the workspace's
// cached schema.
func (s *server) metaStore() *metastore.Store {
	return &metastore.Store{Control: s.control, Shards: s.shards, Changed: s.forgetSchema}
}

// FindObjects implements recordsv1connect.RecordsServiceHandler.
func (s *server) FindObjects(ctx context.Context, req *recordsv1.FindObjectsRequest) (*recordsv1.FindObjectsResponse, error) {
	if err := workspaceFor(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	list, err := s.metaStore().Objects(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	out := &recordsv1.FindObjectsResponse{Objects: make([]*recordsv1.ObjectMetadata, len(list))}
	for i, o := range list {
		if out.Objects[i], err = objectToProto(o); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindObject implements recordsv1connect.RecordsServiceHandler.
func (s *server) FindObject(ctx context.Context, req *recordsv1.FindObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return objectCall(req.GetWorkspaceId(), func() (metadata.ObjectDTO, error) {
		return s.metaStore().Object(ctx, req.GetWorkspaceId(), req.GetId())
	})
}

// CreateObject implements recordsv1connect.RecordsServiceHandler.
func (s *server) CreateObject(ctx context.Context, req *recordsv1.CreateObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return objectCall(req.GetWorkspaceId(), func() (metadata.ObjectDTO, error) {
		input, err := inputJSON(req.GetInput())
		if err != nil {
			return metadata.ObjectDTO{}, err
		}
		return s.metaStore().CreateObject(ctx, req.GetWorkspaceId(), input)
	})
}

// UpdateObject implements recordsv1connect.RecordsServiceHandler.
func (s *server) UpdateObject(ctx context.Context, req *recordsv1.UpdateObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return objectCall(req.GetWorkspaceId(), func() (metadata.ObjectDTO, error) {
		update, err := inputJSON(req.GetUpdate())
		if err != nil {
			return metadata.ObjectDTO{}, err
		}
		return s.metaStore().UpdateObject(ctx, req.GetWorkspaceId(), req.GetId(), update)
	})
}

// DeleteObject implements recordsv1connect.RecordsServiceHandler.
func (s *server) DeleteObject(ctx context.Context, req *recordsv1.DeleteObjectRequest) (*recordsv1.ObjectMetadataResponse, error) {
	return objectCall(req.GetWorkspaceId(), func() (metadata.ObjectDTO, error) {
		return s.metaStore().DeleteObject(ctx, req.GetWorkspaceId(), req.GetId())
	})
}

// FindFields implements recordsv1connect.RecordsServiceHandler.
func (s *server) FindFields(ctx context.Context, req *recordsv1.FindFieldsRequest) (*recordsv1.FindFieldsResponse, error) {
	if err := workspaceFor(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	list, err := s.metaStore().Fields(ctx, req.GetWorkspaceId())
	if err != nil {
		return nil, err
	}
	out := &recordsv1.FindFieldsResponse{Fields: make([]*recordsv1.FieldMetadata, len(list))}
	for i, f := range list {
		if out.Fields[i], err = fieldToProto(f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindField implements recordsv1connect.RecordsServiceHandler.
func (s *server) FindField(ctx context.Context, req *recordsv1.FindFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return fieldCall(req.GetWorkspaceId(), func() (metadata.FieldDTO, error) {
		return s.metaStore().Field(ctx, req.GetWorkspaceId(), req.GetId())
	})
}

// CreateField implements recordsv1connect.RecordsServiceHandler.
func (s *server) CreateField(ctx context.Context, req *recordsv1.CreateFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return fieldCall(req.GetWorkspaceId(), func() (metadata.FieldDTO, error) {
		input, err := inputJSON(req.GetInput())
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		return s.metaStore().CreateField(ctx, req.GetWorkspaceId(), input)
	})
}

// UpdateField implements recordsv1connect.RecordsServiceHandler.
func (s *server) UpdateField(ctx context.Context, req *recordsv1.UpdateFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return fieldCall(req.GetWorkspaceId(), func() (metadata.FieldDTO, error) {
		update, err := inputJSON(req.GetUpdate())
		if err != nil {
			return metadata.FieldDTO{}, err
		}
		return s.metaStore().UpdateField(ctx, req.GetWorkspaceId(), req.GetId(), update)
	})
}

// DeleteField implements recordsv1connect.RecordsServiceHandler.
func (s *server) DeleteField(ctx context.Context, req *recordsv1.DeleteFieldRequest) (*recordsv1.FieldMetadataResponse, error) {
	return fieldCall(req.GetWorkspaceId(), func() (metadata.FieldDTO, error) {
		return s.metaStore().DeleteField(ctx, req.GetWorkspaceId(), req.GetId())
	})
}

// objectCall checks the workspace id, runs call and answers its object.
func objectCall(workspaceID string, call func() (metadata.ObjectDTO, error)) (*recordsv1.ObjectMetadataResponse, error) {
	if err := workspaceFor(workspaceID); err != nil {
		return nil, err
	}
	o, err := call()
	if err != nil {
		return nil, err
	}
	m, err := objectToProto(o)
	if err != nil {
		return nil, err
	}
	return &recordsv1.ObjectMetadataResponse{Object: m}, nil
}

// fieldCall checks the workspace id, runs call and answers its field.
func fieldCall(workspaceID string, call func() (metadata.FieldDTO, error)) (*recordsv1.FieldMetadataResponse, error) {
	if err := workspaceFor(workspaceID); err != nil {
		return nil, err
	}
	f, err := call()
	if err != nil {
		return nil, err
	}
	m, err := fieldToProto(f)
	if err != nil {
		return nil, err
	}
	return &recordsv1.FieldMetadataResponse{Field: m}, nil
}
