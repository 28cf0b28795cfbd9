package ddl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// swapPrefix starts the name of the column a changed column is rebuilt in. Field names cannot
// contain underscores (metadata.ValidateName), so it never collides with a real column.
const swapPrefix = "_swap_"

// UpdateField returns the statements that turn field from of object o into to, for the changes
// Twenty makes to an existing field: its name, its options (a value renamed keeps its option id;
// a value removed turns into the default, or NULL), its default, its nullability, whether it is
// unique. Labels, descriptions and icons need no statement. The type, and a relation's target,
// cardinality and onDelete, cannot change (ErrUnsupported), nor can id, createdAt, updatedAt and
// deletedAt.
//
// A renamed field's columns are renamed (ALTER TABLE RENAME COLUMN keeps their data, constraints
// and foreign keys). A column whose definition changes, e.g. a SELECT's CHECK listing the options,
// is rebuilt without rebuilding the table, which SQLite's ALTER TABLE cannot do in place: a new
// column is added, filled from the old one (mapping option values), the old one dropped and the
// new one renamed. The rebuilt column gets the same treatment as in AddField: a function default
// is left to the engine. MULTI_SELECT values are JSON arrays with no CHECK of their values, so
// their renamed and removed options are rewritten in place.
func UpdateField(workspaceID string, o metadata.Object, from, to metadata.Field) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(o.Fields, func(f metadata.Field) bool { return f.Name == from.Name })
	if i < 0 {
		return nil, fmt.Errorf("object %q has no field %q: %w", o.NameSingular, from.Name, ErrUnknownField)
	}
	if err := checkUpdatable(o, from, to); err != nil {
		return nil, err
	}
	if err := metadata.ValidateField(to); err != nil {
		return nil, err
	}
	changed := o
	changed.Fields = slices.Clone(o.Fields)
	changed.Fields[i] = to
	if err := metadata.ValidateObject(changed); err != nil {
		return nil, err
	}

	oldCols, newCols := metadata.Columns(from), metadata.Columns(to)
	oldIx, newIx := fieldIndexes(table, from), fieldIndexes(table, to)
	var alter []d1.Stmt
	t := quoteIdent(table)
	for k, oc := range oldCols {
		nc := newCols[k]
		same, err := sameDefinition(workspaceID, oc, nc)
		if err != nil {
			return nil, err
		}
		if !same && systemFields[from.Name] {
			return nil, fmt.Errorf("field %s.%s: the columns of a system field cannot change: %w", o.NameSingular, from.Name, ErrUnsupported)
		}
		if same {
			if oc.Name != nc.Name {
				alter = append(alter, d1.Stmt{SQL: "ALTER TABLE " + t + " RENAME COLUMN " + quoteIdent(oc.Name) + " TO " + quoteIdent(nc.Name)})
			}
			continue
		}
		tmp := nc
		tmp.Name = swapPrefix + nc.Name
		def, err := columnDef(workspaceID, tmp, true)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", o.NameSingular, to.Name, err)
		}
		value, err := convertedValue(oc, nc, from, to)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", o.NameSingular, to.Name, err)
		}
		alter = append(alter,
			d1.Stmt{SQL: "ALTER TABLE " + t + " ADD COLUMN " + def},
			d1.Stmt{SQL: "UPDATE " + t + " SET " + quoteIdent(tmp.Name) + " = " + value},
			d1.Stmt{SQL: "ALTER TABLE " + t + " DROP COLUMN " + quoteIdent(oc.Name)},
			d1.Stmt{SQL: "ALTER TABLE " + t + " RENAME COLUMN " + quoteIdent(tmp.Name) + " TO " + quoteIdent(nc.Name)},
		)
	}
	if to.Type == metadata.TypeMultiSelect {
		if s, ok := rewriteMultiSelect(table, newCols[0].Name, from, to); ok {
			alter = append(alter, s)
		}
	}
	if len(alter) == 0 && slices.Equal(oldIx, newIx) {
		return nil, nil
	}
	var stmts []d1.Stmt
	if len(alter) > 0 {
		if stmts, err = dropSearchFor(workspaceID, o, from); err != nil {
			return nil, err
		}
	}
	for _, ix := range oldIx {
		stmts = append(stmts, d1.Stmt{SQL: ix.drop})
	}
	stmts = append(stmts, alter...)
	for _, ix := range newIx {
		stmts = append(stmts, d1.Stmt{SQL: ix.create})
	}
	return checkSizes(stmts)
}

