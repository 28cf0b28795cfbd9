package main

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// GraphQL implements recordsv1connect.RecordsServiceHandler. Being built.
func (s *server) GraphQL(context.Context, *recordsv1.GraphQLRequest) (*recordsv1.GraphQLResponse, error) {
	return nil, connect.NewError(connect.CodeUnimplemented, errors.New("not built yet"))
}
