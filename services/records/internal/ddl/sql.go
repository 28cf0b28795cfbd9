package ddl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteString quotes an SQL string literal.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Patterns of the stored timestamp and date formats (metadata.DateTimeLayout, DateLayout).
const (
	// sqliteDateTimeFormat is metadata.DateTimeLayout in strftime's notation.
	sqliteDateTimeFormat = "%Y-%m-%dT%H:%M:%fZ"
)

// uuidSQL makes a random version 4 UUID in lower case. Each randomblob is a separate call, as a
// DEFAULT expression cannot name a value twice; random() & 3 picks the variant digit.
const uuidSQL = "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || " +
	"substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || " +
	"substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"

// funcSQL is the SQL expression computing a function default for a column of type t.
func funcSQL(fn metadata.DefaultFunc, t metadata.FieldType) string {
	switch {
	case fn == metadata.Now && t == metadata.TypeDate:
		return "strftime('%Y-%m-%d', 'now')"
	case fn == metadata.Now:
		return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
	default:
		return uuidSQL
	}
}

// literal renders a column default.
func literal(v any, c metadata.Column) (string, error) {
	switch v := v.(type) {
	case string:
		return quoteString(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), nil
	case metadata.DefaultFunc:
		return "(" + funcSQL(v, c.Type) + ")", nil
	}
	return "", fmt.Errorf("column %q: default of type %T is not supported", c.Name, v)
}

// check returns the CHECK expression of a column, or "". NULL passes every check (SQLite treats a
// NULL check as satisfied), so nullability is NOT NULL's business alone.
func check(c metadata.Column) string {
	q := quoteIdent(c.Name)
	switch {
	case c.Type == metadata.TypeBoolean:
		return q + " IN (0, 1)"
	case len(c.Values) > 0:
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = quoteString(v)
		}
		return q + " IN (" + strings.Join(vals, ", ") + ")"
	case c.Type == metadata.TypeRawJSON:
		return "json_valid(" + q + ")"
	case c.Type == metadata.TypeMultiSelect || c.Type == metadata.TypeArray || c.Type == metadata.TypeFiles:
		// CASE keeps json_type from seeing malformed JSON (it would raise an error instead of
		// failing the check).
		return "CASE WHEN json_valid(" + q + ") THEN json_type(" + q + ") = 'array' ELSE " + q + " IS NULL END"
	case c.Type == metadata.TypeText && c.Unique:
		return q + " <> ''"
	// Dates must be canonical: formatting them again must give them back. (No GLOB: D1 caps
	// LIKE/GLOB patterns at 50 bytes and fails every insert the pattern would check. IS, not =,
	// because a NULL from strftime must fail the check.)
	case c.Type == metadata.TypeDateTime:
		return "strftime('" + sqliteDateTimeFormat + "', " + q + ") IS " + q
	case c.Type == metadata.TypeDate:
		return "date(" + q + ") IS " + q
	}
	return ""
}

// onDeleteSQL spells an on-delete action.
var onDeleteSQL = map[metadata.OnDeleteAction]string{
	metadata.Cascade:  "CASCADE",
	metadata.SetNull:  "SET NULL",
	metadata.Restrict: "RESTRICT",
	metadata.NoAction: "NO ACTION",
}

// columnDef renders the definition of column c, for CREATE TABLE or, if add, for ALTER TABLE
// ADD COLUMN (see AddField for how the two differ).
func columnDef(workspaceID string, c metadata.Column, add bool) (string, error) {
	notNull := !c.Nullable
	def := c.Default
	if add {
		if _, ok := def.(metadata.DefaultFunc); ok {
			def, notNull = nil, false
		}
		if c.References != nil && notNull {
			return "", fmt.Errorf("column %q: a relation added to an existing table must be nullable: %w", c.Name, ErrUnsupported)
		}
		if notNull && def == nil {
			return "", fmt.Errorf("column %q: a NOT NULL column added to an existing table needs a default value: %w", c.Name, ErrUnsupported)
		}
	}
	var b strings.Builder
	b.WriteString(quoteIdent(c.Name) + " " + string(c.SQLType))
	if notNull {
		b.WriteString(" NOT NULL")
	}
	if c.Name == "id" && !add {
		b.WriteString(" PRIMARY KEY")
	}
	if def != nil {
		lit, err := literal(def, c)
		if err != nil {
			return "", err
		}
		b.WriteString(" DEFAULT " + lit)
	}
	if chk := check(c); chk != "" {
		b.WriteString(" CHECK (" + chk + ")")
	}
	if r := c.References; r != nil {
		target, err := TableName(workspaceID, r.Object)
		if err != nil {
			return "", err
		}
		b.WriteString(" REFERENCES " + quoteIdent(target) + " (\"id\") ON DELETE " + onDeleteSQL[r.OnDelete])
	}
	return b.String(), nil
}

// sortColumns are the fields indexed for sorting and for the soft-delete filter every read has.
var sortColumns = map[string]bool{"createdAt": true, "deletedAt": true, "position": true}

// index is one index of a table, as the statements creating and dropping it.
type index struct {
	create, drop string
}

// fieldIndexes returns the indexes field f gets on table: one on the join column of a MANY_TO_ONE
// relation (SQLite does not index foreign keys itself, and ON DELETE actions search them), one on
// createdAt, deletedAt and position, and the unique index of a unique field. "No value" is NULL
// in a unique column (see metadata.Column.Unique), and NULLs never collide in a SQLite unique
// index, so it needs no WHERE clause and serves lookups by the unique value.
func fieldIndexes(table string, f metadata.Field) []index {
	cols := metadata.Columns(f)
	if len(cols) == 0 {
		return nil
	}
	var out []index
	if f.IsManyToOne() || sortColumns[f.Name] && len(cols) == 1 {
		name := quoteIdent(table + "__" + cols[0].Name + "_idx")
		out = append(out, index{
			create: "CREATE INDEX " + name + " ON " + quoteIdent(table) + " (" + quoteIdent(cols[0].Name) + ")",
			drop:   "DROP INDEX IF EXISTS " + name,
		})
	}
	if f.IsUnique {
		ucols := metadata.UniqueColumns(f)
		names := make([]string, len(ucols))
		for i, c := range ucols {
			names[i] = quoteIdent(c.Name)
		}
		name := quoteIdent(table + "__" + f.Name + "_key")
		out = append(out, index{
			create: "CREATE UNIQUE INDEX " + name + " ON " + quoteIdent(table) + " (" + strings.Join(names, ", ") + ")",
			drop:   "DROP INDEX IF EXISTS " + name,
		})
	}
	return out
}
