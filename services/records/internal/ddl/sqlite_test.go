package ddl

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// The tests in this file run the generated statements on SQLite, as D1 would (foreign keys on).

// newWorkspace returns a database holding the standard tables of the given workspaces.
func newWorkspace(t *testing.T, workspaces ...string) *d1.DB {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	for _, ws := range workspaces {
		stmts, err := InitWorkspace(ws, 1)
		if err != nil {
			t.Fatalf("InitWorkspace(%s): %v", ws, err)
		}
		batch(t, db, stmts)
	}
	return db
}

func batch(t *testing.T, db *d1.DB, stmts []d1.Stmt) {
	t.Helper()
	if _, err := db.Batch(t.Context(), stmts...); err != nil {
		t.Fatalf("batch:\n%s\nerror: %v", render(stmts), err)
	}
}

// table returns the name of workspace wsA's table of object.
func table(t *testing.T, object string) string {
	t.Helper()
	name, err := TableName(wsA, object)
	if err != nil {
		t.Fatal(err)
	}
	return quoteIdent(name)
}

func exec(t *testing.T, db *d1.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// rows returns the rows of a query, each value nil, int64, float64 or string.
func rows(t *testing.T, db *d1.DB, query string, args ...any) [][]any {
	t.Helper()
	rs, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// columnNames returns the columns of a table, in order.
func columnNames(t *testing.T, db *d1.DB, tableName string) []string {
	t.Helper()
	var names []string
	for _, r := range rows(t, db, "SELECT name FROM pragma_table_info(?)", strings.Trim(tableName, `"`)) {
		names = append(names, r[0].(string))
	}
	return names
}

func TestInitWorkspaceIsolatesWorkspaces(t *testing.T) {
	db := newWorkspace(t, wsA, wsB)
	var tables []string
	for _, r := range rows(t, db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") {
		tables = append(tables, r[0].(string))
	}
	var want []string
	for _, ws := range []string{"202020201c254d02bf256aeccf7ea419", "3b8e64585fc14e638563008ccddaa6db"} {
		want = append(want, "ws_"+ws+"__schema")
		for _, o := range []string{"attachment", "company", "favorite", "note", "noteTarget", "opportunity", "person",
			"task", "taskTarget", "timelineActivity", "workflow", "workflowAutomatedTrigger", "workflowRun", "workflowVersion", "workspaceMember"} {
			want = append(want, "ws_"+ws+"_"+o)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(tables, want); diff != "" {
		t.Errorf("tables mismatch (-got +want):\n%s", diff)
	}

	exec(t, db, "INSERT INTO "+table(t, "company")+" (id, name) VALUES ('c1', 'Acme')")
	nameB, _ := TableName(wsB, "company")
	if got := rows(t, db, "SELECT count(*) FROM "+quoteIdent(nameB)); got[0][0] != int64(0) {
		t.Errorf("workspace B has %v companies, want 0", got[0][0])
	}

	// Initializing a workspace twice fails as a whole instead of mixing old and new tables.
	stmts, _ := InitWorkspace(wsA, 1)
	if _, err := db.Batch(t.Context(), stmts...); err == nil {
		t.Errorf("second InitWorkspace batch succeeded, want an error")
	}
	if got := rows(t, db, "SELECT name FROM "+table(t, "company")); len(got) != 1 {
		t.Errorf("companies after a failed second init = %v, want the one", got)
	}
}

func TestInsertUsesColumnDefaults(t *testing.T) {
	db := newWorkspace(t, wsA)
	exec(t, db, "INSERT INTO "+table(t, "person")+` ("nameFirstName", "emailsPrimaryEmail", "emailsAdditionalEmails", "phonesPrimaryPhoneNumber") VALUES ('Ada', 'ada@example.com', '["ada@work.example"]', '612345678')`)
	got := rows(t, db, `SELECT id, createdAt, updatedAt, deletedAt, nameFirstName, nameLastName, emailsPrimaryEmail, emailsAdditionalEmails,
		jobTitle, position, createdBySource, createdByName, createdByWorkspaceMemberId, createdByContext, companyId FROM `+table(t, "person"))
	if len(got) != 1 {
		t.Fatalf("got %d people, want 1", len(got))
	}
	r := got[0]
	id, _ := r[0].(string)
	if !ids.IsUUID(id) || id != strings.ToLower(id) || id[14] != '4' || !strings.ContainsRune("89ab", rune(id[19])) {
		t.Errorf("default id = %q, want a lower-case version 4 UUID", id)
	}
	for i, name := range []string{"createdAt", "updatedAt"} {
		s, _ := r[1+i].(string)
		at, err := time.Parse(metadata.DateTimeLayout, s)
		if err != nil || time.Since(at) > time.Minute || at.Format(metadata.DateTimeLayout) != s {
			t.Errorf("default %s = %q (%v), want now in %s", name, s, err, metadata.DateTimeLayout)
		}
	}
	want := []any{nil, "Ada", "", "ada@example.com", `["ada@work.example"]`, "", float64(0), "MANUAL", "System", nil, nil, nil}
	if diff := cmp.Diff(r[3:], want); diff != "" {
		t.Errorf("person row mismatch (-got +want):\n%s", diff)
	}

	exec(t, db, "INSERT INTO "+table(t, "opportunity")+` (id, "amountAmountMicros", "amountCurrencyCode") VALUES ('o1', 1500000000, 'EUR')`)
	got = rows(t, db, `SELECT stage, "amountAmountMicros", "amountCurrencyCode", "closeDate" FROM `+table(t, "opportunity"))
	if diff := cmp.Diff(got, [][]any{{"NEW", int64(1500000000), "EUR", nil}}); diff != "" {
		t.Errorf("opportunity mismatch (-got +want):\n%s", diff)
	}

	exec(t, db, "INSERT INTO "+table(t, "workspaceMember")+` (id, "userId") VALUES ('m1', 'u1')`)
	got = rows(t, db, `SELECT locale, "timeZone", "dateFormat", "calendarStartDay", "colorScheme" FROM `+table(t, "workspaceMember"))
	if diff := cmp.Diff(got, [][]any{{"en", "system", "SYSTEM", float64(7), "System"}}); diff != "" {
		t.Errorf("workspace member mismatch (-got +want):\n%s", diff)
	}
}

func TestForeignKeys(t *testing.T) {
	db := newWorkspace(t, wsA)
	batch(t, db, createRocket(t, wsA))
	ins := func(object, columns, values string) {
		t.Helper()
		exec(t, db, "INSERT INTO "+table(t, object)+" ("+columns+") VALUES ("+values+")")
	}
	ins("workspaceMember", `id, "userId"`, "'m1', 'u1'")
	ins("company", `id, "accountOwnerId"`, "'c1', 'm1'")
	ins("company", "id", "'c2'")
	ins("person", `id, "companyId"`, "'p1', 'c1'")
	ins("opportunity", `id, "companyId", "pointOfContactId", "ownerId"`, "'o1', 'c1', 'p1', 'm1'")
	ins("note", "id", "'n1'")
	ins("noteTarget", `id, "noteId", "personId"`, "'nt1', 'n1', 'p1'")
	ins("noteTarget", `id, "noteId", "companyId"`, "'nt2', 'n1', 'c1'")
	ins("attachment", `id, "companyId", "noteId"`, "'a1', 'c1', 'n1'")
	ins("favorite", `id, "companyId", "forWorkspaceMemberId"`, "'f1', 'c2', 'm1'")
	ins("timelineActivity", `id, "targetPersonId"`, "'t1', 'p1'")
	ins("rocket", `id, "manufacturerId"`, "'r1', 'c2'")
	ins("rocket", `id, "parentId"`, "'r2', 'r1'")

	fails := []struct{ name, query string }{
		{"unknown company", "INSERT INTO " + table(t, "person") + ` (id, "companyId") VALUES ('p9', 'nope')`},
		{"RESTRICT keeps a referenced company", "DELETE FROM " + table(t, "company") + " WHERE id = 'c2'"},
		{"unknown link target", "INSERT INTO " + table(t, "noteTarget") + ` (id, "rocketId") VALUES ('nt9', 'nope')`},
	}
	for _, f := range fails {
		if _, err := db.ExecContext(t.Context(), f.query); err == nil {
			t.Errorf("%s: %s succeeded, want a foreign key error", f.name, f.query)
		}
	}

	// Destroying company c1: people and opportunities keep their row with companyId NULL
	// (SET_NULL); its note targets and attachments go (CASCADE).
	exec(t, db, "DELETE FROM "+table(t, "company")+" WHERE id = 'c1'")
	check := func(query string, want [][]any) {
		t.Helper()
		if diff := cmp.Diff(rows(t, db, query), want); diff != "" {
			t.Errorf("%s mismatch (-got +want):\n%s", query, diff)
		}
	}
	check(`SELECT id, "companyId" FROM `+table(t, "person"), [][]any{{"p1", nil}})
	check(`SELECT id, "companyId", "pointOfContactId" FROM `+table(t, "opportunity"), [][]any{{"o1", nil, "p1"}})
	check(`SELECT id FROM `+table(t, "noteTarget"), [][]any{{"nt1"}})
	check(`SELECT id FROM `+table(t, "attachment"), nil)

	// Destroying person p1: SET_NULL on the opportunity, CASCADE on note targets and timeline.
	exec(t, db, "DELETE FROM "+table(t, "person")+" WHERE id = 'p1'")
	check(`SELECT id, "pointOfContactId" FROM `+table(t, "opportunity"), [][]any{{"o1", nil}})
	check(`SELECT id FROM `+table(t, "noteTarget"), nil)
	check(`SELECT id FROM `+table(t, "timelineActivity"), nil)

	// A self-relation cascades; the link column added by AddField is a real foreign key too.
	ins("noteTarget", `id, "rocketId"`, "'nt3', 'r2'")
	exec(t, db, "DELETE FROM "+table(t, "rocket")+" WHERE id = 'r1'")
	check(`SELECT id FROM `+table(t, "rocket"), nil)
	check(`SELECT id FROM `+table(t, "noteTarget"), nil)

	// Destroying the workspace member: CASCADE on favorites, SET_NULL on account owners.
	exec(t, db, "DELETE FROM "+table(t, "company")+" WHERE id = 'c2'")
	ins("company", `id, "accountOwnerId"`, "'c3', 'm1'")
	exec(t, db, "DELETE FROM "+table(t, "workspaceMember")+" WHERE id = 'm1'")
	check(`SELECT id, "accountOwnerId" FROM `+table(t, "company"), [][]any{{"c3", nil}})
	check(`SELECT id FROM `+table(t, "favorite"), nil)
	check(`SELECT id, "ownerId" FROM `+table(t, "opportunity"), [][]any{{"o1", nil}})
}

func TestConstraints(t *testing.T) {
	db := newWorkspace(t, wsA)
	batch(t, db, createRocket(t, wsA))
	tests := []struct {
		name   string
		object string
		column string
		value  any
		ok     bool
	}{
		{"select option", "opportunity", "stage", "MEETING", true},
		{"select value not an option", "opportunity", "stage", "WON", false},
		{"select value in lower case", "opportunity", "stage", "meeting", false},
		{"select NULL on NOT NULL column", "opportunity", "stage", nil, false},
		{"nullable select NULL", "task", "status", nil, true},
		{"rating", "rocket", "rating", "RATING_3", true},
		{"rating out of range", "rocket", "rating", "RATING_6", false},
		{"actor source", "person", "createdBySource", "API", true},
		{"actor source unknown", "person", "createdBySource", "ROBOT", false},
		{"boolean", "company", "idealCustomerProfile", true, true},
		{"boolean as 2", "company", "idealCustomerProfile", 2, false},
		{"raw json", "timelineActivity", "properties", `{"diff":{"city":{"before":"a","after":"b"}}}`, true},
		{"raw json NULL", "timelineActivity", "properties", nil, true},
		{"raw json malformed", "timelineActivity", "properties", `{"diff":`, false},
		{"composite json", "person", "emailsAdditionalEmails", `["a@b.c"]`, true},
		{"composite json malformed", "person", "emailsAdditionalEmails", `[a@b.c]`, false},
		{"multi-select array", "rocket", "payloads", `["CREW","CARGO"]`, true},
		{"multi-select not an array", "rocket", "payloads", `"CREW"`, false},
		{"multi-select malformed", "rocket", "payloads", `["CREW"`, false},
		{"array NULL", "rocket", "tags", nil, true},
		{"date time", "opportunity", "closeDate", "2024-06-05T09:00:16.106Z", true},
		{"date time without milliseconds", "opportunity", "closeDate", "2024-06-05T09:00:16Z", false},
		{"date time with offset", "opportunity", "closeDate", "2024-06-05T09:00:16.106+02:00", false},
		{"date time as SQLite writes it", "opportunity", "closeDate", "2024-06-05 09:00:16", false},
		{"date", "rocket", "launchDate", "2024-06-05", true},
		{"date with time", "rocket", "launchDate", "2024-06-05T00:00:00.000Z", false},
		{"number into REAL", "company", "employees", 12, true},
		{"text into REAL (STRICT)", "company", "employees", "many", false},
		{"micros into INTEGER", "opportunity", "amountAmountMicros", int64(1) << 52, true},
		{"fractional micros (STRICT)", "opportunity", "amountAmountMicros", 1.5, false},
		{"NOT NULL text", "workspaceMember", "locale", nil, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "row" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			cols, vals := `id, "`+tt.column+`"`, []any{id, tt.value}
			if tt.object == "workspaceMember" {
				cols += `, "userId"`
				vals = append(vals, "u")
			}
			query := "INSERT INTO " + table(t, tt.object) + " (" + cols + ") VALUES (?, ?" + strings.Repeat(", ?", len(vals)-2) + ")"
			_, err := db.ExecContext(t.Context(), query, vals...)
			if ok := err == nil; ok != tt.ok {
				t.Errorf("insert %s.%s = %#v: error %v, want ok %v", tt.object, tt.column, tt.value, err, tt.ok)
			}
		})
	}
}

func TestUniqueIndexes(t *testing.T) {
	db := newWorkspace(t, wsA)
	tests := []struct {
		name   string
		object string
		column string
		values []any // inserted in turn; the last one must fail if !ok
		ok     bool
	}{
		{"distinct emails", "person", "emailsPrimaryEmail", []any{"ada@example.com", "bob@example.com"}, true},
		{"same email", "person", "emailsPrimaryEmail", []any{"cy@example.com", "cy@example.com"}, false},
		{"no email is NULL, and repeats", "person", "emailsPrimaryEmail", []any{nil, nil}, true},
		{"no email is not the empty string", "person", "emailsPrimaryEmail", []any{""}, false},
		{"same domain", "company", "domainNamePrimaryLinkUrl", []any{"https://acme.example", "https://acme.example"}, false},
		{"same user email", "workspaceMember", "userEmail", []any{"tim@apple.dev", "tim@apple.dev"}, false},
	}
	n := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			for _, v := range tt.values {
				n++
				cols, vals := `id, "`+tt.column+`"`, "?, ?"
				if tt.object == "workspaceMember" {
					cols, vals = cols+`, "userId"`, vals+", 'u'"
				}
				_, err = db.ExecContext(t.Context(), "INSERT INTO "+table(t, tt.object)+" ("+cols+") VALUES ("+vals+")", fmt.Sprint("row", n), v)
				if err != nil {
					break
				}
			}
			if ok := err == nil; ok != tt.ok {
				t.Errorf("inserting %s.%s values %q: error %v, want ok %v", tt.object, tt.column, tt.values, err, tt.ok)
			}
		})
	}
	// Lookups by a unique value use its index.
	plan := rows(t, db, "EXPLAIN QUERY PLAN SELECT id FROM "+table(t, "person")+` WHERE "emailsPrimaryEmail" = 'ada@example.com'`)
	if detail := fmt.Sprint(plan); !strings.Contains(detail, "person__emails_key") {
		t.Errorf("query plan of a lookup by email = %s, want the unique index", detail)
	}
}

