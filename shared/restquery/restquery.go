// Package restquery parses the query parameters of Twenty's REST record API into a
// recordquery.Query, answering malformed input with Twenty's own 400 messages.
//
// The parsers follow Twenty's (packages/twenty-server/src/engine/api/rest/input-request-parsers/)
// closely enough to agree with them on every input, odd ones included: a value is split on
// commas without regard to quotes inside a list, order_by items are not trimmed, an empty filter
// is an error, and a parameter given twice is ignored (Express hands Twenty an array, which its
// parsers skip) except fields, whose values are merged, and limit and depth, which become
// invalid. Where this package departs from Twenty it says so: numeric parameters are plain
// decimal integers (see Integer). The gateway refuses a repeated parameter before any of this.
//
// Checks that need field metadata (unknown fields, ordering by a composite field's root, value
// types, is operands) are the records engine's.
package restquery

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// MaxParamLen bounds the length in bytes of a filter or order_by parameter. Twenty has no such
// bound; it keeps parsing cheap.
const MaxParamLen = 16 << 10

// BadRequest is the error of a malformed parameter: a 400 that the gateway writes as
// {"statusCode":400,"error":"BadRequestException","messages":Messages}.
type BadRequest struct {
	// Messages are the messages of the envelope; Twenty always sends one.
	Messages []string
	// Err is the cause, when there is one.
	Err error
}

func (e *BadRequest) Error() string { return strings.Join(e.Messages, "; ") }

func (e *BadRequest) Unwrap() error { return e.Err }

func badRequestf(format string, args ...any) *BadRequest {
	return &BadRequest{Messages: []string{fmt.Sprintf(format, args...)}}
}

func wrapBadRequest(err error) *BadRequest {
	return &BadRequest{Messages: []string{err.Error()}, Err: err}
}

func tooLong(param string) *BadRequest {
	return badRequestf("'%s' parameter invalid. It is longer than %d characters", param, MaxParamLen)
}

// Parse parses the parameters of a find-many request (GET /rest/{plural}): filter, order_by,
// limit, depth, starting_after, ending_before, fields and omit_null_values. It checks them in
// Twenty's order, so that a request with several faults gets Twenty's message: depth, limit,
// order_by, filter, fields, then the cursors.
//
// An error is a *BadRequest.
func Parse(values url.Values) (*recordquery.Query, error) {
	depth, err := DepthParam(values)
	if err != nil {
		return nil, err
	}
	limit, err := LimitParam(values)
	if err != nil {
		return nil, err
	}
	orderBy, err := OrderByParam(values)
	if err != nil {
		return nil, err
	}
	filter, err := FilterParam(values)
	if err != nil {
		return nil, err
	}
	fields, err := FieldsParam(values)
	if err != nil {
		return nil, err
	}
	after, before, err := CursorParams(values)
	if err != nil {
		return nil, err
	}
	return &recordquery.Query{
		Filter:         filter,
		OrderBy:        orderBy,
		Limit:          limit,
		Depth:          depth,
		StartingAfter:  after,
		EndingBefore:   before,
		Fields:         fields,
		OmitNullValues: OmitNullValuesParam(values),
	}, nil
}

// single returns the value of a parameter given exactly once, the only case in which Twenty's
// parsers see a string.
func single(values url.Values, key string) (string, bool) {
	vs := values[key]
	if len(vs) != 1 {
		return "", false
	}
	return vs[0], true
}

// scalar returns what Twenty reads for a numeric parameter: absent (or empty, which JavaScript
// finds falsy), or its text, several values joined by commas as JavaScript turns an array into a
// string.
func scalar(values url.Values, key string) (string, bool) {
	vs := values[key]
	if len(vs) == 0 || len(vs) == 1 && vs[0] == "" {
		return "", false
	}
	return strings.Join(vs, ","), true
}

// FilterParam parses the filter parameter (see ParseFilter). It returns nil when the parameter is
// absent or given more than once, which Twenty ignores; bulk updates and deletes answer their
// own "Filters are mandatory" error then.
//
// An error is a *BadRequest.
func FilterParam(values url.Values) (*recordquery.Filter, error) {
	s, ok := single(values, "filter")
	if !ok {
		return nil, nil
	}
	return ParseFilter(s)
}

