// Package ddl generates the SQL that creates and changes a workspace's record tables on D1
// (SQLite): one STRICT table per object, its columns flattened from the object's fields by
// package metadata, foreign keys for MANY_TO_ONE relations, CHECK constraints for selects,
// booleans, JSON and timestamps, and the indexes the API filters and sorts by.
//
// Every function returns statements to run together with d1.DB.Batch, which applies them
// atomically, and validates what it is given first, so that a statement never fails on input the
// package could have rejected; errors wrap the metadata package's validation errors or this
// package's.
//
// # Tables
//
// A workspace's table for object o is named ws_<workspace>_<o.nameSingular>, where <workspace> is
// the workspace UUID's 32 hexadecimal digits in lower case (see [TableName]). Identifiers are
// always double-quoted. Indexes are named after their table: <table>__<column>_idx for an index
// on one column, <table>__<field>_key for a field's unique index. SQLite identifiers are not case
// sensitive, so metadata validation rejects names that differ only in case.
//
// # Columns
//
// Column types follow package metadata: TEXT for text, UUIDs, selects, timestamps and JSON;
// INTEGER for booleans and currency micros; REAL for numbers and positions. TEXT columns default
// to the empty string as Twenty's do; createdAt and updatedAt default to the current time in
// [metadata.DateTimeLayout], checked to be canonical (strftime gives it back) so that text order is time order; id defaults to a
// random UUID. A unique field's text columns hold NULL for no value, never the empty string (a
// CHECK rejects it), so that a plain unique index enforces uniqueness and serves lookups
// (metadata.Column.Unique). Setting updatedAt, and validating what no CHECK can (a MULTI_SELECT's
// values, the spelling of UUIDs), is the engine's job. Constraints are column constraints only,
// never table constraints, so that SQLite's ALTER TABLE DROP COLUMN (which refuses a column named
// in another column's constraint) can drop any field's columns.
//
// # Relations
//
// A MANY_TO_ONE relation's join column carries REFERENCES <target table>("id") ON DELETE <action>
// and an index. SQLite cannot add a table constraint to an existing table, but it does accept a
// column constraint in ALTER TABLE ADD COLUMN as long as the column is nullable with a NULL
// default, and drops it with the column; so relations added later (a custom relation field, the
// links from noteTarget, favorite, … to a new custom object) get real foreign keys too, with no
// table rebuild. The one restriction: a relation added to an existing table must be nullable.
//
// Tables are never rebuilt: D1 enforces foreign keys and offers no way to turn them off in a
// batch, and dropping a table runs an implicit DELETE that would fire the ON DELETE actions of the
// tables referencing it. For the same reason [DropObject] first drops the join columns that point
// at the object.
//
// # Limits
//
// D1 allows 100 columns per table and 100 KB per statement; [CreateObject] and [AddField] count
// the flattened columns (metadata.ErrTooManyColumns) and every function checks statement sizes
// ([ErrStatementTooLarge]). The statements bind no parameters.
package ddl

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// systemFields are the fields every table has, which cannot be dropped, renamed or redefined.
var systemFields = map[string]bool{"id": true, "createdAt": true, "updatedAt": true, "deletedAt": true}

// MaxStatementBytes is the longest SQL statement D1 accepts.
const MaxStatementBytes = 100_000

var (
	// ErrInvalidWorkspace reports a workspace id that is not a UUID.
	ErrInvalidWorkspace = errors.New("invalid workspace id")
	// ErrStatementTooLarge reports a statement longer than [MaxStatementBytes].
	ErrStatementTooLarge = errors.New("statement too large for D1")
	// ErrUnsupported reports a schema change SQLite cannot make in place.
	ErrUnsupported = errors.New("unsupported schema change")
	// ErrUnknownField reports a field the object does not have.
	ErrUnknownField = errors.New("unknown field")
)

// TableName returns the name of workspace workspaceID's table for the object named object:
// ws_<32 lower-case hex digits of the workspace UUID>_<object>, e.g.
// ws_3b8e64585fc14e638563008ccddaa6db_person.
//
// The whole UUID goes into the name, not a prefix of it: the mapping is one to one whatever the
// UUID version (a version 7 UUID starts with a timestamp, imported Twenty workspaces may share
// prefixes such as 20202020), so two workspaces on one database can never collide, and a table
// name tells whose it is. The cost, about 40 bytes an identifier, is nothing next to D1's limits
// (SQLite has no practical identifier length limit). Dashes are dropped because they would need
// quoting everywhere; the object name is camelCase letters and digits (metadata.ValidateName).
func TableName(workspaceID, object string) (string, error) {
	key, err := workspaceKey(workspaceID)
	if err != nil {
		return "", err
	}
	if err := metadata.ValidateName(object); err != nil {
		return "", fmt.Errorf("table name: %w", err)
	}
	return "ws_" + key + "_" + object, nil
}

