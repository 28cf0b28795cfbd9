package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/twentyworkers/twenty/shared/blob"
	commonv1 "github.com/twentyworkers/twenty/shared/gen/twenty/common/v1"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/health"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/kv"
)

// objectInfo is what R2 says of a stored object.
type objectInfo struct {
	Size int64
	ETag string
}

// objects is the R2 bucket as the files Worker uses it from Go. Bodies the size of a direct
// upload never pass here: they stream through JavaScript (entry.mjs).
type objects interface {
	// Stat answers an object's size and ETag, or an error matching blob.ErrNotFound.
	Stat(ctx context.Context, key string) (objectInfo, error)
	// Put stores a body sent whole (a multipart upload, at most maxMultipartSize).
	Put(ctx context.Context, key string, body []byte, contentType string) error
	// Delete removes an object; a missing one is not an error.
	Delete(ctx context.Context, key string) error
	// List answers up to limit objects in key order after cursor ("" for the first page).
	List(ctx context.Context, cursor string, limit int) (objectPage, error)
	// ListPrefix answers the keys of up to limit objects whose key starts with prefix, and
	// whether there are more (purge.go).
	ListPrefix(ctx context.Context, prefix string, limit int) (keys []string, more bool, err error)
	// DeleteKeys removes up to maxDeleteKeys objects in one call; missing ones are not an error.
	DeleteKeys(ctx context.Context, keys []string) error
}

// presigner signs S3 URLs for R2's S3 endpoint; nil when no S3 credentials are configured.
type presigner interface {
	PresignPut(key string, expires time.Duration, now time.Time) (string, error)
}

var (
	errNotUploaded  = errors.New("the file has not been uploaded yet")
	errSizeMismatch = errors.New("the uploaded file does not match the declared size")
	errWrongFolder  = errors.New("the file is not in the expected folder")
)

// directContentType is the Content-Type a direct upload's PUT carries (Twenty's).
const directContentType = "application/octet-stream"

// server implements the files contract.
type server struct {
	filesv1connect.UnimplementedFilesServiceHandler
	*health.Checker
	store   *store
	objects objects
	tokens  tokens
	presign presigner // nil: uploads go through the gateway's /file-upload/{id}
	cache   kv.Store  // uploaded files' metadata (cache.go); nil: none
	now     func() time.Time
}

var _ filesv1connect.FilesServiceHandler = (*server)(nil)

// Health implements filesv1connect.FilesServiceHandler.
func (s *server) Health(ctx context.Context, req *commonv1.HealthRequest) (*commonv1.HealthResponse, error) {
	return s.Checker.Health(ctx, req)
}

// objectKey is where a workspace's file lives in the bucket: the workspace, then Twenty's path.
func objectKey(workspaceID, path string) string { return workspaceID + "/" + path }

// newFileRow is a file about to be stored, its path Twenty's "<folder>/<id><.ext>".
func (s *server) newFileRow(workspaceID, filename, folderName string, size int64, status string, up *filesv1.Uploader) (*fileRow, error) {
	if !ids.IsUUID(workspaceID) {
		return nil, fmt.Errorf("%w: no workspace", errNotFound)
	}
	f, err := folderNamed(folderName)
	if err != nil {
		return nil, err
	}
	name, err := sanitizeName(filename)
	if err != nil {
		return nil, err
	}
	id := ids.NewUUID()
	path := f.segment + "/" + id + extension(name)
	return &fileRow{
		ID: id, WorkspaceID: workspaceID, Folder: f.segment, Name: name, Path: path,
		ObjectKey: objectKey(workspaceID, path), Size: size, MimeType: mimeTypeOf(name), Status: status,
		UserID: up.GetUserId(), MemberID: up.GetWorkspaceMemberId(), CreatedAt: s.now(),
	}, nil
}

