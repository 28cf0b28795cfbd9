package engine

import "strings"

// MaxPatternBytes is the longest LIKE or GLOB pattern D1 accepts (its
// SQLITE_LIMIT_LIKE_PATTERN_LENGTH). Pattern filters avoid LIKE and GLOB when a plain comparison
// does (exact, prefix, suffix and substring matches), so only patterns with a _ wildcard or a %
// inside are bound by it.
const MaxPatternBytes = 50

// likeShape is the shape of a LIKE pattern, deciding how it is matched.
type likeShape int

const (
	// likeGeneral is any other pattern, matched with GLOB or LIKE.
	likeGeneral likeShape = iota
	// likeExact has no wildcard: the text itself.
	likeExact
	// likePrefix is text%.
	likePrefix
	// likeSuffix is %text.
	likeSuffix
	// likeContains is %text%.
	likeContains
	// likeAny is only % wildcards: any value.
	likeAny
)

// analyzeLike reads a PostgreSQL LIKE pattern (% and _ wildcards, a backslash escaping the next
// character) and returns its shape and, unless it is likeGeneral, its text without escapes.
func analyzeLike(pattern string) (likeShape, string) {
	type token struct {
		percent bool
		text    string
	}
	var tokens []token
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			tokens = append(tokens, token{text: lit.String()})
			lit.Reset()
		}
	}
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			escaped = false
			lit.WriteRune(r)
		case r == '\\':
			escaped = true
		case r == '_':
			return likeGeneral, ""
		case r == '%':
			flush()
			if len(tokens) == 0 || !tokens[len(tokens)-1].percent {
				tokens = append(tokens, token{percent: true})
			}
		default:
			lit.WriteRune(r)
		}
	}
	if escaped { // a trailing backslash stands for itself
		lit.WriteByte('\\')
	}
	flush()
	switch {
	case len(tokens) == 0:
		return likeExact, ""
	case len(tokens) == 1 && tokens[0].percent:
		return likeAny, ""
	case len(tokens) == 1:
		return likeExact, tokens[0].text
	case len(tokens) == 2 && tokens[1].percent:
		return likePrefix, tokens[0].text
	case len(tokens) == 2:
		return likeSuffix, tokens[1].text
	case len(tokens) == 3 && tokens[0].percent && !tokens[1].percent:
		return likeContains, tokens[1].text
	}
	return likeGeneral, ""
}

// matchText compiles a match of column c against text by shape (not likeGeneral): exact,
// prefix, suffix, substring or any. With fold, both sides are lower-cased (ASCII, as SQLite's
// LIKE folds case).
func (fc *filterCompiler) matchText(c string, shape likeShape, text string, fold bool) string {
	value := func() string { return fc.bind(text) }
	if fold {
		c = "LOWER(" + c + ")"
		value = func() string { return "LOWER(" + fc.bind(text) + ")" }
	}
	switch shape {
	case likeExact:
		return c + " = " + value()
	case likePrefix:
		n := fc.bind(text)
		return "substr(" + c + ", 1, length(" + n + ")) = " + value()
	case likeSuffix:
		n := fc.bind(text)
		return "substr(" + c + ", -length(" + n + ")) = " + value()
	case likeContains:
		return "instr(" + c + ", " + value() + ") > 0"
	}
	return strings.TrimSuffix(strings.TrimPrefix(c, "LOWER("), ")") + " IS NOT NULL"
}

// pattern compiles a like (case-sensitive) or ilike (fold) filter on column c of target t.
func (fc *filterCompiler) pattern(t target, c, raw string, fold bool) (string, error) {
	shape, text := analyzeLike(raw)
	if shape != likeGeneral {
		return fc.matchText(c, shape, text, fold), nil
	}
	op, pattern, sql := "like", likeToGlob(raw), ""
	if fold {
		op, pattern = "ilike", raw
	}
	if len(pattern) > MaxPatternBytes {
		return "", queryErrorf(CodeInvalidFilter, "Pattern of the %s filter on \"%s\" is %d bytes long, at most %d are supported", op, t.path, len(pattern), MaxPatternBytes)
	}
	if fold {
		sql = "LOWER(" + c + ") LIKE LOWER(" + fc.bind(pattern) + `) ESCAPE '\'`
	} else {
		sql = c + " GLOB " + fc.bind(pattern)
	}
	return sql, nil
}

// globEscape makes s match itself in a GLOB pattern, whose wildcards are *, ? and [.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			b.WriteByte('[')
			b.WriteRune(r)
			b.WriteByte(']')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// likeToGlob turns a PostgreSQL LIKE pattern (% and _ wildcards, backslash escaping the next
// character) into the GLOB pattern matching the same strings: SQLite's LIKE ignores ASCII case,
// GLOB does not, like PostgreSQL's LIKE.
func likeToGlob(pattern string) string {
	var b strings.Builder
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			escaped = false
			b.WriteString(globEscape(string(r)))
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteByte('*')
		case r == '_':
			b.WriteByte('?')
		default:
			b.WriteString(globEscape(string(r)))
		}
	}
	if escaped { // a trailing backslash stands for itself
		b.WriteByte('\\')
	}
	return b.String()
}
