package main

import (
	"context"

	"github.com/twentyworkers/twenty/services/records/internal/openapi"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// OpenAPI implements recordsv1connect.RecordsServiceHandler: the OpenAPI 3.1 document of the
// workspace's core (records) or metadata API, or the base document when no workspace is given (the
// gateway found no valid token). The core document is built from the workspace's objects as the
// control database has them, on every call, so a metadata change shows at once.
func (s *server) OpenAPI(ctx context.Context, req *recordsv1.OpenAPIRequest) (*recordsv1.OpenAPIResponse, error) {
	kind, ok := openapi.ParseKind(req.GetKind())
	if !ok {
		return nil, invalid("kind %q is neither core nor metadata", req.GetKind())
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
		// Read from the control database, not the caches: nothing checks a cached schema here
		// (no shard batch carries the stamp), and a document is fetched rarely.
		sc, err := s.schemaFromControl(ctx, ws)
		if err != nil {
			return nil, err
		}
		doc = openapi.CoreDocument(sc.Objects, req.GetServerUrl())
	}
	out, err := doc.JSON()
	if err != nil {
		return nil, err
	}
	return &recordsv1.OpenAPIResponse{DocumentJson: out}, nil
}
