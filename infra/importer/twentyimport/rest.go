package twentyimport

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TokenWorkspace answers the workspaceId claim of a Twenty access token or API key (read, not
// verified: the stack verifies it).
func TokenWorkspace(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", fmt.Errorf("the token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", fmt.Errorf("the token's payload: %w", err)
	}
	var c struct{ WorkspaceID string }
	if err := json.Unmarshal(payload, &c); err != nil || c.WorkspaceID == "" {
		return "", fmt.Errorf("the token names no workspace")
	}
	return c.WorkspaceID, nil
}

// VerifyREST asks a running stack (base, with a token of the imported workspace) the same REST
// questions the source answers, per object with a table: how many live records there are
// (totalCount against count(*) WHERE "deletedAt" IS NULL), how many soft-deleted ones (a filter on
// deletedAt, which Twenty answers with deleted records), and which records a filter on twenty
// ids finds.
func VerifyREST(ctx context.Context, src *Source, plans []WorkspacePlan, base, token string) (Results, error) {
	ws, err := TokenWorkspace(token)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) (int64, []string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+path, nil)
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, fmt.Errorf("GET %s: %w", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		if resp.StatusCode != http.StatusOK {
			return 0, nil, fmt.Errorf("GET %s = %d %.300s", path, resp.StatusCode, body)
		}
		var r struct {
			Data       map[string][]struct{ ID string }
			TotalCount int64
		}
		if err := json.Unmarshal(body, &r); err != nil {
			return 0, nil, fmt.Errorf("GET %s: %w", path, err)
		}
		var ids []string
		for _, recs := range r.Data {
			for _, x := range recs {
				ids = append(ids, x.ID)
			}
		}
		slices.Sort(ids)
		return r.TotalCount, ids, nil
	}
	var out Results
	for _, wp := range plans {
		if wp.Workspace.ID != ws {
			continue
		}
		for _, t := range wp.Tables {
			o := objectNamed(wp, t.Object)
			if t.Absent || o == "" {
				continue
			}
			from := t.Source.Sanitize()
			for _, q := range []struct {
				name, where, filter string
			}{
				{"live", `"deletedAt" IS NULL`, ""},
				{"soft-deleted", `"deletedAt" IS NOT NULL`, "&filter=" + url.QueryEscape("deletedAt[is]:NOT_NULL")},
			} {
				r := Result{Workspace: ws, Table: "rest " + o + " " + q.name}
				if err := src.conn.QueryRow(ctx, `SELECT count(*) FROM `+from+` WHERE `+q.where).Scan(&r.SourceRows); err != nil {
					return nil, err
				}
				if r.TargetRows, _, err = get("/rest/" + o + "?limit=1" + q.filter); err != nil {
					return nil, err
				}
				out = append(out, r)
			}
			rows, err := src.conn.Query(ctx, `SELECT id::text FROM `+from+` WHERE "deletedAt" IS NULL ORDER BY id LIMIT 20`)
			if err != nil {
				return nil, err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil || len(ids) == 0 {
				if err != nil {
					return nil, err
				}
				continue
			}
			r := Result{Workspace: ws, Table: "rest " + o + " by id", SourceRows: int64(len(ids)), SourceSum: idsSum(ids)}
			_, got, err := get("/rest/" + o + "?limit=60&filter=" + url.QueryEscape("id[in]:["+strings.Join(ids, ",")+"]"))
			if err != nil {
				return nil, err
			}
			r.TargetRows, r.TargetSum = int64(len(got)), idsSum(got)
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the token's workspace %s is not among the imported ones", ws)
	}
	return out, nil
}

func objectNamed(wp WorkspacePlan, nameSingular string) string {
	for _, o := range wp.Objects {
		if o.NameSingular == nameSingular {
			return o.NamePlural
		}
	}
	return ""
}

func idsSum(ids []string) string {
	h := sha256.Sum256([]byte(strings.Join(ids, ",")))
	return hex.EncodeToString(h[:])
}