// workspaceKey returns the 32 lower-case hex digits of a workspace UUID.
func workspaceKey(workspaceID string) (string, error) {
	if !ids.IsUUID(workspaceID) {
		return "", fmt.Errorf("%q: %w", workspaceID, ErrInvalidWorkspace)
	}
	return strings.ToLower(strings.ReplaceAll(workspaceID, "-", "")), nil
}

// InitWorkspace returns the statements that create the tables of all of Twenty's standard objects
// (metadata.StandardObjects) for a new workspace, with their indexes, referenced tables first, and
// its schema stamp at version (the workspace's metadata version). Run them in one batch: it fails
// as a whole if a table already exists.
func InitWorkspace(workspaceID string, version int64) ([]d1.Stmt, error) {
	stmts, err := createStamp(workspaceID, version)
	if err != nil {
		return nil, err
	}
	objects := metadata.StandardObjects()
	if err := metadata.ValidateSchema(objects); err != nil {
		return nil, fmt.Errorf("standard objects: %w", err)
	}
	for _, o := range dependencyOrder(objects) {
		s, err := CreateObject(workspaceID, o, objects)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s...)
	}
	return stmts, nil
}

// dependencyOrder orders objects so that each comes after the objects its MANY_TO_ONE relations
// point at, keeping the given order otherwise. SQLite accepts a foreign key to a table created
// later, so objects caught in a cycle simply follow in the given order.
func dependencyOrder(objects []metadata.Object) []metadata.Object {
	done := map[string]bool{}
	var out []metadata.Object
	for len(out) < len(objects) {
		progressed := false
		for _, o := range objects {
			if done[o.NameSingular] || !dependenciesDone(o, objects, done) {
				continue
			}
			done[o.NameSingular] = true
			out = append(out, o)
			progressed = true
		}
		if !progressed { // a cycle: take the first remaining object as it is
			for _, o := range objects {
				if !done[o.NameSingular] {
					done[o.NameSingular] = true
					out = append(out, o)
					break
				}
			}
		}
	}
	return out
}

func dependenciesDone(o metadata.Object, objects []metadata.Object, done map[string]bool) bool {
	for _, f := range o.Fields {
		if !f.IsManyToOne() {
			continue
		}
		t := f.Relation.TargetObjectNameSingular
		if t == o.NameSingular || done[t] {
			continue
		}
		if slices.ContainsFunc(objects, func(p metadata.Object) bool { return p.NameSingular == t }) {
			return false
		}
	}
	return true
}

// CreateObject returns the statements that create object o's table in the workspace, with its
// indexes. all are the workspace's objects (o may be among them): o's names must not collide
// with theirs, and every MANY_TO_ONE relation of o must point at o or one of them. Inverse
// ONE_TO_MANY fields are not required yet: a relation's two sides may be added in either order.
func CreateObject(workspaceID string, o metadata.Object, all []metadata.Object) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	if err := metadata.ValidateObject(o); err != nil {
		return nil, err
	}
	if err := checkNamesAgainst(o, all); err != nil {
		return nil, err
	}
	var defs []string
	for _, f := range o.Fields {
		if f.IsManyToOne() {
			if err := checkTarget(o, f, all); err != nil {
				return nil, err
			}
		}
		for _, c := range metadata.Columns(f) {
			def, err := columnDef(workspaceID, c, false)
			if err != nil {
				return nil, fmt.Errorf("object %q: %w", o.NameSingular, err)
			}
			defs = append(defs, def)
		}
	}
	stmts := []d1.Stmt{{SQL: "CREATE TABLE " + quoteIdent(table) + " (\n  " + strings.Join(defs, ",\n  ") + "\n) STRICT"}}
	for _, f := range o.Fields {
		for _, ix := range fieldIndexes(table, f) {
			stmts = append(stmts, d1.Stmt{SQL: ix.create})
		}
	}
	return checkSizes(stmts)
}

// checkNamesAgainst rejects an object whose singular or plural name equals, ignoring case, a name
// of another object in all.
func checkNamesAgainst(o metadata.Object, all []metadata.Object) error {
	for _, p := range all {
		if p.NameSingular == o.NameSingular {
			continue
		}
		for _, n := range []string{o.NameSingular, o.NamePlural} {
			if strings.EqualFold(n, p.NameSingular) || strings.EqualFold(n, p.NamePlural) {
				return fmt.Errorf("object %q: name %q is taken by object %q: %w", o.NameSingular, n, p.NameSingular, metadata.ErrDuplicateName)
			}
		}
	}
	return nil
}

// checkTarget rejects a MANY_TO_ONE field of o whose target is neither o nor in all.
func checkTarget(o metadata.Object, f metadata.Field, all []metadata.Object) error {
	t := f.Relation.TargetObjectNameSingular
	if t == o.NameSingular || slices.ContainsFunc(all, func(p metadata.Object) bool { return p.NameSingular == t }) {
		return nil
	}
	return fmt.Errorf("field %s.%s: target object %q does not exist: %w", o.NameSingular, f.Name, t, metadata.ErrInvalidRelation)
}