// CreateFileUpload implements filesv1connect.FilesServiceHandler.
func (s *server) CreateFileUpload(ctx context.Context, req *filesv1.CreateFileUploadRequest) (*filesv1.CreateFileUploadResponse, error) {
	if err := checkSize(req.GetSize(), maxDirectSize); err != nil {
		return nil, rpcError(err)
	}
	f, err := s.newFileRow(req.GetWorkspaceId(), req.GetFilename(), req.GetFileFolder(), req.GetSize(), statusPending, req.GetUploader())
	if err != nil {
		return nil, rpcError(err)
	}
	f.FieldMetadataID = req.GetFieldMetadataId()
	if err := s.store.insert(ctx, f); err != nil {
		return nil, err
	}
	var uploadURL string
	expires := s.now().Add(uploadTTL)
	if s.presign != nil {
		uploadURL, err = s.presign.PresignPut(f.ObjectKey, uploadTTL, s.now())
	} else {
		var token string
		token, expires, err = s.tokens.sign(typeFileUpload, f.WorkspaceID, f.ID, uploadTTL)
		uploadURL = strings.TrimRight(req.GetServerUrl(), "/") + "/file-upload/" + f.ID + "?token=" + url.QueryEscape(token)
	}
	if err != nil {
		return nil, err
	}
	return &filesv1.CreateFileUploadResponse{FileId: f.ID, UploadUrl: uploadURL, ContentType: directContentType, ExpiresAt: stamp(expires)}, nil
}

// CompleteFileUpload implements filesv1connect.FilesServiceHandler: the object must be in R2
// with the announced size. Completing an uploaded file again answers it again.
func (s *server) CompleteFileUpload(ctx context.Context, req *filesv1.CompleteFileUploadRequest) (*filesv1.CompleteFileUploadResponse, error) {
	if !ids.IsUUID(req.GetFileId()) {
		return nil, rpcError(errNotFound)
	}
	f, err := s.store.get(ctx, req.GetWorkspaceId(), req.GetFileId())
	if err != nil {
		return nil, rpcError(err)
	}
	if want := req.GetFileFolder(); want != "" {
		if wf, err := folderNamed(want); err != nil || wf.segment != f.Folder {
			return nil, rpcError(errWrongFolder)
		}
	}
	if f.Status == statusPending {
		info, err := s.objects.Stat(ctx, f.ObjectKey)
		if errors.Is(err, blob.ErrNotFound) {
			return nil, rpcError(errNotUploaded)
		} else if err != nil {
			return nil, fmt.Errorf("stat %s: %w", f.ID, err)
		}
		if info.Size != f.Size {
			return nil, rpcError(fmt.Errorf("%w: %d bytes arrived, %d were declared", errSizeMismatch, info.Size, f.Size))
		}
		if err := s.store.markUploaded(ctx, f.WorkspaceID, f.ID, info.Size, info.ETag, s.now()); err != nil && !errors.Is(err, errNotFound) {
			return nil, err
		}
		f.Checksum = info.ETag
		f.Status = statusUploaded
		s.remember(ctx, f)
	}
	out, err := s.signed(f, req.GetServerUrl())
	if err != nil {
		return nil, err
	}
	return &filesv1.CompleteFileUploadResponse{File: out}, nil
}

// UploadFile implements filesv1connect.FilesServiceHandler.
func (s *server) UploadFile(ctx context.Context, req *filesv1.UploadFileRequest) (*filesv1.UploadFileResponse, error) {
	size := int64(len(req.GetBody()))
	if err := checkSize(size, maxMultipartSize); err != nil {
		return nil, rpcError(err)
	}
	f, err := s.newFileRow(req.GetWorkspaceId(), req.GetFilename(), req.GetFileFolder(), size, statusUploaded, req.GetUploader())
	if err != nil {
		return nil, rpcError(err)
	}
	f.FieldMetadataID = req.GetFieldMetadataId()
	// The object first: a row never points at nothing. A failed insert leaves an object no row
	// names, which only costs storage (logged).
	if err := s.objects.Put(ctx, f.ObjectKey, req.GetBody(), f.MimeType); err != nil {
		return nil, fmt.Errorf("put %s: %w", f.ObjectKey, err)
	}
	if err := s.store.insert(ctx, f); err != nil {
		slog.ErrorContext(ctx, "file row not written after its object", "key", f.ObjectKey, "error", err.Error())
		return nil, err
	}
	s.remember(ctx, f)
	out, err := s.signed(f, req.GetServerUrl())
	if err != nil {
		return nil, err
	}
	return &filesv1.UploadFileResponse{File: out}, nil
}