func TestAddFieldThenUseIt(t *testing.T) {
	db := newWorkspace(t, wsA)
	person := standard(t, "person")
	tbl := table(t, "person")
	exec(t, db, "INSERT INTO "+table(t, "company")+" (id) VALUES ('c1')")
	exec(t, db, "INSERT INTO "+tbl+" (id) VALUES ('before')")

	nickname := customField(metadata.TypeText, "nickname")
	nickname.DefaultValue = "'none'"
	met := customField(metadata.TypeDateTime, "metAt")
	met.DefaultValue = "now"
	employer := customField(metadata.TypeRelation, "employer")
	employer.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "company", TargetFieldName: "employees2"}
	tags := payloadsField()
	for _, f := range []metadata.Field{nickname, statusField(), met, employer, customField(metadata.TypeCurrency, "salary"), tags} {
		stmts, err := AddField(wsA, person, f)
		if err != nil {
			t.Fatalf("AddField(%s): %v", f.Name, err)
		}
		batch(t, db, stmts)
		person = withField(person, f)
	}

	if diff := cmp.Diff(columnNames(t, db, tbl), columnsOf(person)); diff != "" {
		t.Errorf("table columns mismatch with the metadata (-got +want):\n%s", diff)
	}
	exec(t, db, "INSERT INTO "+tbl+` (id, nickname, status, "employerId", "salaryAmountMicros", "salaryCurrencyCode", payloads)
		VALUES ('after', 'Ace', 'FUELING', 'c1', 90000000000, 'USD', '["CREW"]')`)
	got := rows(t, db, `SELECT id, nickname, status, "employerId", "salaryAmountMicros", "salaryCurrencyCode", payloads, "metAt" IS NOT NULL FROM `+tbl+" ORDER BY id")
	want := [][]any{
		{"after", "Ace", "FUELING", "c1", int64(90000000000), "USD", `["CREW"]`, int64(0)},
		{"before", "none", "IDLE", nil, nil, "", nil, int64(1)}, // metAt backfilled
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rows mismatch (-got +want):\n%s", diff)
	}
	if _, err := db.ExecContext(t.Context(), "UPDATE "+tbl+" SET status = 'NOPE'"); err == nil {
		t.Errorf("added SELECT column accepted a value not in its options")
	}
	// The added join column is a foreign key with its ON DELETE action.
	exec(t, db, "DELETE FROM "+table(t, "company")+" WHERE id = 'c1'")
	if got := rows(t, db, `SELECT "employerId" FROM `+tbl+" WHERE id = 'after'"); got[0][0] != nil {
		t.Errorf("employerId after deleting the company = %v, want NULL", got[0][0])
	}
}

