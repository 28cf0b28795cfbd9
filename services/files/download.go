package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/shared/ids"
)

// The public file routes, which the gateway passes here untouched (services/gateway/entry.mjs)
// so that bodies stream: GET /file/{folder}/{id}, GET /files/{path...} and PUT /file-upload/{id}.
// Go decides (token, metadata, statuses, headers) without ever holding a body; it tells the
// JavaScript entry (entry.mjs) what to stream by these response headers, which never reach a
// client: the glue strips every x-twenty- header of a public response.
const (
	// headerGet: stream this R2 key as the response body.
	headerGet = "X-Twenty-R2-Get"
	// headerRange: only the bytes "offset,length" of it.
	headerRange = "X-Twenty-R2-Range"
	// headerPut: store the request body under this key, then answer 204.
	headerPut = "X-Twenty-R2-Put"
	// headerPutType: the Content-Type stored with it.
	headerPutType = "X-Twenty-R2-Content-Type"
)

// fileRoutes serves the public file routes on mux.
func (s *server) fileRoutes(mux *http.ServeMux, cors corsPolicy) {
	mux.Handle("GET /file/{folder}/{id}", cors.wrap(http.HandlerFunc(s.fileByID)))
	mux.Handle("GET /files/{path...}", cors.wrap(http.HandlerFunc(s.fileByPath)))
	mux.Handle("PUT /file-upload/{id}", cors.wrap(http.HandlerFunc(s.authorizeUpload)))
}

// cleanPaths refuses, with a 404, a public file route whose path is not clean ("..", ".", "//"):
// ServeMux would redirect it to the cleaned path, which must not be a way to reach a file.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if isPublicRoute(p) && (path.Clean(p) != p || hasEncodedDotOrSlash(r.URL.EscapedPath())) {
			writeError(w, http.StatusNotFound, "File not found")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hasEncodedDotOrSlash reports an escaped "." or "/" in a raw path, a traversal in disguise.
func hasEncodedDotOrSlash(raw string) bool {
	raw = strings.ToLower(raw)
	return strings.Contains(raw, "%2e") || strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c")
}

// isPublicRoute reports whether a path is one of the public file routes.
func isPublicRoute(p string) bool {
	return strings.HasPrefix(p, "/file/") || strings.HasPrefix(p, "/files/") || strings.HasPrefix(p, "/file-upload/")
}

// fileByID is Twenty's FileByIdController: the token's fileId must be the file's, and only the
// folders FileByIdGuard supports are served.
func (s *server) fileByID(w http.ResponseWriter, r *http.Request) {
	f, ok := folderOfSegment(r.PathValue("folder"))
	id := r.PathValue("id")
	if !ok || !f.byID {
		forbidden(w)
		return
	}
	c, err := s.tokens.verify(r.URL.Query().Get("token"), typeFile, false)
	if err != nil || c.FileID != id || !ids.IsUUID(id) {
		forbidden(w)
		return
	}
	row, err := s.lookup(r.Context(), c.WorkspaceID, id, false)
	if errors.Is(err, errNotFound) || (err == nil && (row.Folder != f.segment || row.Status != statusUploaded)) {
		writeError(w, http.StatusNotFound, "File not found")
		return
	} else if err != nil {
		slog.ErrorContext(r.Context(), "file lookup failed", "error", err.Error())
		writeError(w, http.StatusInternalServerError, "Error retrieving file")
		return
	}
	serveFile(w, r, row)
}

// fileByPath is older Twenty's FileController: a FILE token carries the workspace, the path
// names the file in it. A path that climbs (".."), is empty or names an unknown folder is refused.
func (s *server) fileByPath(w http.ResponseWriter, r *http.Request) {
	c, err := s.tokens.verify(r.URL.Query().Get("token"), typeFile, false)
	if err != nil {
		forbidden(w)
		return
	}
	p := r.PathValue("path")
	seg, _, _ := strings.Cut(p, "/")
	if _, ok := folderOfSegment(seg); !ok || strings.Contains(p, "..") || strings.Contains(p, "//") || strings.HasSuffix(p, "/") {
		writeError(w, http.StatusNotFound, "File not found")
		return
	}
	row, err := s.lookup(r.Context(), c.WorkspaceID, p, true)
	if errors.Is(err, errNotFound) || (err == nil && row.Status != statusUploaded) || (err == nil && c.FileID != "" && c.FileID != row.ID) {
		writeError(w, http.StatusNotFound, "File not found")
		return
	} else if err != nil {
		slog.ErrorContext(r.Context(), "file lookup failed", "error", err.Error())
		writeError(w, http.StatusInternalServerError, "Error retrieving file")
		return
	}
	serveFile(w, r, row)
}