// OrderByParam parses the order_by parameter (see ParseOrderBy). It returns nil when the
// parameter is absent or given more than once, which Twenty ignores.
//
// An error is a *BadRequest.
func OrderByParam(values url.Values) ([]recordquery.Order, error) {
	s, ok := single(values, "order_by")
	if !ok {
		return nil, nil
	}
	return ParseOrderBy(s)
}

// LimitParam parses the limit parameter: recordquery.DefaultLimit when absent or empty, else a
// plain decimal integer (see Integer) clamped to recordquery.MaxLimit, or Twenty's 400 for
// anything else (parse-limit-rest-request.util.ts).
//
// Unlike Twenty, which reads limit as JavaScript's unary + does, " 10 ", "1e1", "0xa", "Infinity"
// and fractions are refused with Twenty's message, as are numbers past an int32.
//
// An error is a *BadRequest.
func LimitParam(values url.Values) (int, error) {
	raw, ok := scalar(values, "limit")
	if !ok {
		return recordquery.DefaultLimit, nil
	}
	n, ok := Integer(raw)
	if !ok {
		return 0, badRequestf("limit '%s' is invalid. Should be an integer", raw)
	}
	return min(n, recordquery.MaxLimit), nil
}

// DepthParam parses the depth parameter: 0 when absent or empty, else 0 or 1 written as plain
// decimal digits (see Integer), or Twenty's 400 (parse-depth-rest-request.util.ts).
//
// An error is a *BadRequest.
func DepthParam(values url.Values) (int, error) {
	raw, ok := scalar(values, "depth")
	if !ok {
		return 0, nil
	}
	if n, ok := Integer(raw); ok && (n == 0 || n == 1) {
		return n, nil
	}
	return 0, badRequestf("'depth=%s' parameter invalid. Allowed values are 0, 1", raw)
}

// FieldsParam parses the fields parameter, a projection: nil when absent, else the
// comma-separated names of every fields value, trimmed, without empty names or repeats, in
// order. With no name left it is Twenty's 400 (parse-fields-rest-request.util.ts). The engine
// checks the names against the object's readable fields.
//
// An error is a *BadRequest.
func FieldsParam(values url.Values) ([]string, error) {
	vs, ok := values["fields"]
	if !ok {
		return nil, nil
	}
	var names []string
	seen := map[string]bool{}
	for _, v := range vs {
		for _, name := range strings.Split(v, ",") {
			name = jsTrim(name)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, badRequestf("'fields' parameter is empty. Expected a comma-separated list of field names, e.g. fields=id,name")
	}
	return names, nil
}

// OmitNullValuesParam reports whether omit_null_values=true was given
// (parse-omit-null-values-rest-request.util.ts).
func OmitNullValuesParam(values url.Values) bool {
	s, ok := single(values, "omit_null_values")
	return ok && s == "true"
}

// CursorParams returns the starting_after and ending_before cursors, "" when absent, empty or
// given more than once. Both at once are Twenty's 400 "Cannot provide both before and after"
// (recordquery.ErrBothCursors); a cursor that does not decode is Twenty's 400 "Invalid cursor: …"
// (a *recordquery.InvalidCursorError).
//
// Twenty checks the cursor only after typing the filter and ordering against metadata, so a
// request with both a bad cursor and an unknown field gets the cursor message here and the field
// message from Twenty.
//
// An error is a *BadRequest wrapping the cause.
func CursorParams(values url.Values) (startingAfter, endingBefore string, err error) {
	startingAfter, _ = single(values, "starting_after")
	endingBefore, _ = single(values, "ending_before")
	if startingAfter != "" && endingBefore != "" {
		return "", "", wrapBadRequest(recordquery.ErrBothCursors)
	}
	if c := startingAfter + endingBefore; c != "" { // at most one is set
		if _, err := recordquery.DecodeCursor(c); err != nil {
			return "", "", wrapBadRequest(err)
		}
	}
	return startingAfter, endingBefore, nil
}
