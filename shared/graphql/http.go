package graphql

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/twentyworkers/twenty/shared/strictjson"
	"io"
	"mime"
	"net/http"
)

// ServeHTTP serves GraphQL over HTTP: POST with a JSON body {"query", "operationName",
// "variables"}, or GET with those as URL parameters (variables as JSON), which runs no mutation.
// Like Apollo Server, it answers 200 once the operation executed, even with errors, and 400 when
// the request never got to execution (a document that does not parse or validate, a broken limit,
// variables that do not fit); always with a GraphQL JSON body. A body larger than the limit gets
// 413, a POST not in JSON 415, another method 405.
func (s *Schema) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req Request
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if e := CheckJSON([]byte(v)); e != nil && e != errBadBody {
				WriteResponse(w, http.StatusBadRequest, rejected(0, e))
				return
			}
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				WriteResponse(w, http.StatusBadRequest, rejected(0, NewError(CodeBadRequest, "The variables URL parameter must be a JSON object.")))
				return
			}
		}
		s.serve(w, r, req, false)
	case http.MethodPost:
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
			WriteResponse(w, http.StatusUnsupportedMediaType, rejected(0, NewError(CodeBadRequest, "The request body must be application/json.")))
			return
		}
		body := r.Body
		if s.cfg.maxBodyBytes > 0 {
			body = http.MaxBytesReader(w, body, s.cfg.maxBodyBytes)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				WriteResponse(w, http.StatusRequestEntityTooLarge, rejected(0, NewError(CodeBadRequest,
					fmt.Sprintf("The request body is larger than %d bytes.", s.cfg.maxBodyBytes))))
				return
			}
			WriteResponse(w, http.StatusBadRequest, rejected(0, NewError(CodeBadRequest, "The request body could not be read.")))
			return
		}
		if e := CheckJSON(b); e != nil {
			WriteResponse(w, http.StatusBadRequest, rejected(0, e))
			return
		}
		if err := json.Unmarshal(b, &req); err != nil {
			WriteResponse(w, http.StatusBadRequest, rejected(0, errBadBody))
			return
		}
		s.serve(w, r, req, true)
	default:
		w.Header().Set("Allow", "GET, POST")
		WriteResponse(w, http.StatusMethodNotAllowed, rejected(0, NewError(CodeMethodNotAllowed, "GraphQL is served over GET and POST only.")))
	}
}

func (s *Schema) serve(w http.ResponseWriter, r *http.Request, req Request, allowMutation bool) {
	resp := s.execute(r.Context(), req, allowMutation)
	status := http.StatusOK
	if !resp.executed && resp.status != 0 {
		status = resp.status
	}
	if status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "POST")
	}
	WriteResponse(w, status, resp)
}

// errBadBody answers a POST body that is not a GraphQL request in JSON.
var errBadBody = NewError(CodeBadRequest,
	"The request body must be a JSON object with a string \"query\", and optionally \"operationName\" and an object \"variables\".")

// CheckJSON holds a request's JSON (a POST body, the variables of a GET) to the contract of every
// client input (strictjson): nested at most MaxNesting deep, without NUL characters, well-formed.
// It runs before anything decodes the JSON.
func CheckJSON(b []byte) *Error {
	switch strictjson.ReasonOf(strictjson.Check(b, MaxNesting)) {
	case 0:
		return nil
	case strictjson.Depth:
		return NestingError()
	case strictjson.NUL:
		return NULError()
	}
	return errBadBody
}

// WriteResponse writes resp as JSON with status, for callers that answer a GraphQL request
// themselves (say, an authentication failure before a schema is chosen). A response that a
// dependency down for now spoiled (Response.Unavailable) goes out as 503 with Retry-After
// instead of 200: a retry may work.
func WriteResponse(w http.ResponseWriter, status int, resp *Response) {
	if status == http.StatusOK && resp.Unavailable() { // unavailable.go
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", RetryAfter)
	}
	body, err := resp.MarshalJSON()
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"errors":[{"message":"Internal server error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
