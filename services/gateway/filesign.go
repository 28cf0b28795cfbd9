package main

import (
	"bytes"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"

	"connectrpc.com/connect"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// Twenty appends a file token to the file paths records carry when it answers them
// (commonResultGettersService): an attachment's fullPath and a person's or workspace member's
// avatarUrl come back as "<path>?token=<FILE token>", which the /files/ route serves. The records
// Worker stores and answers the bare path; signFileURLs signs them on the way out, for REST and
// GraphQL alike, with one call to the files Worker per response that carries any. FILES fields'
// items get their signed "url" the same way (filesfield.go).

// filePathValue finds the file paths such values hold: a folder segment, then the rest of a path,
// no query and no scheme (an external avatar URL is left alone).
var filePathValue = regexp.MustCompile(`"(?:fullPath|avatarUrl)":"([a-z][a-z-]*/[A-Za-z0-9._/-]+)"`)

// maxSignedPerResponse bounds the paths signed in one response (a page of 60 attachments fits).
const maxSignedPerResponse = 200

// signFileURLs answers next's response with its record file paths signed.
func signFileURLs(client connect.HTTPClient, next http.Handler) http.Handler {
	files := filesv1connect.NewFilesServiceClient(client, baseURL, rpc.ClientOptions()...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := &bufferedResponse{header: w.Header()}
		next.ServeHTTP(buf, r)
		body := buf.body.Bytes()
		if c := principalFrom(r.Context()); c != nil && c.WorkspaceID != "" && buf.status() < 300 {
			if mayHoldFilePath(body) {
				body = signPaths(r, files, c.WorkspaceID, body)
			}
			if bytes.Contains(body, []byte(`"fileId"`)) {
				body = signFilesFields(r, files, c.WorkspaceID, body)
			}
		}
		if buf.header.Get("Content-Length") != "" {
			buf.header.Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(buf.status())
		_, _ = w.Write(body)
	})
}

// filePathKeys start the values filePathValue finds.
var filePathKeys = [][]byte{[]byte(`"fullPath":"`), []byte(`"avatarUrl":"`)}

// mayHoldFilePath reports whether body has a value filePathValue may find: a fullPath or
// avatarUrl that starts with a folder ([a-z][a-z-]*/). Every person carries an
// avatarUrl, mostly "", and running the expression over each page of people was most of what
// signing cost the gateway when there was nothing to sign.
func mayHoldFilePath(body []byte) bool {
	for _, key := range filePathKeys {
		for rest := body; ; {
			i := bytes.Index(rest, key)
			if i < 0 {
				break
			}
			rest = rest[i+len(key):]
			j := 0
			for j < len(rest) && ('a' <= rest[j] && rest[j] <= 'z' || j > 0 && rest[j] == '-') {
				j++
			}
			if j > 0 && j < len(rest) && rest[j] == '/' {
				return true
			}
		}
	}
	return false
}

// signPaths replaces each file path value of body with its signed form. A files Worker failure
// leaves the paths bare (logged): the records are still answered.
func signPaths(r *http.Request, files filesv1connect.FilesServiceClient, workspaceID string, body []byte) []byte {
	seen := map[string]bool{}
	var paths []string
	for _, m := range filePathValue.FindAllSubmatch(body, -1) {
		if p := string(m[1]); !seen[p] && len(paths) < maxSignedPerResponse {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return body
	}
	res, err := files.SignFiles(r.Context(), &filesv1.SignFilesRequest{WorkspaceId: workspaceID, Paths: paths})
	if err != nil {
		slog.WarnContext(r.Context(), "file paths left unsigned", "error", err.Error())
		return body
	}
	for p, f := range res.GetFiles() {
		// Paths and tokens are [A-Za-z0-9._/-] only: nothing to escape in JSON.
		body = bytes.ReplaceAll(body, []byte(`":"`+p+`"`), []byte(`":"`+p+"?token="+f.GetToken()+`"`))
	}
	return body
}

// signFilesFields adds each FILES item's signed url. A failure leaves the items as they are.
func signFilesFields(r *http.Request, files filesv1connect.FilesServiceClient, workspaceID string, body []byte) []byte {
	seen := map[string]bool{}
	var fileIDs []string
	for _, m := range filesFieldID.FindAllSubmatch(body, -1) {
		if id := string(m[1]); !seen[id] && len(fileIDs) < maxSignedPerResponse {
			seen[id] = true
			fileIDs = append(fileIDs, id)
		}
	}
	if len(fileIDs) == 0 {
		return body
	}
	res, err := files.SignFiles(r.Context(), &filesv1.SignFilesRequest{WorkspaceId: workspaceID, Paths: fileIDs, ServerUrl: requestOrigin(r)})
	if err != nil || len(res.GetFiles()) == 0 {
		if err != nil {
			slog.WarnContext(r.Context(), "files fields left unsigned", "error", err.Error())
		}
		return body
	}
	urls := make(map[string]string, len(res.GetFiles()))
	for id, f := range res.GetFiles() {
		urls[id] = f.GetUrl()
	}
	signed, err := addFileURLs(body, urls)
	if err != nil {
		slog.WarnContext(r.Context(), "files fields left unsigned", "error", err.Error())
		return body
	}
	return signed
}

// bufferedResponse holds a response until its file paths are signed.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}