// serveFile answers a file's headers and tells the entry what to stream: the whole object, one
// range of it (206), nothing for HEAD, a 304 for a matching If-None-Match, a 416 for a range
// past the end. A file's bytes never change (a new upload is a new id), so its id is its ETag.
func serveFile(w http.ResponseWriter, r *http.Request, f *fileRow) {
	h := w.Header()
	etag := `"` + f.ID + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Content-Type-Options", "nosniff")
	// A stored file is data, never a page of the API's origin.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.MimeType)
	disposition := "attachment"
	if inlineSafe(f.MimeType) {
		disposition = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	status, offset, length := http.StatusOK, int64(0), f.Size
	if rg := r.Header.Get("Range"); rg != "" && (r.Header.Get("If-Range") == "" || r.Header.Get("If-Range") == etag) {
		start, n, ok, satisfiable := parseRange(rg, f.Size)
		switch {
		case !satisfiable:
			h.Set("Content-Range", "bytes */"+strconv.FormatInt(f.Size, 10))
			h.Del("Content-Disposition")
			writeError(w, http.StatusRequestedRangeNotSatisfiable, "Range not satisfiable")
			return
		case ok:
			status, offset, length = http.StatusPartialContent, start, n
			h.Set("Content-Range", "bytes "+strconv.FormatInt(start, 10)+"-"+strconv.FormatInt(start+n-1, 10)+"/"+strconv.FormatInt(f.Size, 10))
		}
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	if r.Method != http.MethodHead && length > 0 {
		h.Set(headerGet, f.ObjectKey)
		if status == http.StatusPartialContent {
			h.Set(headerRange, strconv.FormatInt(offset, 10)+","+strconv.FormatInt(length, 10))
		}
	}
	w.WriteHeader(status)
}

// etagMatches reports whether an If-None-Match list names etag (weakly, as RFC 9110 says).
func etagMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// parseRange reads a single byte range of a Range header against size. ok is false when the
// header is not one range Go serves (multiple ranges, another unit, bad syntax): the whole file
// is then sent, as RFC 9110 allows. satisfiable is false when the range starts past the end.
func parseRange(header string, size int64) (start, length int64, ok, satisfiable bool) {
	spec, found := strings.CutPrefix(header, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, true
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, true
	}
	if first == "" { // the last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, true
		}
		if n == 0 || size == 0 {
			return 0, 0, false, false
		}
		n = min(n, size)
		return size - n, n, true, true
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return 0, 0, false, true
	}
	if a >= size {
		return 0, 0, false, false
	}
	b := size - 1
	if last != "" {
		if b, err = strconv.ParseInt(last, 10, 64); err != nil || b < a {
			return 0, 0, false, true
		}
		b = min(b, size-1)
	}
	return a, b - a + 1, true, true
}

// authorizeUpload is the Go half of PUT /file-upload/{id} (Twenty's FileUploadController): the
// upload token must be for this pending file, and the body's announced length at most the
// declared size. The entry then streams the body into R2 and answers 204; completeFileUpload
// checks what arrived.
func (s *server) authorizeUpload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	c, err := s.tokens.verify(r.URL.Query().Get("token"), typeFileUpload, false)
	if err != nil || c.FileID != id || !ids.IsUUID(id) {
		forbidden(w)
		return
	}
	f, err := s.store.get(r.Context(), c.WorkspaceID, id)
	switch {
	case errors.Is(err, errNotFound):
		writeError(w, http.StatusNotFound, "File not found")
		return
	case err != nil:
		slog.ErrorContext(r.Context(), "file lookup failed", "error", err.Error())
		writeError(w, http.StatusInternalServerError, "Error uploading file")
		return
	case f.Status != statusPending:
		writeError(w, http.StatusConflict, "File already uploaded")
		return
	}
	n, err := strconv.ParseInt(r.Header.Get("Content-Length"), 10, 64)
	switch {
	case err != nil || n < 0:
		writeError(w, http.StatusLengthRequired, "Content-Length is required")
		return
	case n > f.Size:
		writeError(w, http.StatusRequestEntityTooLarge, "File is larger than the declared "+strconv.FormatInt(f.Size, 10)+" bytes")
		return
	}
	w.Header().Set(headerPut, f.ObjectKey)
	w.Header().Set(headerPutType, f.MimeType)
	w.WriteHeader(http.StatusOK)
}

// exceptionNames are the names Twenty (NestJS) gives each status in its envelope.
var exceptionNames = map[int]string{
	http.StatusForbidden:                    "ForbiddenException",
	http.StatusNotFound:                     "NotFoundException",
	http.StatusConflict:                     "ConflictException",
	http.StatusLengthRequired:               "LengthRequiredException",
	http.StatusRequestEntityTooLarge:        "PayloadTooLargeException",
	http.StatusRequestedRangeNotSatisfiable: "RangeNotSatisfiableException",
	http.StatusInternalServerError:          "InternalServerErrorException",
}

// forbidden is what Twenty answers when a file guard refuses (a missing, expired, tampered or
// foreign token, or an unsupported folder).
func forbidden(w http.ResponseWriter) { writeError(w, http.StatusForbidden, "Forbidden resource") }

// writeError answers Twenty's REST error envelope.
func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"statusCode": status, "error": exceptionNames[status], "messages": []string{message}})
}

// corsPolicy lets browsers read downloads and send uploads from the allowed origins
// (CORS_ALLOWED_ORIGINS, "*" by default, as the gateway's). Preflights are the gateway's.
type corsPolicy struct {
	any     bool
	origins map[string]bool
}

func parseCORS(value string) corsPolicy {
	p := corsPolicy{origins: map[string]bool{}}
	if strings.TrimSpace(value) == "" {
		value = "*"
	}
	for _, o := range strings.Split(value, ",") {
		if o = strings.TrimSpace(o); o == "*" {
			p.any = true
		} else if o != "" {
			p.origins[strings.TrimRight(o, "/")] = true
		}
	}
	return p
}

func (p corsPolicy) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin := r.Header.Get("Origin"); origin != "" && (p.any || p.origins[origin]) {
			h := w.Header()
			if p.any {
				h.Set("Access-Control-Allow-Origin", "*")
			} else {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Add("Vary", "Origin")
			}
			h.Set("Access-Control-Expose-Headers", "ETag, Content-Length, Content-Range, Content-Disposition, Accept-Ranges, X-Request-Id")
		}
		next.ServeHTTP(w, r)
	})
}
