package graphql

import (
	"errors"
	"fmt"

	"github.com/twentyworkers/twenty/shared/strictjson"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// MaxNesting is the deepest a document may nest brackets ({, [ and ( together) and a request's
// JSON may nest values: one limit, so a value is refused alike inline and in variables. Selections
// stop at the depth limit (15) and filters at recordquery.MaxFilterDepth (32, two brackets a level
// for and/or), far inside it.
const MaxNesting = strictjson.MaxDepth

// ParseQuery parses a query document after a linear scan has held it to MaxNesting and found no
// NUL character in its strings, so that neither the recursive parser nor the validation after it
// ever meets a deep document. It is how every document a client sends is parsed.
func ParseQuery(query string, maxTokens int) (*ast.QueryDocument, *Error) {
	if err := scanDocument(query); err != nil {
		return nil, err
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Name: "query", Input: query}, max(maxTokens, 0))
	if err != nil {
		if gerr, ok := errors.AsType[*gqlerror.Error](err); ok {
			return nil, fromGQLError(gerr, CodeParseFailed, "Syntax Error: ")
		}
		return nil, NewError(CodeParseFailed, "Syntax Error: "+err.Error())
	}
	return doc, nil
}

// NestingError is the error for a document or variables nested deeper than MaxNesting.
func NestingError() *Error {
	return NewError(CodeValidationFailed, fmt.Sprintf("The request nests values or selections more than %d levels deep.", MaxNesting))
}

// NULError is the error for a string holding a NUL character, which Twenty's PostgreSQL refuses.
func NULError() *Error {
	return NewError(CodeBadUserInput, "Strings may not contain the NUL character (\\u0000).")
}

// scanDocument reads query once, as the lexer does (strings, block strings and comments skipped),
// counting open brackets; it stops at the first bracket past MaxNesting or NUL in a string. It
// does not judge the syntax otherwise: the parser does.
func scanDocument(query string) *Error {
	depth := 0
	for i := 0; i < len(query); i++ {
		switch query[i] {
		case '{', '[', '(':
			depth++
			if depth > MaxNesting {
				return locate(NestingError(), query, i)
			}
		case '}', ']', ')':
			depth--
		case '#':
			for i < len(query) && query[i] != '\n' && query[i] != '\r' {
				i++
			}
		case '"':
			end, nul := skipString(query, i)
			if nul >= 0 {
				return locate(NULError(), query, nul)
			}
			i = end
		case 0:
			return locate(NULError(), query, i)
		}
	}
	return nil
}

// skipString returns the index of the last byte of the string or block string starting at
// query[start] (the end of query if it is not closed), and the index of a NUL in it or -1.
func skipString(query string, start int) (end, nul int) {
	if len(query)-start >= 3 && query[start:start+3] == `"""` {
		for i := start + 3; i < len(query); i++ {
			switch {
			case query[i] == 0:
				return i, i
			case query[i] == '\\' && len(query)-i >= 4 && query[i+1:i+4] == `"""`:
				i += 3
			case query[i] == '"' && len(query)-i >= 3 && query[i:i+3] == `"""`:
				return i + 2, -1
			}
		}
		return len(query), -1
	}
	for i := start + 1; i < len(query); i++ {
		switch query[i] {
		case 0:
			return i, i
		case '"', '\n', '\r':
			return i, -1
		case '\\':
			if len(query)-i >= 2 && query[i+1] == 'u' && escapesNUL(query[i+2:]) {
				return i, i
			}
			i++
		}
	}
	return len(query), -1
}

// escapesNUL reports whether s, the text after `\u`, is the code point 0: "0000" or "{0…}".
func escapesNUL(s string) bool {
	if len(s) >= 4 && s[:4] == "0000" {
		return true
	}
	if len(s) < 3 || s[0] != '{' {
		return false
	}
	i := 1
	for i < len(s) && s[i] == '0' {
		i++
	}
	return i > 1 && i < len(s) && s[i] == '}'
}

// locate sets e's location to the line and column of query[offset].
func locate(e *Error, query string, offset int) *Error {
	line, col := 1, 1
	for i := 0; i < offset && i < len(query); i++ {
		if query[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	e.Locations = []Location{{Line: line, Column: col}}
	return e
}
