package main

import (
	"errors"

	"connectrpc.com/connect"
	"encoding/json"
	"fmt"
	"github.com/twentyworkers/twenty/shared/graphql"
	"log/slog"
	"net/http"
)

// exceptionNames are the error names Twenty (NestJS) puts in its envelope for each status.
var exceptionNames = map[int]string{
	http.StatusBadRequest:       "BadRequestException",
	http.StatusUnauthorized:     "UnauthorizedException",
	http.StatusForbidden:        "ForbiddenException",
	http.StatusNotFound:         "NotFoundException",
	http.StatusMethodNotAllowed: "MethodNotAllowedException",
	http.StatusConflict:         "ConflictException",
	// NestJS's names; Twenty's body parser answers these outside its exception filter.
	http.StatusRequestEntityTooLarge: "PayloadTooLargeException",
	http.StatusRequestURITooLong:     "UriTooLongException",
	http.StatusUnsupportedMediaType:  "UnsupportedMediaTypeException",
	http.StatusUnprocessableEntity:   "UnprocessableEntityException",
	http.StatusTooManyRequests:       "ThrottlerException",
	http.StatusInternalServerError:   "InternalServerErrorException",
	http.StatusServiceUnavailable:    "ServiceUnavailableException",
}

// envelope is Twenty's REST error body: {"statusCode":400,"error":"BadRequestException","messages":["…"]}.
type envelope struct {
	StatusCode int      `json:"statusCode"`
	Error      string   `json:"error"`
	Messages   []string `json:"messages"`
}

// writeError answers with Twenty's error envelope. name "" takes the exception name of status.
func writeError(w http.ResponseWriter, status int, name string, messages ...string) {
	if name == "" {
		name = exceptionNames[status]
	}
	if messages == nil {
		messages = []string{}
	}
	writeJSON(w, status, envelope{StatusCode: status, Error: name, Messages: messages})
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeDataJSON answers status {"data":{key:value}<after>}. value comes from the records Worker,
// valid JSON already: it is copied as is, where encoding/json would scan it again (and escape
// HTML in it, which Twenty's answers do not). after is more members of the outer object, each
// led by a comma, or "".
func writeDataJSON(w http.ResponseWriter, status int, key string, value json.RawMessage, after string) {
	quoted, _ := json.Marshal(key)
	b := make([]byte, 0, len(value)+len(quoted)+len(after)+16)
	b = append(b, `{"data":{`...)
	b = append(b, quoted...)
	b = append(b, ':')
	b = append(b, value...)
	b = append(b, '}')
	b = append(b, after...)
	b = append(b, "}\n"...)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// notFound answers like NestJS does for a route it does not have: 404 "Cannot GET /path".
func notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "", "Cannot "+r.Method+" "+r.URL.Path)
}

// only serves h for method (and HEAD along with GET); any other method is, as in NestJS, a route
// that does not exist.
func only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			notFound(w, r)
			return
		}
		h(w, r)
	}
}

// recoverPanics turns a handler's panic into a 500 in Twenty's envelope; the instance serving every
// other request of the isolate keeps running.
func recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				slog.ErrorContext(r.Context(), "handler panicked", "panic", fmt.Sprint(v), "path", r.URL.Path)
				writeError(w, http.StatusInternalServerError, "", "Internal server error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// connectStatus maps Connect codes from other Workers to HTTP statuses, in one place.
var connectStatus = map[connect.Code]int{
	connect.CodeInvalidArgument:    http.StatusBadRequest,
	connect.CodeFailedPrecondition: http.StatusBadRequest,
	connect.CodeOutOfRange:         http.StatusBadRequest,
	connect.CodeUnauthenticated:    http.StatusUnauthorized,
	connect.CodePermissionDenied:   http.StatusForbidden,
	connect.CodeNotFound:           http.StatusNotFound,
	connect.CodeAlreadyExists:      http.StatusConflict,
	connect.CodeAborted:            http.StatusConflict,
	connect.CodeResourceExhausted:  http.StatusTooManyRequests,
	connect.CodeUnavailable:        http.StatusServiceUnavailable,
	connect.CodeDeadlineExceeded:   http.StatusServiceUnavailable,
}

// writeConnectError answers with the envelope for an error returned by another Worker. Internal
// errors are never detailed: the other Worker has logged them with the same request id.
func writeConnectError(w http.ResponseWriter, err error) {
	code := connect.CodeOf(err)
	status, ok := connectStatus[code]
	if !ok {
		writeError(w, http.StatusInternalServerError, "", "Internal server error")
		return
	}
	msg := err.Error()
	if ce := new(connect.Error); errors.As(err, &ce) {
		msg = ce.Message()
	}
	if status == http.StatusServiceUnavailable { // a Worker or binding down for now: a retry may work
		w.Header().Set("Retry-After", graphql.RetryAfter)
		if !connect.IsWireError(err) { // no Worker answered: the transport's error is ours to keep
			msg = graphql.UnavailableError().Message
		}
	}
	writeError(w, status, "", msg)
}
