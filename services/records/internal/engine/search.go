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

// MaxSearchLimit is the most results one search returns (Twenty: "Limit cannot exceed 100 items").
const MaxSearchLimit = 100

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

// search runs Twenty's search over the workspace's searchable objects (all are its objects):
// one batch of one statement per object joining its FTS5 index to its table, live records only, ranked by
// bm25 (negated, so that higher is better as with Postgres' ts_rank). An object's index is created
// and built on first use (ddl.CreateSearch), then kept current by triggers on every write.
func (e *Engine) search(ctx context.Context, db Batcher, workspaceID string, all []metadata.Object, opts SearchOptions) (*SearchPage, error) {
	if opts.Limit < 1 || opts.Limit > MaxSearchLimit {
		return nil, &QueryError{Code: CodeInvalidQueryInput, Message: fmt.Sprintf("Limit must be between 1 and %d", MaxSearchLimit)}
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
		if !o.IsActive || o.IsRemote || len(opts.Included) > 0 && !slices.Contains(opts.Included, o.NameSingular) || slices.Contains(opts.Excluded, o.NameSingular) {
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
	stmts := searchStmts(specs, matchExpr(opts.Input), opts, offset)
	res, err := db.Batch(ctx, stmts...)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		if err = ensureSearch(ctx, db, specs); err == nil {
			res, err = db.Batch(ctx, stmts...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("engine: search: %w", err)
	}
	var hits []SearchRecord
	for i, r := range res {
		for _, row := range r.Rows {
			id, _ := row[0].(string)
			label, _ := row[1].(string)
			image, _ := row[2].(string)
			if specs[i].DomainImage {
				image = logoURL(image)
			}
			rank := searchRank(row[3])
			hits = append(hits, SearchRecord{RecordID: id, ObjectNameSingular: specs[i].Object, Label: label, ImageURL: image, TsRank: rank, TsRankCD: rank})
		}
	}
	slices.SortFunc(hits, func(a, b SearchRecord) int {
		if a.TsRank != b.TsRank {
			if a.TsRank > b.TsRank {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.ObjectNameSingular, b.ObjectNameSingular); c != 0 {
			return c
		}
		return strings.Compare(a.RecordID, b.RecordID)
	})
	hits = hits[min(offset, len(hits)):]
	page := &SearchPage{HasNextPage: len(hits) > opts.Limit}
	page.Records = hits[:min(len(hits), opts.Limit)]
	for i := range page.Records {
		page.Records[i].Cursor = encodeSearchCursor(offset + i + 1)
	}
	if n := len(page.Records); n > 0 {
		page.EndCursor = page.Records[n-1].Cursor
	}
	return page, nil
}

// searchStmts are the statements of a search, one per object: D1 refuses a compound SELECT of
// more than a few terms, so the objects' best offset+limit+1 records are merged here, by rank
// then object and id, so that pages are stable. ?1 is the match expression ("" lists every live
// record, rank 0, as Twenty does for an empty input).
func searchStmts(specs []ddl.SearchSpec, match string, opts SearchOptions, offset int) []d1.Stmt {
	var ids any // NULL: no id filter
	if opts.IDs != nil {
		raw, _ := json.Marshal(opts.IDs)
		ids = string(raw)
	}
	notIDs, _ := json.Marshal(append([]string{}, opts.NotIDs...))
	args := []any{match, offset + opts.Limit + 1, ids, string(notIDs)}
	const idFilter = ` AND (?3 IS NULL OR t."id" IN (SELECT value FROM json_each(?3))) AND t."id" NOT IN (SELECT value FROM json_each(?4))`
	stmts := make([]d1.Stmt, len(specs))
	for i, s := range specs {
		label := make([]string, len(s.LabelParts))
		for k, c := range s.LabelParts {
			label[k] = `coalesce(t."` + c + `", '')`
		}
		image := "''"
		if s.ImageColumn != "" {
			image = `coalesce(t."` + s.ImageColumn + `", '')`
		}
		sel := fmt.Sprintf(`SELECT t."id" AS recordId, trim(%s) AS label, %s AS imageUrl, `, strings.Join(label, " || ' ' || "), image)
		var sql string
		if match == "" {
			sql = sel + fmt.Sprintf(`0.0 AS rank FROM "%s" t WHERE ?1 = '' AND t."deletedAt" IS NULL`, s.Table)
		} else {
			// FTS5's MATCH and bm25 name the table itself: an alias would not do.
			sql = sel + fmt.Sprintf(`-bm25("%[1]s") AS rank FROM "%[1]s" JOIN "%[2]s" t ON t.rowid = "%[1]s".rowid WHERE "%[1]s" MATCH ?1 AND t."deletedAt" IS NULL`, s.FTS, s.Table)
		}
		stmts[i] = d1.Stmt{SQL: sql + idFilter + ` ORDER BY rank DESC, recordId LIMIT ?2`, Args: args}
	}
	return stmts
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
