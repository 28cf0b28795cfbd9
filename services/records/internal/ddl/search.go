package ddl

import (
	"fmt"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Search index
//
// Twenty keeps a tsvector column (searchVector) per searchable object; D1 has none, so each
// searchable object gets an FTS5 table, <table>__search, an external-content index over the
// object table's searched columns (the table's rows are the content, its rowid the key, nothing
// is stored twice). Three triggers on the object table keep it current within the very statement
// that writes a record, so the index is always in the same D1 batch, and the same transaction, as
// the write, whatever engine path made it. The tokenizer (unicode61 remove_diacritics 2) folds
// case and accents. Soft-deleted rows stay indexed; the search query skips them by deletedAt.
//
// The index is created lazily (by the first search of a workspace, which also builds it from the
// rows already there, FTS5's 'rebuild'), so workspaces whose tables predate it need no migration.
// Schema changes that would break the triggers (dropping or renaming the object, dropping or
// changing a field) drop the index first ([DropSearch]); the next search creates it again.

// SearchSpec says what a search over object o reads: the FTS table, the object's table, the
// columns indexed, the columns forming a result's label and the one holding its image.
type SearchSpec struct {
	Object      string
	Table       string
	FTS         string
	Columns     []string
	LabelParts  []string
	ImageColumn string
	// DomainImage is set when ImageColumn holds a domain (a company's), whose logo is the image.
	DomainImage bool
}

// searchFields are the fields Twenty's searchVector covers for the standard objects
// (SEARCH_FIELDS_FOR_* in twenty-server); other objects search their label identifier field.
var searchFields = map[string][]string{
	"person":          {"name", "emails", "phones", "jobTitle"},
	"company":         {"name", "domainName"},
	"opportunity":     {"name"},
	"note":            {"title"},
	"task":            {"title"},
	"workspaceMember": {"name", "userEmail"},
	"dashboard":       {"title"},
	"workflow":        {"name"},
}

// fieldSearchColumns returns the columns of f that are searched: text itself, a full name's
// parts, the primary email, phone number or link.
func fieldSearchColumns(f metadata.Field) []string {
	switch f.Type {
	case metadata.TypeText:
		return []string{f.Name}
	case metadata.TypeFullName:
		return []string{f.Name + "FirstName", f.Name + "LastName"}
	case metadata.TypeEmails:
		return []string{f.Name + "PrimaryEmail"}
	case metadata.TypePhones:
		return []string{f.Name + "PrimaryPhoneNumber"}
	case metadata.TypeLinks:
		return []string{f.Name + "PrimaryLinkUrl"}
	}
	return nil
}

// Search returns the search spec of o, and false if o is not searchable (no TS_VECTOR field and
// not marked searchable, or nothing to index).
func Search(workspaceID string, o metadata.Object) (SearchSpec, bool, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return SearchSpec{}, false, err
	}
	searchable := o.IsSearchable
	for _, f := range o.Fields {
		if f.Type == metadata.TypeTSVector {
			searchable = true
		}
	}
	if !searchable {
		return SearchSpec{}, false, nil
	}
	names, ok := searchFields[o.NameSingular]
	if !ok || o.IsCustom {
		names = nil
		for _, f := range o.Fields {
			if f.ID != "" && f.ID == o.LabelIdentifier() || f.ID == "" && f.Name == "name" {
				names = append(names, f.Name)
			}
		}
	}
	s := SearchSpec{Object: o.NameSingular, Table: table, FTS: table + "__search"}
	for _, n := range names {
		f, ok := o.Field(n)
		if !ok || !f.IsActive && f.ID != "" {
			continue
		}
		cols := fieldSearchColumns(f)
		s.Columns = append(s.Columns, cols...)
		if len(s.LabelParts) == 0 {
			s.LabelParts = cols
		}
	}
	if len(s.Columns) == 0 {
		return SearchSpec{}, false, nil
	}
	switch o.NameSingular {
	case "person", "workspaceMember":
		if _, ok := o.Field("avatarUrl"); ok {
			s.ImageColumn = "avatarUrl"
		}
	case "company":
		if _, ok := o.Field("domainName"); ok {
			s.ImageColumn, s.DomainImage = "domainNamePrimaryLinkUrl", true
		}
	}
	return s, true, nil
}

// CreateSearch returns the statements that create s's FTS table and triggers if they do not
// exist, and (re)build the index from the table's rows. Run them in one batch.
func CreateSearch(s SearchSpec) ([]d1.Stmt, error) {
	fts, table := quoteIdent(s.FTS), quoteIdent(s.Table)
	quoted := make([]string, len(s.Columns))
	newVals, oldVals := make([]string, len(s.Columns)), make([]string, len(s.Columns))
	for i, c := range s.Columns {
		quoted[i] = quoteIdent(c)
		newVals[i] = "new." + quoteIdent(c)
		oldVals[i] = "old." + quoteIdent(c)
	}
	cols := strings.Join(quoted, ", ")
	insert := fmt.Sprintf("INSERT INTO %s(rowid, %s) VALUES (new.rowid, %s);", fts, cols, strings.Join(newVals, ", "))
	del := fmt.Sprintf("INSERT INTO %s(%s, rowid, %s) VALUES ('delete', old.rowid, %s);", fts, fts, cols, strings.Join(oldVals, ", "))
	stmts := []d1.Stmt{
		{SQL: fmt.Sprintf("CREATE VIRTUAL TABLE IF NOT EXISTS %s USING fts5(%s, content=%s, content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
			fts, cols, quoteString(s.Table))},
		{SQL: fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER INSERT ON %s BEGIN %s END", quoteIdent(s.FTS+"_ai"), table, insert)},
		{SQL: fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER DELETE ON %s BEGIN %s END", quoteIdent(s.FTS+"_ad"), table, del)},
		{SQL: fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER UPDATE OF %s ON %s BEGIN %s %s END",
			quoteIdent(s.FTS+"_au"), cols, table, del, insert)},
		{SQL: fmt.Sprintf("INSERT INTO %s(%s) VALUES ('rebuild')", fts, fts)},
	}
	return checkSizes(stmts)
}

// DropSearch returns the statements that drop object o's search index and its triggers, if
// there. Schema changes run them first: the triggers name the table's columns and the index.
func DropSearch(workspaceID string, o metadata.Object) ([]d1.Stmt, error) {
	table, err := TableName(workspaceID, o.NameSingular)
	if err != nil {
		return nil, err
	}
	fts := table + "__search"
	return []d1.Stmt{
		{SQL: "DROP TRIGGER IF EXISTS " + quoteIdent(fts+"_ai")},
		{SQL: "DROP TRIGGER IF EXISTS " + quoteIdent(fts+"_ad")},
		{SQL: "DROP TRIGGER IF EXISTS " + quoteIdent(fts+"_au")},
		{SQL: "DROP TABLE IF EXISTS " + quoteIdent(fts)},
	}, nil
}

// dropSearchFor returns DropSearch's statements if field f of o is one the search index reads
// (its triggers name the field's columns), else none.
func dropSearchFor(workspaceID string, o metadata.Object, f metadata.Field) ([]d1.Stmt, error) {
	s, ok, err := Search(workspaceID, o)
	if err != nil || !ok {
		return nil, err
	}
	for _, c := range fieldSearchColumns(f) {
		for _, sc := range s.Columns {
			if c == sc {
				return DropSearch(workspaceID, o)
			}
		}
	}
	return nil, nil
}