// signed is a file with its signed download URL.
func (s *server) signed(f *fileRow, serverURL string) (*filesv1.File, error) {
	token, _, err := s.tokens.sign(typeFile, f.WorkspaceID, f.ID, fileTokenTTL)
	if err != nil {
		return nil, err
	}
	return &filesv1.File{
		Id: f.ID, Path: f.Path, Size: f.Size, CreatedAt: stamp(f.CreatedAt), MimeType: f.MimeType,
		Url:   strings.TrimRight(serverURL, "/") + "/file/" + f.Folder + "/" + f.ID + "?token=" + url.QueryEscape(token),
		Token: token, Folder: f.Folder, Name: f.Name,
	}, nil
}

// SignFiles implements filesv1connect.FilesServiceHandler.
func (s *server) SignFiles(ctx context.Context, req *filesv1.SignFilesRequest) (*filesv1.SignFilesResponse, error) {
	out := &filesv1.SignFilesResponse{Files: map[string]*filesv1.File{}}
	for _, p := range req.GetPaths() {
		if _, done := out.Files[p]; done {
			continue
		}
		p = strings.TrimPrefix(p, "/")
		f, err := s.lookup(ctx, req.GetWorkspaceId(), p, !ids.IsUUID(p))
		if errors.Is(err, errNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if f.Status != statusUploaded {
			continue
		}
		if out.Files[p], err = s.signed(f, req.GetServerUrl()); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeleteFiles implements filesv1connect.FilesServiceHandler.
func (s *server) DeleteFiles(ctx context.Context, req *filesv1.DeleteFilesRequest) (*filesv1.DeleteFilesResponse, error) {
	gone, err := s.store.markDeleted(ctx, req.GetWorkspaceId(), req.GetPaths(), req.GetAll(), s.now())
	if err != nil {
		return nil, err
	}
	removed, err := s.remove(ctx, gone)
	if err != nil {
		return nil, err
	}
	return &filesv1.DeleteFilesResponse{Deleted: int64(len(gone)), Removed: removed}, nil
}

// remove deletes files' objects, then the rows of those whose object is gone. A failure stops
// it; what remains is marked deleted for the sweep.
func (s *server) remove(ctx context.Context, files []deletedFile) (int64, error) {
	s.forgetCached(ctx, files)
	done := make([]string, 0, len(files))
	var failed error
	for _, f := range files {
		if err := s.objects.Delete(ctx, f.ObjectKey); err != nil {
			failed = fmt.Errorf("delete object %s: %w", f.ObjectKey, err)
			break
		}
		done = append(done, f.ID)
	}
	if err := s.store.forget(ctx, done); err != nil {
		return 0, err
	}
	return int64(len(done)), failed
}

// SweepFiles implements filesv1connect.FilesServiceHandler.
func (s *server) SweepFiles(ctx context.Context, req *filesv1.SweepFilesRequest) (*filesv1.SweepFilesResponse, error) {
	age := time.Duration(req.GetPendingOlderThanSeconds()) * time.Second
	if age <= 0 {
		age = 24 * time.Hour
	}
	limit := req.GetLimit()
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	expired, err := s.store.expire(ctx, s.now().Add(-age), s.now(), limit)
	if err != nil {
		return nil, err
	}
	gone, err := s.store.deleted(ctx, limit)
	if err != nil {
		return nil, err
	}
	removed, err := s.remove(ctx, gone)
	if err != nil {
		return nil, err
	}
	orphanAge := orphanAge
	if n := req.GetOrphansOlderThanSeconds(); n > 0 {
		orphanAge = time.Duration(n) * time.Second
	}
	orphans, err := s.sweepOrphans(ctx, orphanAge)
	if err != nil {
		return nil, err
	}
	return &filesv1.SweepFilesResponse{ExpiredPending: expired, Removed: removed, OrphansRemoved: orphans}, nil
}

// rpcError maps the domain's errors to Connect codes, in one place; others pass on (masked by
// shared/rpc as an internal error).
func rpcError(err error) error {
	switch {
	case errors.Is(err, errUnknownFolder), errors.Is(err, errBadName), errors.Is(err, errBadSize), errors.Is(err, errWrongFolder):
		return connect.NewError(connect.CodeInvalidArgument, err)
	case errors.Is(err, errTooLarge):
		return connect.NewError(connect.CodeResourceExhausted, err)
	case errors.Is(err, errNotFound):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, errNotUploaded), errors.Is(err, errSizeMismatch), errors.Is(err, errNotDeleted):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	}
	return err
}
