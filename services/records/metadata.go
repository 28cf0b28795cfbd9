package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/metastore"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// Metadata implements recordsv1connect.RecordsServiceHandler: Twenty's metadata API on objects
// and fields (metastore) for the workspace the gateway took from a verified token.
func (s *server) Metadata(ctx context.Context, req *recordsv1.MetadataRequest) (*recordsv1.MetadataResponse, error) {
	if err := workspaceFor(req.GetWorkspaceId()); err != nil {
		return nil, err
	}
	res, err := s.metaStore().Do(ctx, metastore.Request{
		WorkspaceID: req.GetWorkspaceId(), Kind: req.GetKind(), Operation: req.GetOperation(), ID: req.GetId(),
		Input: req.GetInputJson(),
	})
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(res.Value)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	return &recordsv1.MetadataResponse{ResultJson: b}, nil
}

// metaStore is the metadata store on the server's databases; a change drops the workspace's
// cached schema.
func (s *server) metaStore() *metastore.Store {
	return &metastore.Store{Control: s.control, Shards: s.shards, Changed: s.forgetSchema}
}
