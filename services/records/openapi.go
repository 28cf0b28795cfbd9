package main

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/services/records/internal/openapi"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// OpenAPI implements recordsv1connect.RecordsServiceHandler: the OpenAPI 3.1 document of the
// workspace's core (records) or metadata API, or the base document when no workspace is given (the
// gateway found no valid token). The core document is built from the workspace's current objects
// on every call, so a metadata change shows at once.
func (s *server) OpenAPI(ctx context.Context, req *recordsv1.OpenAPIRequest) (*recordsv1.OpenAPIResponse, error) {
	kind, ok := openapi.ParseKind(req.GetKind())
	if !ok {
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("kind %q is neither core nor metadata", req.GetKind()))
	}
	var doc openapi.Document
	switch ws := req.GetWorkspaceId(); {
	case ws == "":
		doc = openapi.Base(kind, req.GetServerUrl())
	case kind == openapi.Metadata:
		if err := workspaceFor(ws); err != nil {
			return nil, err
		}
		doc = openapi.MetadataDocument(req.GetServerUrl())
	default:
		if err := workspaceFor(ws); err != nil {
			return nil, err
		}
		objects, _, err := s.workspaceState(ctx, ws)
		if err != nil {
			return nil, err
		}
		doc = openapi.CoreDocument(objects, req.GetServerUrl())
	}
	out, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	return &recordsv1.OpenAPIResponse{DocumentJson: out}, nil
}