// columnsOf lists the column names of o's metadata.
func columnsOf(o metadata.Object) []string {
	var names []string
	for _, c := range o.Columns() {
		names = append(names, c.Name)
	}
	return names
}

func TestDropFieldThenTableMatches(t *testing.T) {
	db := newWorkspace(t, wsA)
	person := standard(t, "person")
	tbl := table(t, "person")
	exec(t, db, "INSERT INTO "+table(t, "company")+" (id) VALUES ('c1')")
	exec(t, db, "INSERT INTO "+tbl+` (id, "companyId", "jobTitle", "emailsPrimaryEmail") VALUES ('p1', 'c1', 'CTO', 'a@b.c')`)
	for _, name := range []string{"company", "emails", "name", "position", "createdBy", "noteTargets", "searchVector"} {
		f := field(t, person, name)
		stmts, err := DropField(wsA, person, f)
		if err != nil {
			t.Fatalf("DropField(%s): %v", name, err)
		}
		batch(t, db, stmts)
		person.Fields = slices.DeleteFunc(slices.Clone(person.Fields), func(g metadata.Field) bool { return g.Name == name })
	}
	if diff := cmp.Diff(columnNames(t, db, tbl), columnsOf(person)); diff != "" {
		t.Errorf("table columns mismatch with the metadata (-got +want):\n%s", diff)
	}
	if got := rows(t, db, `SELECT id, "jobTitle" FROM `+tbl); !cmp.Equal(got, [][]any{{"p1", "CTO"}}) {
		t.Errorf("rows after dropping fields = %v", got)
	}
	// The company can be destroyed without touching people any more.
	exec(t, db, "DELETE FROM "+table(t, "company")+" WHERE id = 'c1'")
}

