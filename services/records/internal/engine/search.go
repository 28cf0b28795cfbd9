package engine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// MaxSearchLimit is the most results one search returns.
const MaxSearchLimit = 200

// SearchOptions are the arguments of Twenty's search query.
type SearchOptions struct {
	// Input is what the user typed. Every word must match the start of a word of the record's
	// searched fields (as Twenty's `word:* & word:*`), whatever its case and accents.
	Input string
	// Limit is the page size, 1 to MaxSearchLimit.
	Limit int
	// After is the endCursor of the page before, or "".
	After string
	// Included, if not empty, are the only objects searched; Excluded are never searched.
	Included, Excluded []string
	// IDs, if not nil, keep only records whose id is listed; NotIDs drop those listed.
	IDs, NotIDs []string
}

// SearchRecord is one result: Twenty's SearchRecordDTO.
type SearchRecord struct {
	RecordID           string
	ObjectNameSingular string
	Label              string
	ImageURL           string
	TsRankCD, TsRank   float64
	Cursor             string
}

// SearchPage is one page of results, best first.
type SearchPage struct {
	Records     []SearchRecord
	EndCursor   string
	HasNextPage bool
}

// searchCursor is the opaque cursor of a result: how many results precede the next one.
type searchCursor struct {
	Offset int `json:"offset"`
}

// Search runs Twenty's search over the workspace's searchable objects (all are its objects):
// one statement joining each object's FTS5 index to its table, live records only, ranked by
// bm25 (negated, so that higher is better as with Postgres' ts_rank). An object's index is created
// and built on first use (ddl.CreateSearch), then kept current by triggers on every write.
func (e *Engine) Search(ctx context.Context, db Batcher, workspaceID string, all []metadata.Object, opts SearchOptions) (*SearchPage, error) {
	if opts.Limit < 1 || opts.Limit > MaxSearchLimit {
		return nil, &QueryError{Code: CodeInvalidQueryInput, Message: fmt.Sprintf("limit must be between 1 and %d", MaxSearchLimit)}
	}
	offset := 0
	if opts.After != "" {
		var c searchCursor
		raw, err := base64.StdEncoding.DecodeString(opts.After)
		if err != nil || json.Unmarshal(raw, &c) != nil || c.Offset < 0 {
			return nil, &QueryError{Code: CodeInvalidCursor, Message: "Invalid cursor"}
		}
		offset = c.Offset
	}
	var specs []ddl.SearchSpec
	for _, o := range all {
		if !o.IsActive || len(opts.Included) > 0 && !slices.Contains(opts.Included, o.NameSingular) || slices.Contains(opts.Excluded, o.NameSingular) {
			continue
		}
		s, ok, err := ddl.Search(workspaceID, o)
		if err != nil {
			return nil, err
		}
		if ok {
			specs = append(specs, s)
		}
	}
	if len(specs) == 0 {
		return &SearchPage{}, nil
	}
	stmt := searchStmt(specs, matchExpr(opts.Input), opts, offset)
	res, err := db.Batch(ctx, stmt)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		if err = ensureSearch(ctx, db, specs); err == nil {
			res, err = db.Batch(ctx, stmt)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("engine: search: %w", err)
	}
	byName := map[string]ddl.SearchSpec{}
	for _, s := range specs {
		byName[s.Object] = s
	}
	page := &SearchPage{}
	rows := res[0].Rows
	page.HasNextPage = len(rows) > opts.Limit
	rows = rows[:min(len(rows), opts.Limit)]
	for i, r := range rows {
		obj, _ := r[0].(string)
		id, _ := r[1].(string)
		label, _ := r[2].(string)
		image, _ := r[3].(string)
		if byName[obj].DomainImage {
			image = logoURL(image)
		}
		rank := searchRank(r[4])
		page.Records = append(page.Records, SearchRecord{
			RecordID: id, ObjectNameSingular: obj, Label: label, ImageURL: image,
			TsRank: rank, TsRankCD: rank, Cursor: encodeSearchCursor(offset + i + 1),
		})
	}
	if n := len(page.Records); n > 0 {
		page.EndCursor = page.Records[n-1].Cursor
	}
	return page, nil
}

