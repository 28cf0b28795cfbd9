package main

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// RPCs being built: each moves to its own file when it is.

var errPending = connect.NewError(connect.CodeUnimplemented, errors.New("not built yet"))

func (s *server) MergeMany(context.Context, *recordsv1.MergeManyRequest) (*recordsv1.MergeManyResponse, error) {
	return nil, errPending
}

func (s *server) FindDuplicates(context.Context, *recordsv1.FindDuplicatesRequest) (*recordsv1.FindDuplicatesResponse, error) {
	return nil, errPending
}

func (s *server) GroupBy(context.Context, *recordsv1.GroupByRequest) (*recordsv1.GroupByResponse, error) {
	return nil, errPending
}