// checkUpdatable rejects changes SQLite cannot make in place.
func checkUpdatable(o metadata.Object, from, to metadata.Field) error {
	unsupported := func(what string) error {
		return fmt.Errorf("field %s.%s: %s cannot change: %w", o.NameSingular, from.Name, what, ErrUnsupported)
	}
	if from.Type != to.Type {
		return unsupported("the type")
	}
	if systemFields[from.Name] && to.Name != from.Name {
		return unsupported("the name of a system field")
	}
	if from.Type.IsRelation() {
		fr, tr := from.Relation, to.Relation
		if fr == nil || tr == nil || fr.Type != tr.Type || fr.TargetObjectNameSingular != tr.TargetObjectNameSingular ||
			fr.EffectiveOnDelete() != tr.EffectiveOnDelete() || from.IsNullable != to.IsNullable {
			return unsupported("a relation's target, type, onDelete or nullability")
		}
	}
	return nil
}

// sameDefinition reports whether two columns are defined alike but for their names.
func sameDefinition(workspaceID string, a, b metadata.Column) (bool, error) {
	b.Name = a.Name
	da, err := columnDef(workspaceID, a, false)
	if err != nil {
		return false, err
	}
	db, err := columnDef(workspaceID, b, false)
	if err != nil {
		return false, err
	}
	return da == db, nil
}

// convertedValue is the SQL expression computing new column nc's value from old column oc's.
func convertedValue(oc, nc metadata.Column, from, to metadata.Field) (string, error) {
	v := quoteIdent(oc.Name)
	fallback := "NULL"
	if !nc.Nullable {
		if nc.Default == nil {
			return "", fmt.Errorf("column %q: a NOT NULL column needs a default value for the rows it cannot keep: %w", nc.Name, ErrUnsupported)
		}
		lit, err := literal(nc.Default, nc)
		if err != nil {
			return "", err
		}
		fallback = lit
	}
	if len(nc.Values) > 0 && oc.Property == "" {
		mapping := optionMapping(from, to)
		var b strings.Builder
		b.WriteString("CASE " + v)
		for _, m := range mapping {
			b.WriteString(" WHEN " + quoteString(m[0]) + " THEN " + quoteString(m[1]))
		}
		b.WriteString(" ELSE " + fallback + " END")
		return b.String(), nil
	}
	if nc.Unique && !oc.Unique && nc.Type == metadata.TypeText {
		v = "NULLIF(" + v + ", '')" // a unique text column holds NULL for no value
	}
	if oc.Nullable && !nc.Nullable {
		return "COALESCE(" + v + ", " + fallback + ")", nil
	}
	return v, nil
}

// optionMapping pairs each old option value that survives with its new value: the new option
// with the same id, or else with the same value. Values of removed options are left out.
func optionMapping(from, to metadata.Field) [][2]string {
	oldOpts, newOpts := from.Options, to.Options
	if from.Type == metadata.TypeRating && len(oldOpts) == 0 {
		oldOpts = metadata.RatingOptions()
	}
	if to.Type == metadata.TypeRating && len(newOpts) == 0 {
		newOpts = metadata.RatingOptions()
	}
	var out [][2]string
	for _, o := range oldOpts {
		j := -1
		if o.ID != "" {
			j = slices.IndexFunc(newOpts, func(n metadata.Option) bool { return n.ID == o.ID })
		}
		if j < 0 {
			j = slices.IndexFunc(newOpts, func(n metadata.Option) bool { return n.Value == o.Value })
		}
		if j >= 0 {
			out = append(out, [2]string{o.Value, newOpts[j].Value})
		}
	}
	return out
}

// rewriteMultiSelect returns the UPDATE mapping the values of a MULTI_SELECT's JSON arrays to
// the new options, dropping removed ones, or false if no value is renamed or removed.
func rewriteMultiSelect(table, column string, from, to metadata.Field) (d1.Stmt, bool) {
	mapping := optionMapping(from, to)
	if len(mapping) == len(from.Options) && !slices.ContainsFunc(mapping, func(m [2]string) bool { return m[0] != m[1] }) {
		return d1.Stmt{}, false
	}
	t, c := quoteIdent(table), quoteIdent(column)
	var cases, kept strings.Builder
	for i, m := range mapping {
		if i > 0 {
			kept.WriteString(", ")
		}
		kept.WriteString(quoteString(m[0]))
		if m[0] != m[1] {
			cases.WriteString(" WHEN " + quoteString(m[0]) + " THEN " + quoteString(m[1]))
		}
	}
	value := "value"
	if cases.Len() > 0 {
		value = "CASE value" + cases.String() + " ELSE value END"
	}
	return d1.Stmt{SQL: "UPDATE " + t + " SET " + c + " = (SELECT json_group_array(" + value + ") FROM json_each(" + t + "." + c +
		") WHERE value IN (" + kept.String() + ")) WHERE " + c + " IS NOT NULL"}, true
}
