package engine

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/ids"
)

// typedValue converts a filter operand, as the client wrote it, to the SQL argument compared with
// t's column, checking it as Twenty's validateAndTransformValueByFieldType does
// (common/common-args-processors/filter-arg-processor/utils/): numbers are read with JavaScript's
// parseFloat, booleans are true or false, UUIDs are canonical, dates and date-times are read in
// Twenty's accepted formats and rewritten in the stored layout (metadata.DateLayout and
// metadata.DateTimeLayout) so that text comparison is time comparison, and select values must be
// options. Other types compare as text.
func typedValue(t target, raw string) (any, error) {
	switch t.opType {
	case metadata.TypeNumber, metadata.TypeNumeric, metadata.TypePosition:
		f := jsParseFloat(raw)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, msgInvalidNumber(inspect(f), t.path)
		}
		return f, nil
	case metadata.TypeBoolean:
		switch raw {
		case "true":
			return int64(1), nil
		case "false":
			return int64(0), nil
		}
		return nil, msgInvalidBoolean(inspect(raw), t.path)
	case metadata.TypeUUID, metadata.TypeRelation, metadata.TypeMorphRelation:
		if !ids.IsUUID(raw) {
			return nil, msgInvalidUUID(inspect(raw), t.path)
		}
		// PostgreSQL's uuid type ignores case; ids are stored in lower case.
		return strings.ToLower(raw), nil
	case metadata.TypeDate:
		d, ok := parseDateTime(raw)
		if !ok {
			return nil, msgInvalidDate(inspect(raw), t.path)
		}
		return d.Format(metadata.DateLayout), nil
	case metadata.TypeDateTime:
		d, ok := parseDateTime(raw)
		if !ok {
			return nil, msgInvalidDateTime(inspect(raw), t.path)
		}
		return d.UTC().Format(metadata.DateTimeLayout), nil
	case metadata.TypeSelect, metadata.TypeMultiSelect:
		if opts := optionValues(t.field); len(opts) > 0 && !slices.Contains(opts, raw) {
			return nil, msgInvalidSelect(raw, t.path, opts)
		}
	}
	return raw, nil
}

// optionValues returns the values of a field's options, which Twenty checks select filters
// against; a composite's sub-field (an actor's source) has none.
func optionValues(f metadata.Field) []string {
	vals := make([]string, len(f.Options))
	for i, o := range f.Options {
		vals[i] = o.Value
	}
	return vals
}

// dateTimeLayouts are Twenty's ACCEPTED_DATE_TIME_FORMATS (date-fns patterns, in
// validate-date-time-field-or-throw.util.ts) in Go's notation, after the RFC 3339 forms that
// Temporal.Instant.from reads first. Values without an offset are UTC, as Twenty reads them.
var dateTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999Z07",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
	"20060102",
	"2006.01.02",
	"2006/01/02",
	"01-02-2006",
	"01/02/2006",
	"01.02.2006",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"02-Jan-2006",
	"2006-Jan-02",
}

// parseDateTime reads s in one of dateTimeLayouts.
func parseDateTime(s string) (time.Time, bool) {
	for _, layout := range dateTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// jsParseFloat is JavaScript's parseFloat: leading white space is skipped, then the longest
// prefix that is a decimal literal (or Infinity) is read; NaN if there is none.
func jsParseFloat(s string) float64 {
	s = strings.TrimLeftFunc(s, isJSSpace)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	if strings.HasPrefix(s[i:], "Infinity") {
		if s[0] == '-' {
			return math.Inf(-1)
		}
		return math.Inf(1)
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		j := i + 1
		frac := 0
		for j < len(s) && isDigit(s[j]) {
			j++
			frac++
		}
		if digits > 0 || frac > 0 {
			i = j
			digits += frac
		}
	}
	if digits == 0 {
		return math.NaN()
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		exp := 0
		for j < len(s) && isDigit(s[j]) {
			j++
			exp++
		}
		if exp > 0 {
			i = j
		}
	}
	f, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f // ±Inf or 0, as JavaScript
		}
		return math.NaN()
	}
	return f
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isJSSpace reports whether r is JavaScript white space or a line terminator.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2028', '\u2029', '\u202f',
		'\u205f', '\u3000', '\ufeff':
		return true
	}
	return '\u2000' <= r && r <= '\u200a'
}

// jsNumberString prints f as JavaScript does for the values Twenty's messages show.
func jsNumberString(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
