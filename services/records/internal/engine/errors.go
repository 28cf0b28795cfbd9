package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Code is the exception code Twenty gives a rejected query (CommonQueryRunnerExceptionCode and
// GraphqlQueryRunnerExceptionCode). REST answers every code as a 400; GraphQL answers
// BAD_USER_INPUT with the code as its subCode.
type Code string

// The codes of the errors the engine returns.
const (
	// CodeInvalidFilter is a filter naming an unknown field or sub-field, using an operator its
	// field type does not allow, or holding a value of the wrong type.
	CodeInvalidFilter Code = "INVALID_ARGS_FILTER"
	// CodeInvalidQueryInput is an ordering Twenty cannot apply (a composite field without its
	// sub-field, a relation without a nested field) or a malformed query.
	CodeInvalidQueryInput Code = "INVALID_QUERY_INPUT"
	// CodeFieldNotFound is an ordering by a field the object does not have.
	CodeFieldNotFound Code = "FIELD_NOT_FOUND"
	// CodeInvalidCursor is a cursor that does not decode, or that was encoded for another ordering.
	CodeInvalidCursor Code = "INVALID_CURSOR"
	// CodeArgsConflict is a query with both a before and an after cursor.
	CodeArgsConflict Code = "ARGS_CONFLICT"
	// CodeInvalidFields is a projection naming a field the object does not have.
	CodeInvalidFields Code = "INVALID_FIELDS_QUERY_PARAM"
	// CodeTooComplex is a query whose SQL would exceed D1's limits: more than d1.MaxParams bound
	// values, or more than MaxConditions conditions.
	CodeTooComplex Code = "TOO_COMPLEX_QUERY"
)

// QueryError is a query the engine rejects because of what the client sent. Message is Twenty's
// message where Twenty has one; REST writes it as the single entry of "messages" in a 400.
type QueryError struct {
	// Code is Twenty's exception code.
	Code Code
	// Message is the message for the client.
	Message string
	// Err is the cause, when there is one (a *recordquery.InvalidCursorError, e.g.).
	Err error
}

func (e *QueryError) Error() string { return e.Message }

func (e *QueryError) Unwrap() error { return e.Err }

func queryErrorf(code Code, format string, args ...any) *QueryError {
	return &QueryError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// cursorError wraps a cursor that does not decode or does not fit the ordering.
func cursorError(err error) *QueryError {
	var qe *QueryError
	if errors.As(err, &qe) {
		return qe
	}
	return &QueryError{Code: CodeInvalidCursor, Message: err.Error(), Err: err}
}

// invalidCursor is the error of a cursor that decodes but holds a value the ordering cannot use.
func invalidCursor(cursor string, cause error) *QueryError {
	return cursorError(&recordquery.InvalidCursorError{Cursor: cursor, Err: cause})
}

// Twenty's messages follow, with the files they come from. Paths are relative to
// packages/twenty-server/src/engine/api/ in twentyhq/twenty. Like Twenty's template literals, they
// quote names and values as they are, without escaping.

// common/common-args-processors/filter-arg-processor/filter-arg-processor.service.ts
func msgUnknownFilterField(object, key string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Object %s doesn't have any \"%s\" field.", object, key)
}

func msgFilterRelation(key string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Cannot filter by relation field \"%s\"", key)
}

func msgFilterRelationUseJoinColumn(key, joinColumn string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Cannot filter by relation field \"%s\": use \"%s\" instead", key, joinColumn)
}

func msgUnknownFilterSubField(sub string, t string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Sub field \"%s\" not found for composite type: %s", sub, t)
}

// …/utils/validate-operator-for-field-type-or-throw.util.ts
func msgOperatorNotAllowed(op, field, t string, allowed []string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Operator \"%s\" is not valid for field \"%s\" of type %s - Allowed operators: %s",
		op, field, t, strings.Join(allowed, ", "))
}

// …/validator-utils/validate-number-field-or-throw.util.ts and its siblings
func msgInvalidNumber(inspected, field string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid number value %s for field \"%s\"", inspected, field)
}

func msgInvalidBoolean(inspected, field string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid boolean value %s for field \"%s\"", inspected, field)
}

func msgInvalidUUID(inspected, field string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid UUID value %s for field \"%s\"", inspected, field)
}

func msgInvalidDate(inspected, field string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid value %s for date field \"%s\". Expected format: 'YYYY-MM-DD'", inspected, field)
}

func msgInvalidDateTime(inspected, field string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid value %s for date-time field \"%s\". Expected format: 'YYYY-MM-DDTHH:mm:ssZ'", inspected, field)
}

func msgInvalidSelect(value, field string, options []string) *QueryError {
	return queryErrorf(CodeInvalidFilter, "Invalid select value \"%s\" for field \"%s\". Valid options: %s", value, field, strings.Join(options, ", "))
}

// utils/resolve-order-by-leaves.utils.ts
func msgOrderFieldNotFound(field string) *QueryError {
	return queryErrorf(CodeFieldNotFound, "Field \"%s\" does not exist or is not sortable", field)
}

func msgOrderCompositeRoot(field string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Composite field \"%s\" requires subfield ordering (e.g., { %s: { subFieldName: 'AscNullsFirst' } })", field, field)
}

func msgOrderUnknownSubField(sub, field string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Sub field \"%s\" not found for composite field \"%s\"", sub, field)
}

func msgOrderSubFieldNeedsDirection(path string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Composite sub field \"%s\" requires a direction value (AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast)", path)
}

func msgOrderScalarNeedsDirection(field string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Scalar field \"%s\" requires a direction value (AscNullsFirst, AscNullsLast, DescNullsFirst, DescNullsLast)", field)
}

func msgOrderRelationNeedsNested(field string) *QueryError {
	return queryErrorf(CodeInvalidQueryInput, "Relation field \"%s\" requires nested field ordering (e.g., { %s: { fieldName: 'AscNullsFirst' } })", field, field)
}

// utils/validate-cursor-matches-order-by.utils.ts
func msgCursorMissingValue(path string) *QueryError {
	return queryErrorf(CodeInvalidCursor, "Cursor is missing the value for orderBy field \"%s\": it was encoded for a different orderBy. Restart pagination without a cursor.", path)
}

// rest/input-request-parsers/fields-parser-utils/parse-fields-rest-request.util.ts
func msgUnknownFields(object string, names []string) *QueryError {
	return queryErrorf(CodeInvalidFields, "'fields' parameter invalid. Unknown or unreadable fields on '%s': %s", object, strings.Join(names, ", "))
}

// inspect renders v as Node's util.inspect does in Twenty's messages: a string between single
// quotes (double quotes if it holds a single quote and no double quote, backticks if it holds both
// but no backtick), with backslashes, the chosen quote and control characters escaped; a number
// as JavaScript prints it (NaN, Infinity).
func inspect(v any) string {
	switch v := v.(type) {
	case string:
		return inspectString(v)
	case float64:
		return jsNumberString(v)
	case bool:
		return strconv.FormatBool(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func inspectString(s string) string {
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 {
		switch {
		case strings.IndexByte(s, '"') < 0:
			quote = '"'
		case strings.IndexByte(s, '`') < 0 && !strings.Contains(s, "${"):
			quote = '`'
		}
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\v':
			b.WriteString(`\v`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}
