package engine

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCursor is a cursor for the golden cases: position 1, id bob.
var goldenCursor = recordquery.EncodeCursorFields([]recordquery.CursorField{
	{Key: "position", Value: 1}, {Key: "id", Value: bob},
})

// TestCompileGolden compares the SQL and arguments compiled for REST queries with
// testdata/<name>.golden. Run with -update to rewrite them.
func TestCompileGolden(t *testing.T) {
	tests := []struct {
		name, object, params string
	}{
		{"default", "person", ""},
		{"limit_clamped", "person", "limit=500"},
		{"filter_lte", "person", "filter=position[lte]:1"},
		{"filter_composite", "person", `filter=name.firstName[eq]:"Ada",emails.primaryEmail[is]:NULL`},
		{"filter_join_column_in", "person", `filter=companyId[in]:["` + acme + `","` + globex + `"]`},
		{"filter_and_or_not", "person", `filter=or(city[ilike]:"%lon%",not(jobTitle[startsWith]:"Eng"),and(position[gt]:0,position[lt]:3))`},
		{"filter_like_and_endswith", "person", `filter=jobTitle[like]:"50\%_*",city[endsWith]:"don"`},
		{"filter_empty_text", "person", `filter=city[eq]:"",jobTitle[neq]:""`},
		{"filter_deleted_at", "person", "filter=deletedAt[is]:NOT_NULL"},
		{"filter_relation", "person", `filter=company.name[eq]:"Acme"`},
		{"filter_contains_any", "pet", "filter=tags[containsAny]:[CUTE,OLD],species[in]:[DOG,CAT]"},
		{"filter_typed_values", "pet", "filter=vaccinated[eq]:true,born[gte]:2018-01-01,weight[neq]:4,createdAt[lt]:2024-01-01"},
		{"order_desc_nulls_last", "person", "order_by=position[DescNullsLast]"},
		{"order_composite", "person", "order_by=name.lastName[AscNullsLast],emails.primaryEmail[DescNullsFirst],id[DescNullsFirst]"},
		{"starting_after", "person", "order_by=position[DescNullsLast]&limit=2&starting_after=" + (goldenCursor)},
		{"ending_before", "person", "order_by=position[AscNullsLast]&limit=2&ending_before=" + (goldenCursor)},
		{"cursor_nullable_column", "person", "order_by=companyId[AscNullsLast]&starting_after=" + (recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "companyId", Value: acme}, {Key: "id", Value: bob}}))},
		{"cursor_null_value", "person", "order_by=companyId[AscNullsFirst]&starting_after=" + (recordquery.EncodeCursorFields([]recordquery.CursorField{{Key: "companyId", Value: nil}, {Key: "id", Value: bob}}))},
		{"fields", "person", "fields=name,city"},
		{"depth_1", "person", "depth=1&fields=name,company"},
		{"depth_1_opportunity", "opportunity", "depth=1&fields=name,company,pointOfContact,owner&limit=5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Compiler{Objects: objects()}
			page, count, err := c.FindMany(wsA, object(t, tt.object), parse(t, tt.params))
			if err != nil {
				t.Fatalf("FindMany(%s, %q): %v", tt.object, tt.params, err)
			}
			got := fmt.Sprintf("# %s %s\n\n-- page\n%s\n-- count\n%s", tt.object, tt.params, renderStmt(page), renderStmt(count))
			path := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(got, string(want)); diff != "" {
				t.Errorf("%s mismatch (-got +want):\n%s", path, diff)
			}
		})
	}
}

// renderStmt writes a statement for a golden file: its SQL, broken before its main clauses for
// reading, then one line per argument with its Go type.
func renderStmt(s d1.Stmt) string {
	var b strings.Builder
	b.WriteString(breakClauses(s.SQL) + "\n")
	for i, a := range s.Args {
		fmt.Fprintf(&b, "  arg %d: %T %v\n", i+1, a, a)
	}
	return b.String()
}

// breakClauses puts the top-level clauses of sql on lines of their own.
func breakClauses(sql string) string {
	var b strings.Builder
	depth, quoted := 0, byte(0)
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case quoted != 0:
			if c == quoted {
				quoted = 0
			}
		case c == '"' || c == '\'':
			quoted = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ' ' && depth == 0:
			for _, kw := range []string{"FROM ", "LEFT JOIN ", "WHERE ", "ORDER BY ", "LIMIT "} {
				if strings.HasPrefix(sql[i+1:], kw) {
					c = '\n'
					break
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}