// AddField returns the statements that add field f to object o's existing table: one ALTER TABLE
// ADD COLUMN per column, then the field's indexes. o is the object as it is before the change.
//
// SQLite's ADD COLUMN takes only constant defaults and needs one for NOT NULL: a column whose
// default is a function (now, uuid) is added nullable, without a database default, and existing
// rows are filled in with the function's value; the engine supplies the value on insert and
// enforces NOT NULL. Other NOT NULL columns need a default, and a relation must be nullable (see
// the package documentation). A relation's target table must exist (metadata.ValidateSchema
// checks the workspace's relations); SQLite would accept the column but fail the inserts.
func AddField(workspaceID string, o metadata.Object, f metadata.Field) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	if err := metadata.ValidateField(f); err != nil {
		return nil, err
	}
	for _, g := range o.Fields {
		if strings.EqualFold(g.Name, f.Name) {
			return nil, fmt.Errorf("object %q already has field %q: %w", o.NameSingular, g.Name, metadata.ErrDuplicateName)
		}
	}
	grown := o
	grown.Fields = append(slices.Clone(o.Fields), f)
	if err := metadata.ValidateObject(grown); err != nil {
		return nil, err
	}
	var stmts, backfills []d1.Stmt
	for _, c := range metadata.Columns(f) {
		def, err := columnDef(workspaceID, c, true)
		if err != nil {
			return nil, fmt.Errorf("field %s.%s: %w", o.NameSingular, f.Name, err)
		}
		stmts = append(stmts, d1.Stmt{SQL: "ALTER TABLE " + quoteIdent(table) + " ADD COLUMN " + def})
		if fn, ok := c.Default.(metadata.DefaultFunc); ok {
			backfills = append(backfills, d1.Stmt{SQL: "UPDATE " + quoteIdent(table) + " SET " + quoteIdent(c.Name) + " = " + funcSQL(fn, c.Type)})
		}
	}
	stmts = append(stmts, backfills...)
	for _, ix := range fieldIndexes(table, f) {
		stmts = append(stmts, d1.Stmt{SQL: ix.create})
	}
	return checkSizes(stmts)
}

// DropField returns the statements that drop field f of object o: its indexes, then its columns
// (ALTER TABLE DROP COLUMN, which SQLite implements by rewriting the table's rows). A field with
// no column (ONE_TO_MANY, TS_VECTOR) needs none; dropping a relation takes a DropField on each
// side. id, createdAt, updatedAt and deletedAt cannot be dropped.
func DropField(workspaceID string, o metadata.Object, f metadata.Field) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	if _, ok := o.Field(f.Name); !ok {
		return nil, fmt.Errorf("object %q has no field %q: %w", o.NameSingular, f.Name, ErrUnknownField)
	}
	if systemFields[f.Name] {
		return nil, fmt.Errorf("field %s.%s cannot be dropped: %w", o.NameSingular, f.Name, ErrUnsupported)
	}
	stmts, err := dropSearchFor(workspaceID, o, f)
	if err != nil {
		return nil, err
	}
	for _, ix := range fieldIndexes(table, f) {
		stmts = append(stmts, d1.Stmt{SQL: ix.drop})
	}
	for _, c := range metadata.Columns(f) {
		stmts = append(stmts, d1.Stmt{SQL: "ALTER TABLE " + quoteIdent(table) + " DROP COLUMN " + quoteIdent(c.Name)})
	}
	return checkSizes(stmts)
}

// DropObject returns the statements that drop object o's table. all must be all of the
// workspace's objects: the join columns of the other objects' MANY_TO_ONE relations to o are
// dropped first (as DropField would), so that dropping the table fires no ON DELETE action on
// their rows. o's own relations, self-references included, go with its table.
func DropObject(workspaceID string, o metadata.Object, all []metadata.Object) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	var stmts []d1.Stmt
	for _, p := range all {
		if p.NameSingular == o.NameSingular {
			continue
		}
		for _, f := range p.Fields {
			if !f.IsManyToOne() || f.Relation.TargetObjectNameSingular != o.NameSingular {
				continue
			}
			s, err := DropField(workspaceID, p, f)
			if err != nil {
				return nil, err
			}
			stmts = append(stmts, s...)
		}
	}
	drop, err := DropSearch(workspaceID, o)
	if err != nil {
		return nil, err
	}
	stmts = append(append(stmts, drop...), d1.Stmt{SQL: "DROP TABLE " + quoteIdent(table)})
	return checkSizes(stmts)
}

// checkSizes returns stmts, or an error if one is longer than D1 accepts.
func checkSizes(stmts []d1.Stmt) ([]d1.Stmt, error) {
	for i, s := range stmts {
		if len(s.SQL) > MaxStatementBytes {
			return nil, fmt.Errorf("statement %d is %d bytes, D1 accepts at most %d: %w", i, len(s.SQL), MaxStatementBytes, ErrStatementTooLarge)
		}
	}
	return stmts, nil
}
