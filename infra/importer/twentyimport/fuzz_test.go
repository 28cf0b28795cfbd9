package twentyimport

import (
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// FuzzImportValues feeds the import's value conversion what a source installation's metadata can
// hold (issue #22, item 5): a field's type, name, default value, options and settings as Twenty's
// PostgreSQL stores them, and the source column's type. Converting the field never panics, and
// every expression that reads one of its columns is closed SQL: each quoted literal and
// identifier ends, and outside them only the conversion's own fixed syntax appears, so no name
// or default can end the expression or add a statement.
func FuzzImportValues(f *testing.F) {
	seeds := []struct {
		typ, name, def, opts, settings, pgType string
		nullable, unique                       bool
	}{
		{"TEXT", "jobTitle", `"''"`, "", "", "text", false, false},
		{"TEXT", "emails", "", "", "", "text", true, true},
		{"SELECT", "stage", `"'NEW'"`, `[{"id":"1","value":"NEW","label":"New","color":"red","position":0}]`, "", "USER-DEFINED", false, false},
		{"MULTI_SELECT", "tags", `["'A'","'B'"]`, `[{"value":"A"},{"value":"B"}]`, "", "ARRAY", true, false},
		{"NUMBER", "employees", `0`, "", `{"decimals":2}`, "integer", false, false},
		{"BOOLEAN", "icp", `false`, "", "", "boolean", false, false},
		{"DATE_TIME", "createdAt", `"now"`, "", "", "timestamp with time zone", false, false},
		{"DATE", "birthday", "", "", "", "date", true, false},
		{"CURRENCY", "amount", `{"amountMicros":null,"currencyCode":"'USD'"}`, "", "", "numeric", true, false},
		{"POSITION", "position", `0`, "", "", "double precision", false, false},
		{"RAW_JSON", "data", `{"a":"it's"}`, "", "", "jsonb", true, false},
		{"TEXT", `we"ird'; DROP TABLE x; --`, `"'it''s'); DROP TABLE x; --'"`, "", "", "text", false, false},
	}
	for _, s := range seeds {
		f.Add(s.typ, s.name, []byte(s.def), []byte(s.opts), []byte(s.settings), s.pgType, s.nullable, s.unique)
	}
	f.Fuzz(func(t *testing.T, typ, name string, def, opts, settings []byte, pgType string, nullable, unique bool) {
		fl, err := convertField(twentyField{
			ID: "f", ObjectID: "o", Type: typ, Name: name, Label: name, DefaultValue: def, Options: opts, Settings: settings,
			IsNullable: nullable, IsUnique: unique, IsActive: true,
		}, map[string]twentyObject{}, map[string]twentyField{})
		if err != nil {
			return
		}
		for _, c := range importschema.Columns(fl) {
			expr := withDefault(valueExpr(c, pgType), c)
			if rest, ok := unquoted(expr); !ok {
				t.Fatalf("column %q (default %#v): %s leaves a quote open", c.Name, c.Default, expr)
			} else if i := strings.IndexFunc(rest, notConversionSyntax); i >= 0 {
				t.Fatalf("column %q (default %#v): %s has %q outside its quotes", c.Name, c.Default, expr, rest[i:])
			}
		}
	})
}

// unquoted answers expr without its quoted literals ('…', ” inside) and identifiers ("…", ""
// inside), and whether every quote ends.
func unquoted(expr string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		q := expr[i]
		if q != '\'' && q != '"' {
			b.WriteByte(q)
			continue
		}
		closed := false
		for i++; i < len(expr); i++ {
			if expr[i] == q {
				if i+1 < len(expr) && expr[i+1] == q {
					i++
					continue
				}
				closed = true
				break
			}
		}
		if !closed {
			return b.String(), false
		}
		b.WriteString("_")
	}
	return b.String(), true
}

// notConversionSyntax reports a character the conversions never write outside quotes: they are
// function calls, casts, numbers and AT TIME ZONE.
func notConversionSyntax(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	}
	return !strings.ContainsRune("_():, .+-", r)
}