// searchStmt is the one statement of a search: a UNION ALL of one SELECT per object, ordered by
// rank then object and id, so that pages are stable. ?1 is the match expression ("" lists every
// live record, rank 0, as Twenty does for an empty input).
func searchStmt(specs []ddl.SearchSpec, match string, opts SearchOptions, offset int) d1.Stmt {
	var ids any // NULL: no id filter
	if opts.IDs != nil {
		raw, _ := json.Marshal(opts.IDs)
		ids = string(raw)
	}
	notIDs, _ := json.Marshal(append([]string{}, opts.NotIDs...))
	args := []any{match, opts.Limit + 1, offset, ids, string(notIDs)}
	const idFilter = ` AND (?4 IS NULL OR t."id" IN (SELECT value FROM json_each(?4))) AND t."id" NOT IN (SELECT value FROM json_each(?5))`
	parts := make([]string, len(specs))
	for i, s := range specs {
		label := make([]string, len(s.LabelParts))
		for k, c := range s.LabelParts {
			label[k] = `coalesce(t."` + c + `", '')`
		}
		image := "''"
		if s.ImageColumn != "" {
			image = `coalesce(t."` + s.ImageColumn + `", '')`
		}
		sel := fmt.Sprintf(`SELECT '%s' AS objectName, t."id" AS recordId, trim(%s) AS label, %s AS imageUrl, `, s.Object, strings.Join(label, " || ' ' || "), image)
		if match == "" {
			parts[i] = sel + fmt.Sprintf(`0.0 AS rank FROM "%s" t WHERE t."deletedAt" IS NULL`, s.Table) + idFilter
			continue
		}
		// FTS5's MATCH and bm25 name the table itself: an alias would not do.
		parts[i] = sel + fmt.Sprintf(`-bm25("%[1]s") AS rank FROM "%[1]s" JOIN "%[2]s" t ON t.rowid = "%[1]s".rowid WHERE "%[1]s" MATCH ?1 AND t."deletedAt" IS NULL`, s.FTS, s.Table) + idFilter
	}
	sql := strings.Join(parts, "\nUNION ALL\n") + "\nORDER BY rank DESC, objectName, recordId LIMIT ?2 OFFSET ?3"
	return d1.Stmt{SQL: sql, Args: args}
}

// matchExpr turns what the user typed into an FTS5 query: each word, letters and digits only, a
// quoted prefix term, all of them required. "" if there is no word.
func matchExpr(input string) string {
	words := strings.FieldsFunc(input, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	terms := make([]string, len(words))
	for i, w := range words {
		terms[i] = `"` + w + `"*`
	}
	return strings.Join(terms, " ")
}

// ensureSearch creates the search indexes among specs that do not exist yet, and builds them.
func ensureSearch(ctx context.Context, db Batcher, specs []ddl.SearchSpec) error {
	var names []any
	marks := make([]string, len(specs))
	for i, s := range specs {
		names = append(names, s.FTS)
		marks[i] = "?"
	}
	res, err := db.Batch(ctx, d1.Stmt{SQL: "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (" + strings.Join(marks, ", ") + ")", Args: names})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range res[0].Rows {
		n, _ := r[0].(string)
		have[n] = true
	}
	var stmts []d1.Stmt
	for _, s := range specs {
		if have[s.FTS] {
			continue
		}
		c, err := ddl.CreateSearch(s)
		if err != nil {
			return err
		}
		stmts = append(stmts, c...)
	}
	if len(stmts) == 0 {
		return nil
	}
	_, err = db.Batch(ctx, stmts...)
	return err
}

// logoURL is the logo Twenty shows for a company's domain (getLogoUrlFromDomainName).
func logoURL(domain string) string {
	host := domain
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimPrefix(host, "www.")
	if host == "" {
		return ""
	}
	return "https://twenty-icons.com/" + host
}

func encodeSearchCursor(offset int) string {
	raw, _ := json.Marshal(searchCursor{Offset: offset})
	return base64.StdEncoding.EncodeToString(raw)
}

// searchRank reads a numeric column: D1 gives whole numbers as int64.
func searchRank(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return 0
}
