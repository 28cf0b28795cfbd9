package engine

import (
	"sync"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// What the engine derives from an object's fields alone (the layout of its records, the
// subquery of its images, its columns) is the same on every call with the same fields, and a
// schema's objects do not change once built: a metadata change builds new ones. So it is worked
// out once per fields slice (objectLayout, objectImages, objectColumns) instead of on every call,
// which was a fifth of what a write allocated, and so of how often the Go collector ran.

// derivedKey identifies a fields slice by its array and length, and the table its images read.
type derivedKey struct {
	first *metadata.Field
	n     int
	table string
}

// derivedEntry is what was derived from one fields slice. It holds the slice, so that its array
// cannot be freed, and its address given to another slice, while the entry exists.
type derivedEntry struct {
	fields  []metadata.Field
	layout  layout
	images  string
	columns []metadata.Column
}

// maxDerived bounds the entries: an isolate serving many workspaces starts afresh past it.
const maxDerived = 512

var derivedCache = struct {
	mu sync.Mutex
	m  map[derivedKey]*derivedEntry
}{m: map[derivedKey]*derivedEntry{}}

// derivedOf returns the entry of fields (and table), making it with fill when there is none.
func derivedOf(fields []metadata.Field, table string, fill func(e *derivedEntry)) *derivedEntry {
	if len(fields) == 0 {
		e := &derivedEntry{}
		fill(e)
		return e
	}
	k := derivedKey{first: &fields[0], n: len(fields), table: table}
	derivedCache.mu.Lock()
	e, ok := derivedCache.m[k]
	derivedCache.mu.Unlock()
	if ok {
		return e
	}
	e = &derivedEntry{fields: fields}
	fill(e)
	derivedCache.mu.Lock()
	if len(derivedCache.m) >= maxDerived {
		derivedCache.m = map[derivedKey]*derivedEntry{}
	}
	derivedCache.m[k] = e
	derivedCache.mu.Unlock()
	return e
}

// objectLayout is layoutOf(fields) for the fields of a schema's object (all of them, or any
// slice of a schema that is not changed afterwards), made once.
func objectLayout(fields []metadata.Field) layout {
	return derivedOf(fields, "", func(e *derivedEntry) { e.layout = layoutOf(fields) }).layout
}

// objectImages is imagesSQL(table, obj), made once per table and fields.
func objectImages(table string, obj metadata.Object) string {
	return derivedOf(obj.Fields, table, func(e *derivedEntry) { e.images = imagesSQL(table, obj) }).images
}

// objectColumns is obj.Columns(), made once per fields: the caller must not change it.
func objectColumns(obj metadata.Object) []metadata.Column {
	return derivedOf(obj.Fields, "\x00columns", func(e *derivedEntry) { e.columns = obj.Columns() }).columns
}