func TestDropObjectKeepsLinkedRows(t *testing.T) {
	db := newWorkspace(t, wsA)
	batch(t, db, createRocket(t, wsA))
	exec(t, db, "INSERT INTO "+table(t, "rocket")+" (id) VALUES ('r1')")
	exec(t, db, "INSERT INTO "+table(t, "note")+" (id) VALUES ('n1')")
	exec(t, db, "INSERT INTO "+table(t, "noteTarget")+` (id, "noteId", "rocketId") VALUES ('nt1', 'n1', 'r1')`)
	exec(t, db, "INSERT INTO "+table(t, "favorite")+` (id, "rocketId") VALUES ('f1', 'r1')`)

	schema := customSchema()
	stmts, err := DropObject(wsA, rocket(), schema)
	if err != nil {
		t.Fatal(err)
	}
	batch(t, db, stmts)

	if got := rows(t, db, "SELECT name FROM sqlite_schema WHERE name LIKE '%rocket%'"); len(got) != 0 {
		t.Errorf("schema objects left after DropObject: %v", got)
	}
	// The link columns went first, so dropping the table cascaded to nothing.
	if got := rows(t, db, `SELECT id, "noteId" FROM `+table(t, "noteTarget")); !cmp.Equal(got, [][]any{{"nt1", "n1"}}) {
		t.Errorf("note targets after DropObject = %v, want nt1 kept", got)
	}
	if got := rows(t, db, `SELECT id FROM `+table(t, "favorite")); !cmp.Equal(got, [][]any{{"f1"}}) {
		t.Errorf("favorites after DropObject = %v, want f1 kept", got)
	}
	if diff := cmp.Diff(columnNames(t, db, table(t, "noteTarget")), columnsOf(standard(t, "noteTarget"))); diff != "" {
		t.Errorf("noteTarget columns mismatch (-got +want):\n%s", diff)
	}
}

