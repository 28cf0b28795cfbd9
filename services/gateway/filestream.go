package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// Streamed multipart uploads. A GraphQL multipart request whose one file is its last part never
// enters Go: the gateway's entry (filestream.mjs) reads the small operations and map parts and
// the file part's headers, keeps the rest of the body as a stream, and sends Go the operations
// alone with the file described in uploadStreamHeader. The resolver then uploads the file as a
// direct upload does: CreateFileUpload with the part's exact size, the entry pipes the stream to
// the upload URL (uploadStreamer), and CompleteFileUpload checks what arrived. The file's bytes
// go from the client to R2 through streams, so Twenty's 100 MB limit holds in a 128 MB isolate.
// Any other multipart request (a file that is not the last part, several files, no
// Content-Length) is read whole by filemultipart.go, as before.

// uploadStreamHeader carries a streamed file part's description from the entry to Go.
const uploadStreamHeader = "X-Twenty-Upload-Stream"

// streamedPart is the entry's description of the file part it holds.
type streamedPart struct {
	// Key names the stream in the entry; it is random and lives as long as the request.
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	ContentType string   `json:"contentType"`
	Size        int64    `json:"size"`
	Paths       []string `json:"paths"`
}

// uploadStreamer pipes the file part the entry holds under key to an upload URL (the gateway's
// /file-upload/{id}?token= or an R2 presigned PUT). It fails with errBadStream when the part
// turned out not to be what the entry announced (its size, or a part after it).
type uploadStreamer interface {
	Stream(ctx context.Context, key, uploadURL string) error
}

var errBadStream = errors.New("the file part is not the announced last part")

// readStreamedRequest reads the operations the entry sent with a streamed file's description.
func readStreamedRequest(r *http.Request, header string) (graphql.Request, *refusal) {
	var req graphql.Request
	var sp streamedPart
	if err := json.Unmarshal([]byte(header), &sp); err != nil || sp.Key == "" || len(sp.Paths) == 0 || sp.Size < 0 {
		return req, badMultipart("Invalid multipart request body.")
	}
	if sp.Size > maxMultipartFile {
		return req, &refusal{http.StatusRequestEntityTooLarge, fmt.Sprintf("File truncated as it exceeds the %d byte size limit.", maxMultipartFile)}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxOperationsPart+1))
	if err != nil || len(b) > maxOperationsPart {
		return req, badMultipart("Invalid multipart request: the operations part is unreadable or too large.")
	}
	if e := graphql.CheckJSON(b); e != nil {
		return req, badMultipart(e.Message)
	}
	if err := json.Unmarshal(b, &req); err != nil {
		return req, badMultipart("Invalid multipart request: operations must be one GraphQL request in JSON (batches are not supported).")
	}
	up := &upload{name: sp.Name, contentType: sp.ContentType, stream: &sp}
	for _, p := range sp.Paths {
		if !place(&req, p, up) {
			return req, badMultipart(fmt.Sprintf("Invalid multipart request: the map path %q does not name a variable.", p))
		}
	}
	return req, nil
}

// uploadStreamed stores a streamed file part as a direct upload and answers the stored file.
func uploadStreamed(ctx context.Context, files filesv1connect.FilesServiceClient, streams uploadStreamer, up *upload, req *filesv1.UploadFileRequest) (*filesv1.File, error) {
	if streams == nil {
		return nil, errors.New("streamed upload without a streamer")
	}
	if up.used {
		// One stream is read once: a file a request names twice is refused.
		return nil, graphql.NewError(graphql.CodeBadUserInput, "Invalid multipart request: a streamed file may fill one variable.")
	}
	up.used = true
	created, err := files.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{
		WorkspaceId: req.GetWorkspaceId(), Filename: req.GetFilename(), Size: up.stream.Size, FileFolder: req.GetFileFolder(),
		Uploader: req.GetUploader(), ServerUrl: req.GetServerUrl(),
	})
	if err != nil {
		return nil, fileGQLError(err)
	}
	if err := streams.Stream(ctx, up.stream.Key, created.GetUploadUrl()); errors.Is(err, errBadStream) {
		return nil, graphql.NewError(graphql.CodeBadUserInput, "Invalid multipart request body.")
	} else if err != nil {
		return nil, fmt.Errorf("stream %s: %w", created.GetFileId(), err)
	}
	done, err := files.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{
		WorkspaceId: req.GetWorkspaceId(), FileId: created.GetFileId(), ServerUrl: req.GetServerUrl(), FileFolder: req.GetFileFolder(),
	})
	if err != nil {
		return nil, fileGQLError(err)
	}
	return done.GetFile(), nil
}
