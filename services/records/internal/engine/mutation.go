package engine

import (
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// MaxMutationRecords is how many records one update, delete, destroy or restore may touch:
// Twenty refuses a mass mutation selecting more.
const MaxMutationRecords = 100

// Selection names the records a mutation touches: the one whose id is ID (a *QueryError with
// CodeRecordNotFound when no visible record has it), or those Filter selects (a non-empty filter;
// the mass mutations refuse an empty one).
type Selection struct {
	ID     string
	Filter *recordquery.Filter
}

// Shape is how the records a call answers are rendered: Depth 1 embeds the MANY_TO_ONE relations'
// records; Fields, when not nil, restricts the fields shown (REST fields=).
type Shape struct {
	Depth  int
	Fields []string
}

// Change is one record a mutation touched, what a record event carries: the record before and
// after (depth 0, every field; Before is nil on create, After nil on destroy) and, for an update,
// the fields whose values changed.
type Change struct {
	ID            string
	Before, After map[string]any
	UpdatedFields []string
}

// Mutation is what a mutation answers: the records as the client asked to see them (Shape), in
// the order they were selected, and the changes for the record events.
type Mutation struct {
	Records []map[string]any
	Changes []Change
	// Related are changes the mutation made to records of other objects (or other records of its
	// own), by object: a merge's moved relations.
	Related []ObjectChanges
}

// ObjectChanges are changes to records of Object.
type ObjectChanges struct {
	Object  metadata.Object
	Changes []Change
}