func TestUpdateFieldMigratesValues(t *testing.T) {
	db := newWorkspace(t, wsA)
	batch(t, db, createRocket(t, wsA))
	tbl := table(t, "rocket")
	exec(t, db, "INSERT INTO "+tbl+` (id, status, payloads) VALUES
		('r1', 'IDLE', '["SATELLITE","CREW"]'), ('r2', 'FUELING', '["CARGO"]'), ('r3', 'LAUNCHED', NULL)`)
	r := rocket()
	apply := func(from, to metadata.Field) {
		t.Helper()
		stmts, err := UpdateField(wsA, r, from, to)
		if err != nil {
			t.Fatalf("UpdateField(%s → %s): %v", from.Name, to.Name, err)
		}
		batch(t, db, stmts)
		i := slices.IndexFunc(r.Fields, func(f metadata.Field) bool { return f.Name == from.Name })
		r.Fields = slices.Clone(r.Fields)
		r.Fields[i] = to
	}

	// Rename the field, rename IDLE to READY (same option id), drop FUELING, add LOST.
	phase := statusField()
	phase.Name = "phase"
	phase.DefaultValue = "'READY'"
	phase.Options = []metadata.Option{
		{ID: "o1", Value: "READY", Label: "Ready"},
		{ID: "o3", Value: "LAUNCHED", Label: "Launched"},
		{ID: "o4", Value: "LOST", Label: "Lost"},
	}
	apply(statusField(), phase)
	// Rename SATELLITE to SAT, drop CREW.
	payloads := payloadsField()
	payloads.Options = []metadata.Option{{ID: "p1", Value: "SAT", Label: "Satellite"}, {ID: "p3", Value: "CARGO", Label: "Cargo"}}
	apply(payloadsField(), payloads)
	// Make thrust unique, then rename it.
	thrust, _ := r.Field("thrust")
	uniqueThrust := thrust
	uniqueThrust.IsUnique = true
	apply(thrust, uniqueThrust)
	power := uniqueThrust
	power.Name = "power"
	apply(uniqueThrust, power)

	// A rebuilt column moves to the end of the table; the engine names columns, so order is moot.
	if diff := cmp.Diff(columnNames(t, db, tbl), columnsOf(r), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("table columns mismatch with the metadata (-got +want):\n%s", diff)
	}
	got := rows(t, db, "SELECT id, phase, payloads FROM "+tbl+" ORDER BY id")
	want := [][]any{{"r1", "READY", `["SAT"]`}, {"r2", "READY", `["CARGO"]`}, {"r3", "LAUNCHED", nil}}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("rows mismatch (-got +want):\n%s", diff)
	}
	if _, err := db.ExecContext(t.Context(), "UPDATE "+tbl+" SET phase = 'FUELING' WHERE id = 'r1'"); err == nil {
		t.Errorf("a removed option was accepted")
	}
	exec(t, db, "UPDATE "+tbl+" SET phase = 'LOST', power = 1 WHERE id = 'r1'")
	if _, err := db.ExecContext(t.Context(), "UPDATE "+tbl+" SET power = 1 WHERE id = 'r2'"); err == nil {
		t.Errorf("a duplicate value of the unique field was accepted")
	}
	indexes := rows(t, db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE '%rocket__power%'")
	if diff := cmp.Diff(indexes, [][]any{{"ws_3b8e64585fc14e638563008ccddaa6db_rocket__power_key"}}); diff != "" {
		t.Errorf("indexes of the renamed field mismatch (-got +want):\n%s", diff)
	}
}

