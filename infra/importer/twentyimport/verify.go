package twentyimport

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Result is the verification of one table (or one control table).
type Result struct {
	Workspace, Table       string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
	// FKViolations counts the table's rows whose foreign keys point at no row.
	FKViolations int64
}

// OK reports whether the table arrived whole.
func (r Result) OK() bool {
	return r.SourceRows == r.TargetRows && r.SourceSum == r.TargetSum && r.FKViolations == 0
}

// Results are a verification's results.
type Results []Result

// Failures counts the tables that did not arrive whole.
func (rs Results) Failures() int {
	n := 0
	for _, r := range rs {
		if !r.OK() {
			n++
		}
	}
	return n
}

// Print writes the results as a table.
func (rs Results) Print(out io.Writer) {
	fmt.Fprintf(out, "%-34s %9s %9s %-14s %-14s %4s %s\n", "table", "source", "target", "source sum", "target sum", "fk", "result")
	for _, r := range rs {
		status := "ok"
		if !r.OK() {
			status = "MISMATCH"
		}
		fmt.Fprintf(out, "%-34s %9d %9d %-14s %-14s %4d %s\n", r.Table, r.SourceRows, r.TargetRows, short(r.SourceSum), short(r.TargetSum), r.FKViolations, status)
	}
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// Verify compares every copied table on both sides: row counts, a SHA-256 over the rows'
// canonicalised values in id order (each value read back from D1 against the value read from
// PostgreSQL through the same conversion), and SQLite's foreign-key check of the target table;
// and the control rows (users with their password hashes, API keys, objects, roles with their
// permissions and assignments: verifyRoles).
//
// With storage set, the files too: see verifyFiles.
func Verify(ctx context.Context, src *Source, tgt *Target, plans []WorkspacePlan, storage string) (Results, error) {
	var files FileSource
	if storage != "" {
		var err error
		if files, err = OpenFileSource(ctx, storage); err != nil {
			return nil, err
		}
	}
	return verify(ctx, src, tgt, plans, files)
}

// verify is Verify with the storage opened (nil: no files).
func verify(ctx context.Context, src *Source, tgt *Target, plans []WorkspacePlan, files FileSource) (Results, error) {
	var out Results
	core, err := src.ReadCore(ctx)
	if err != nil {
		return nil, err
	}
	for _, wp := range plans {
		w := wp.Workspace
		for _, t := range wp.Tables {
			if t.Absent {
				continue
			}
			r := Result{Workspace: w.ID, Table: t.Object}
			rows, err := src.conn.Query(ctx, `SELECT `+strings.Join(t.Exprs, ", ")+` FROM `+t.Source.Sanitize()+` ORDER BY "id"`)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", t.Source.Sanitize(), err)
			}
			h := sha256.New()
			for rows.Next() {
				vals, err := rows.Values()
				if err != nil {
					rows.Close()
					return nil, err
				}
				addRow(h, vals)
				r.SourceRows++
			}
			if err := rows.Err(); err != nil {
				return nil, err
			}
			r.SourceSum = hex.EncodeToString(h.Sum(nil))
			names := make([]string, len(t.Columns))
			for i, c := range t.Columns {
				names[i] = `"` + c.Name + `"`
			}
			r.TargetRows, r.TargetSum, err = sqliteSum(ctx, tgt.Shard, `SELECT `+strings.Join(names, ", ")+` FROM "`+t.Target+`" ORDER BY "id"`, len(names))
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", t.Target, err)
			}
			fk, err := tgt.Shard.QueryContext(ctx, `PRAGMA foreign_key_check("`+t.Target+`")`)
			if err != nil {
				return nil, err
			}
			for fk.Next() {
				r.FKViolations++
			}
			fk.Close()
			out = append(out, r)
		}
		ctl, err := verifyControl(ctx, src, tgt, w)
		if err != nil {
			return nil, err
		}
		out = append(out, ctl...)
		roles, err := verifyRoles(ctx, src, tgt, core, w, wp.Objects)
		if err != nil {
			return nil, err
		}
		out = append(out, roles...)
		if files != nil {
			r, ok, err := verifyFiles(ctx, src, tgt, w, files)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// verifyControl compares the workspace's users (ids, emails and bcrypt hashes), API keys and
// objects with the control database's rows.
func verifyControl(ctx context.Context, src *Source, tgt *Target, w Workspace) (Results, error) {
	checks := []struct {
		name, pg, lite string
		cols           int
	}{
		{"core.user", `SELECT u.id::text, lower(u.email), coalesce(u."passwordHash", '') FROM core."user" u JOIN core."userWorkspace" uw ON uw."userId" = u.id
WHERE uw."workspaceId" = $1 AND EXISTS (SELECT 1 FROM ` + pgx.Identifier{w.Schema, "workspaceMember"}.Sanitize() + ` m WHERE m."userId" = u.id) ORDER BY 1`,
			`SELECT u.id, lower(u.email), coalesce(u.password_hash, '') FROM users u JOIN user_workspaces uw ON uw.user_id = u.id WHERE uw.workspace_id = ? ORDER BY 1`, 3},
		{"core.apiKey", `SELECT id::text, name, ` + tsExpr(`"expiresAt"`) + ` FROM core."apiKey" WHERE "workspaceId" = $1 ORDER BY 1`,
			`SELECT id, name, expires_at FROM api_keys WHERE workspace_id = ? ORDER BY 1`, 3},
		{"core.objectMetadata", `SELECT id::text, "nameSingular" FROM core."objectMetadata" WHERE "workspaceId" = $1 AND NOT "isRemote" ORDER BY 1`,
			`SELECT id, name_singular FROM object_metadata WHERE workspace_id = ? ORDER BY 1`, 2},
	}
	var out Results
	for _, c := range checks {
		r := Result{Workspace: w.ID, Table: c.name}
		rows, err := src.conn.Query(ctx, c.pg, w.ID)
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", c.name, err)
		}
		h := sha256.New()
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				rows.Close()
				return nil, err
			}
			addRow(h, vals)
			r.SourceRows++
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		r.SourceSum = hex.EncodeToString(h.Sum(nil))
		if r.TargetRows, r.TargetSum, err = sqliteSum(ctx, tgt.Control, c.lite, c.cols, w.ID); err != nil {
			return nil, fmt.Errorf("verify %s: %w", c.name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func sqliteSum(ctx context.Context, db *sql.DB, query string, ncols int, args ...any) (int64, string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, ncols)
	ptrs := make([]any, ncols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		addRow(h, vals)
		n++
	}
	return n, hex.EncodeToString(h.Sum(nil)), rows.Err()
}

// addRow hashes a row's values in a canonical form: NULL, integers and doubles in their shortest
// decimal form, text as is, separated so that no two rows hash alike by shifting a boundary.
func addRow(h hash.Hash, vals []any) {
	for _, v := range vals {
		var s string
		switch x := v.(type) {
		case nil:
			s = "\x00"
		case int64:
			s = "i" + strconv.FormatInt(x, 10)
		case int32:
			s = "i" + strconv.FormatInt(int64(x), 10)
		case int:
			s = "i" + strconv.Itoa(x)
		case float64:
			s = "f" + strconv.FormatFloat(x, 'g', -1, 64)
		case string:
			s = "s" + x
		case []byte:
			s = "s" + string(x)
		default:
			s = fmt.Sprintf("?%v", x)
		}
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	h.Write([]byte{'\n'})
}
