package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/shared/graphql"
)

// The GraphQL multipart request spec (github.com/jaydenseric/graphql-multipart-request-spec), as
// apollo-upload-client sends it and Twenty's graphql-upload reads it: a multipart/form-data POST
// whose "operations" part is the GraphQL request with null where files go, whose "map" part says
// which variable each file part fills ({"0": ["variables.file"]}), then the file parts.

const (
	// maxMultipartFile is Twenty's settings.storage.maxFileSize for a file sent whole.
	maxMultipartFile = 100 << 20
	// maxOperationsPart bounds the operations and map parts.
	maxOperationsPart = 1 << 20
)

// upload is a file part, the value an Upload variable resolves to: its bytes, or the stream the
// entry holds (filestream.go).
type upload struct {
	name, contentType string
	body              []byte
	stream            *streamedPart
	used              bool // a stream was read
}

// fileRequests puts the request's origin in its context and serves GraphQL multipart requests
// on schema; any other request goes to next.
func fileRequests(schema *graphql.Schema, next http.Handler) http.Handler {
	return withServerURL(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := r.Header.Get(uploadStreamHeader); h != "" && r.Method == http.MethodPost {
			req, refused := readStreamedRequest(r, h)
			if refused != nil {
				multipartError(w, refused.status, refused.message)
				return
			}
			graphql.WriteResponse(w, http.StatusOK, schema.Execute(r.Context(), req))
			return
		}
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if r.Method != http.MethodPost || err != nil || mt != "multipart/form-data" {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxMultipartFile+maxOperationsPart {
			multipartError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("File truncated as it exceeds the %d byte size limit.", maxMultipartFile))
			return
		}
		req, refused := readMultipart(multipart.NewReader(r.Body, params["boundary"]))
		if refused != nil {
			multipartError(w, refused.status, refused.message)
			return
		}
		graphql.WriteResponse(w, http.StatusOK, schema.Execute(r.Context(), req))
	}))
}

func multipartError(w http.ResponseWriter, status int, message string) {
	graphql.WriteResponse(w, status, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest, message)}})
}

// refusal is why a multipart request is refused: a status (413 for a file over the limit, else
// 400) and the message the client reads.
type refusal struct {
	status  int
	message string
}

func badMultipart(message string) *refusal { return &refusal{http.StatusBadRequest, message} }

// readMultipart reads a multipart request into a GraphQL request with its files in place.
func readMultipart(mr *multipart.Reader) (graphql.Request, *refusal) {
	var req graphql.Request
	var fileMap map[string][]string
	seen := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return req, badMultipart("Invalid multipart request body.")
		}
		switch name := part.FormName(); {
		case name == "operations" && seen == 0:
			b, err := io.ReadAll(io.LimitReader(part, maxOperationsPart+1))
			if err != nil || len(b) > maxOperationsPart {
				return req, badMultipart("Invalid multipart request: the operations part is unreadable or too large.")
			}
			if e := graphql.CheckJSON(b); e != nil {
				return req, badMultipart(e.Message)
			}
			if err := json.Unmarshal(b, &req); err != nil {
				return req, badMultipart("Invalid multipart request: operations must be one GraphQL request in JSON (batches are not supported).")
			}
			seen = 1
		case name == "map" && seen == 1:
			b, err := io.ReadAll(io.LimitReader(part, maxOperationsPart+1))
			if err != nil || len(b) > maxOperationsPart || json.Unmarshal(b, &fileMap) != nil {
				return req, badMultipart("Invalid multipart request: map must be a JSON object of arrays of paths.")
			}
			seen = 2
		case seen == 2:
			paths, ok := fileMap[name]
			if !ok {
				continue // a part the map does not name is ignored, as graphql-upload does
			}
			body, err := io.ReadAll(io.LimitReader(part, maxMultipartFile+1))
			if err != nil {
				return req, badMultipart("Invalid multipart request: a file part is unreadable.")
			}
			if len(body) > maxMultipartFile {
				return req, &refusal{http.StatusRequestEntityTooLarge, fmt.Sprintf("File truncated as it exceeds the %d byte size limit.", maxMultipartFile)}
			}
			up := &upload{name: part.FileName(), contentType: part.Header.Get("Content-Type"), body: body}
			for _, p := range paths {
				if !place(&req, p, up) {
					return req, badMultipart(fmt.Sprintf("Invalid multipart request: the map path %q does not name a variable.", p))
				}
			}
			delete(fileMap, name)
		default:
			return req, badMultipart("Invalid multipart request: the operations and map parts must come first.")
		}
	}
	if seen < 2 {
		return req, badMultipart("Invalid multipart request: operations and map parts are required.")
	}
	if len(fileMap) > 0 {
		return req, badMultipart("Invalid multipart request: a file named in the map is missing.")
	}
	return req, nil
}

// place puts a file at an object path of the operations ("variables.file",
// "variables.files.0", "variables.input.file"); only variables hold files. It reports whether the
// path names a place.
func place(req *graphql.Request, path string, up *upload) bool {
	keys := strings.Split(path, ".")
	if len(keys) < 2 || keys[0] != "variables" {
		return false
	}
	if req.Variables == nil {
		req.Variables = map[string]any{}
	}
	var parent any = req.Variables
	for i, k := range keys[1:] {
		last := i == len(keys)-2
		switch p := parent.(type) {
		case map[string]any:
			if last {
				p[k] = up
				return true
			}
			parent = p[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(p) {
				return false
			}
			if last {
				p[n] = up
				return true
			}
			parent = p[n]
		default:
			return false
		}
	}
	return false
}