// TestStatementsBindNoParameters guards D1's 100-parameter limit: DDL binds none.
func TestStatementsBindNoParameters(t *testing.T) {
	stmts, err := InitWorkspace(wsA, 1)
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, createRocket(t, wsA)...)
	for _, s := range stmts {
		if len(s.Args) != 0 || len(s.SQL) > MaxStatementBytes {
			t.Errorf("statement with %d args, %d bytes: %.80s", len(s.Args), len(s.SQL), s.SQL)
		}
	}
}

// count is the number of rows of table.
func count(t *testing.T, db *d1.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSchemaStamp(t *testing.T) {
	db := newWorkspace(t, wsA, wsB)
	set, err := SetStamp(wsA, 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Batch(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	// The guard answers the stamp it expects; one that expects another fails its whole batch,
	// a write after it included.
	const member = "writes"
	if _, err := db.Exec(`CREATE TABLE "` + member + `" ("id" TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	insert := d1.Stmt{SQL: `INSERT INTO "` + member + `" ("id") VALUES (?)`, Args: []any{ids.NewUUID()}}
	tests := []struct {
		ws      string
		version int64
		want    []any // the guard's row; nil: the batch fails as stale
	}{
		{wsA, 7, []any{int64(7)}},
		{wsB, 1, []any{int64(1)}},
		{wsA, 1, nil},
		{wsB, 7, nil},
	}
	for _, tc := range tests {
		guard, err := GuardStamp(tc.ws, tc.version)
		if err != nil {
			t.Fatal(err)
		}
		before := count(t, db, member)
		res, err := db.Batch(context.Background(), guard, insert)
		switch {
		case tc.want == nil && !IsStaleStamp(err):
			t.Errorf("%s at %d: error %v, want the stale stamp's", tc.ws, tc.version, err)
		case tc.want == nil && count(t, db, member) != before:
			t.Errorf("%s at %d: the write after a failed guard was kept", tc.ws, tc.version)
		case tc.want != nil && err != nil:
			t.Errorf("%s at %d: %v", tc.ws, tc.version, err)
		case tc.want != nil:
			if diff := cmp.Diff([][]any{tc.want}, res[0].Rows); diff != "" {
				t.Errorf("%s at %d: guard (-want +got):\n%s", tc.ws, tc.version, diff)
			}
			insert.Args = []any{ids.NewUUID()}
		}
	}
	if _, err := StampTable("not-a-uuid"); err == nil {
		t.Error("StampTable accepted an invalid workspace id")
	}
}
