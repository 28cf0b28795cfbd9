package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"connectrpc.com/connect"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/health"
)

// fakeFiles is the files Worker's contract in memory: what the gateway sent it, per call.
type fakeFiles struct {
	filesv1connect.UnimplementedFilesServiceHandler
	checker *health.Checker

	mu       sync.Mutex
	n        int
	pending  map[string]*filesv1.CreateFileUploadRequest
	uploads  []*filesv1.UploadFileRequest
	complete []*filesv1.CompleteFileUploadRequest
}

func newFakeFiles(c *health.Checker) *fakeFiles {
	return &fakeFiles{checker: c, pending: map[string]*filesv1.CreateFileUploadRequest{}}
}

func (f *fakeFiles) Health(ctx context.Context, req *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return f.checker.Health(ctx, req)
}

func (f *fakeFiles) CreateFileUpload(_ context.Context, req *filesv1.CreateFileUploadRequest) (*filesv1.CreateFileUploadResponse, error) {
	if req.GetFileFolder() == "Dpa" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("unknown file folder"))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n)
	f.pending[id] = req
	return &filesv1.CreateFileUploadResponse{FileId: id, UploadUrl: req.GetServerUrl() + "/file-upload/" + id + "?token=t",
		ContentType: "application/octet-stream", ExpiresAt: "2026-12-06T12:15:00.000Z"}, nil
}

func (f *fakeFiles) CompleteFileUpload(_ context.Context, req *filesv1.CompleteFileUploadRequest) (*filesv1.CompleteFileUploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.complete = append(f.complete, req)
	p, ok := f.pending[req.GetFileId()]
	if !ok || p.GetWorkspaceId() != req.GetWorkspaceId() {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("file not found"))
	}
	return &filesv1.CompleteFileUploadResponse{File: &filesv1.File{Id: req.GetFileId(), Path: "files-field/" + req.GetFileId() + ".pdf",
		Size: p.GetSize(), CreatedAt: "2026-12-06T12:00:00.000Z", Url: req.GetServerUrl() + "/file/files-field/" + req.GetFileId() + "?token=f"}}, nil
}

func (f *fakeFiles) UploadFile(_ context.Context, req *filesv1.UploadFileRequest) (*filesv1.UploadFileResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploads = append(f.uploads, req)
	return &filesv1.UploadFileResponse{File: &filesv1.File{Id: "00000000-0000-4000-8000-0000000000ff", Path: "attachment/x.png",
		Size: int64(len(req.GetBody())), CreatedAt: "2026-12-06T12:00:00.000Z", Url: "u", Token: "tok"}}, nil
}

// SignFiles signs paths under attachment/ and core-picture/, of workspace ws-1 only.
func (f *fakeFiles) SignFiles(_ context.Context, req *filesv1.SignFilesRequest) (*filesv1.SignFilesResponse, error) {
	out := &filesv1.SignFilesResponse{Files: map[string]*filesv1.File{}}
	if req.GetWorkspaceId() != "ws-1" {
		return out, nil
	}
	for _, p := range req.GetPaths() {
		if strings.HasPrefix(p, "f0000000-") { // a FILES item's file id
			out.Files[p] = &filesv1.File{Id: p, Url: req.GetServerUrl() + "/file/files-field/" + p + "?token=t"}
		}
		if strings.HasPrefix(p, "attachment/") || strings.HasPrefix(p, "core-picture/") {
			out.Files[p] = &filesv1.File{Path: p, Token: "tok." + strings.ReplaceAll(p, "/", "-")}
		}
	}
	return out, nil
}
