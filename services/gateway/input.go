package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/strictjson"
)

// maxURLBytes bounds a request's URL, path and query, on every route.
const maxURLBytes = 8 << 10

// maxRecordBody bounds a REST request's body.
const maxRecordBody = 2 << 20

// checkURL holds every request's URL to one contract, before routing: a clean path (404 otherwise,
// where ServeMux would redirect), path and parameters in UTF-8 without NUL characters, each
// parameter given once (400), at most maxURLBytes in all (414). It answers in the envelope of
// the route: GraphQL's on /graphql and /metadata, REST's elsewhere. Headers too large never get
// here: workerd answers them itself.
func checkURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.URL.EscapedPath()) // RequestURI's length, without building it
		if r.URL.RawQuery != "" {
			n += 1 + len(r.URL.RawQuery)
		}
		status, msg := 0, ""
		switch {
		case !isCleanPath(r.URL.Path):
			// ServeMux would answer a redirect to the cleaned path, in HTML; Twenty routes the
			// path as it is and finds nothing.
			status, msg = http.StatusNotFound, "Cannot "+r.Method+" "+r.URL.Path
		case !utf8.ValidString(r.URL.Path):
			status, msg = http.StatusBadRequest, "The path is not valid UTF-8"
		case n > maxURLBytes:
			status, msg = http.StatusRequestURITooLong, "URL is longer than "+strconv.Itoa(maxURLBytes)+" bytes"
		default:
			if msg = checkQuery(r.URL.RawQuery); msg != "" {
				status = http.StatusBadRequest
			}
		}
		switch {
		case status == 0:
			next.ServeHTTP(w, r)
		case r.URL.Path == "/graphql" || r.URL.Path == "/metadata":
			graphql.WriteResponse(w, status, &graphql.Response{Errors: []*graphql.Error{graphql.NewError(graphql.CodeBadRequest, msg)}})
		default:
			writeError(w, status, "", msg)
		}
	})
}

// isCleanPath reports whether p is a path ServeMux routes as it is: rooted, without empty, "." or
// ".." segments (a trailing slash aside).
func isCleanPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// restInput holds every /rest/ request's body to one contract before it is authenticated or
// routed (checkURL has held its URL): a body, when there is one, of at most maxRecordBody bytes of
// application/json that strictjson accepts. The handlers read the checked body from r.Body as
// before.
func restInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r) // a GET, mostly: nothing to read or check
			return
		}
		body, status, msg := checkBody(w, r)
		if status != 0 {
			writeError(w, status, "", msg)
			return
		}
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// checkQuery returns why a raw query breaks the contract, or "". A parameter given twice would
// otherwise be ignored (Twenty's parsers skip arrays), so a repeated filter would select every row.
func checkQuery(raw string) string {
	if raw == "" || plainQuery(raw) {
		return ""
	}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return "Query string is malformed: " + err.Error()
	}
	broken := false
	for key, v := range values {
		broken = broken || len(v) > 1 || !validParam(key) || !validParam(v[0])
	}
	if !broken {
		return ""
	}
	for _, key := range slices.Sorted(maps.Keys(values)) { // the first broken key by name, for a stable message
		switch {
		case strings.ContainsRune(key, 0):
			return "A query parameter name contains a NUL character"
		case !utf8.ValidString(key):
			return "A query parameter name is not valid UTF-8"
		case len(values[key]) > 1:
			return "Query parameter '" + key + "' is given more than once"
		case strings.ContainsRune(values[key][0], 0):
			return "Query parameter '" + key + "' contains a NUL character"
		case !utf8.ValidString(values[key][0]):
			return "Query parameter '" + key + "' is not valid UTF-8"
		}
	}
	return ""
}

// plainQuery reports, without allocating, whether raw is a query that passes: a few parameters,
// each named once, of printable ASCII without escapes. Anything else is parsed by checkQuery.
func plainQuery(raw string) bool {
	const most = 8 // names are compared pairwise: a few only
	var names [most]string
	n := 0
	for pair := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if n == most {
			return false
		}
		for _, seen := range names[:n] {
			if seen == name {
				return false
			}
		}
		names[n] = name
		n++
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < 0x21 || c > 0x7e || c == '%' || c == '+' || c == ';' {
			return false
		}
	}
	return true
}

// validParam reports whether a query parameter's name or value is valid UTF-8 without NUL: what
// the records contract's strings can carry and Twenty's PostgreSQL can store.
func validParam(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// tooLarge is the message refusing a body over maxRecordBody.
var tooLarge = "Request body is larger than " + strconv.Itoa(maxRecordBody) + " bytes"

// checkBody reads r's body, at most maxRecordBody bytes of it, and returns it, or the status and
// message refusing it. An empty body passes: routes that need one answer their own 400.
func checkBody(w http.ResponseWriter, r *http.Request) (body []byte, status int, msg string) {
	if r.ContentLength > maxRecordBody {
		return nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxRecordBody))
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, http.StatusRequestEntityTooLarge, tooLarge
		}
		if err != nil {
			return nil, http.StatusBadRequest, "Request body is unreadable"
		}
	}
	if len(body) == 0 {
		return nil, 0, ""
	}
	if !isJSONMediaType(r.Header.Get("Content-Type")) {
		return nil, http.StatusUnsupportedMediaType, "Content-Type must be application/json"
	}
	if err := strictjson.Check(body, strictjson.MaxDepth); err != nil {
		return nil, http.StatusBadRequest, invalidBody(err)
	}
	return body, 0, ""
}

// isJSONMediaType reports whether a Content-Type is application/json, in UTF-8 when a charset is
// given.
func isJSONMediaType(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return false
	}
	charset, ok := params["charset"]
	return !ok || strings.EqualFold(charset, "utf-8")
}

// invalidBody is the message refusing a body strictjson did not accept.
func invalidBody(err error) string {
	offset := -1
	if e, ok := errors.AsType[*strictjson.Error](err); ok {
		offset = e.Offset
	}
	switch strictjson.ReasonOf(err) {
	case strictjson.Depth:
		return fmt.Sprintf("Request body is nested deeper than %d levels (at position %d)", strictjson.MaxDepth, offset)
	case strictjson.NUL:
		return fmt.Sprintf("Request body contains a NUL character (at position %d)", offset)
	default:
		return fmt.Sprintf("Request body is not valid JSON (at position %d)", offset)
	}
}

// readBody returns the body restInput checked: empty, or well-formed JSON of at most
// maxRecordBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "", "Request body is unreadable")
		return nil, false
	}
	return body, true
}

// objectBody returns the body restInput checked when it is a JSON object, answering a 400
// otherwise (an empty body included).
func objectBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, ok := readBody(w, r)
	if !ok {
		return nil, false
	}
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		writeError(w, http.StatusBadRequest, "", "Request body must be an object")
		return nil, false
	}
	return body, true
}
