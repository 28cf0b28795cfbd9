// Package importschema is the records Worker's schema code exported for the importer
// (infra/importer), which moves a Twenty PostgreSQL onto D1: the importer must create a
// workspace's tables with the very DDL the records Worker runs (no second schema writer) and store
// the objects' definitions the way the metadata store reads them. The records Worker's packages
// are internal; this package is the one seam, and adds no logic of its own beyond ordering the
// tables and creating the schema stamp.
package importschema

import (
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// The metadata types, as the records Worker keeps them (see package metadata).
type (
	// Object is an object: Twenty's object metadata.
	Object = metadata.Object
	// Field is a field of an object: Twenty's field metadata.
	Field = metadata.Field
	// Column is one SQL column of an object's table.
	Column = metadata.Column
	// Option is a choice of a SELECT, MULTI_SELECT or RATING field.
	Option = metadata.Option
	// Relation is the relation of a RELATION or MORPH_RELATION field.
	Relation = metadata.Relation
	// FieldType is a field's type (TEXT, FULL_NAME, RELATION, ...).
	FieldType = metadata.FieldType
	// RelationType is a relation's cardinality.
	RelationType = metadata.RelationType
	// OnDeleteAction is what a MANY_TO_ONE join column does when its target is destroyed.
	OnDeleteAction = metadata.OnDeleteAction
	// SQLType is a column's type in the STRICT table.
	SQLType = metadata.SQLType
	// ObjectField is a field of the object named Object.
	ObjectField = metadata.ObjectField
)

// The relation cardinalities and the column types the importer converts values to.
const (
	ManyToOne  = metadata.ManyToOne
	OneToMany  = metadata.OneToMany
	SQLText    = metadata.SQLText
	SQLInteger = metadata.SQLInteger
	SQLReal    = metadata.SQLReal
	SQLBlob    = metadata.SQLBlob
	// DateTimeLayout is how timestamps are stored (UTC, milliseconds); DateLayout is a DATE's.
	DateTimeLayout = metadata.DateTimeLayout
	DateLayout     = metadata.DateLayout
)

// StandardObjects returns Twenty's standard objects without ids.
func StandardObjects() []Object { return metadata.StandardObjects() }

// CustomObject returns a new custom object with Twenty's default fields.
func CustomObject(nameSingular, namePlural, labelSingular, labelPlural string) Object {
	return metadata.CustomObject(nameSingular, namePlural, labelSingular, labelPlural)
}

// CustomObjectLinks returns the MANY_TO_ONE fields standard objects get pointing at custom o.
func CustomObjectLinks(o Object) []ObjectField { return metadata.CustomObjectLinks(o) }

// ValidateSchema checks a workspace's objects as the metadata API does.
func ValidateSchema(objects []Object) error { return metadata.ValidateSchema(objects) }

// Columns returns the SQL columns of field f.
func Columns(f Field) []Column { return metadata.Columns(f) }

// TableName names the workspace's table of an object.
func TableName(workspaceID, object string) (string, error) { return ddl.TableName(workspaceID, object) }

// StampTable names the workspace's schema stamp table.
func StampTable(workspaceID string) (string, error) { return ddl.StampTable(workspaceID) }

// CreateTables returns the statements creating the tables of objects for a workspace that has
// none, with its schema stamp at version: ddl.CreateObject for each object, targets of relations
// first (SQLite accepts a foreign key to a later table, so a cycle only costs order).
func CreateTables(workspaceID string, version int64, objects []Object) ([]d1.Stmt, error) {
	if err := metadata.ValidateSchema(objects); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", workspaceID, err)
	}
	stamp, err := ddl.StampTable(workspaceID)
	if err != nil {
		return nil, err
	}
	set, err := ddl.SetStamp(workspaceID, version)
	if err != nil {
		return nil, err
	}
	stmts := []d1.Stmt{
		{SQL: `CREATE TABLE "` + stamp + `" ("version" INTEGER NOT NULL) STRICT`},
		{SQL: `INSERT INTO "` + stamp + `" ("version") VALUES (0)`},
		set,
	}
	for _, o := range dependencyOrder(objects) {
		s, err := ddl.CreateObject(workspaceID, o, objects)
		if err != nil {
			return nil, err
		}
		stmts = append(stmts, s...)
	}
	return stmts, nil
}

// Definition encodes o as the metadata store keeps it in object_metadata.definition.
func Definition(o Object) (string, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return "", fmt.Errorf("encode object %s: %w", o.NameSingular, err)
	}
	return string(b), nil
}

// dependencyOrder puts each object after the objects its MANY_TO_ONE relations point at.
func dependencyOrder(objects []Object) []Object {
	done := map[string]bool{}
	out := make([]Object, 0, len(objects))
	for len(out) < len(objects) {
		progressed := false
		for _, o := range objects {
			if done[o.NameSingular] || !ready(o, objects, done) {
				continue
			}
			done[o.NameSingular], progressed = true, true
			out = append(out, o)
		}
		if progressed {
			continue
		}
		for _, o := range objects { // a cycle: take the first remaining object
			if !done[o.NameSingular] {
				done[o.NameSingular] = true
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func ready(o Object, objects []Object, done map[string]bool) bool {
	for _, f := range o.Fields {
		if !f.IsManyToOne() {
			continue
		}
		t := f.Relation.TargetObjectNameSingular
		if t == o.NameSingular || done[t] {
			continue
		}
		for _, p := range objects {
			if p.NameSingular == t {
				return false
			}
		}
	}
	return true
}
