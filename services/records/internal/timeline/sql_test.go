package timeline

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// shard returns a database with the workspace's standard tables, a member, a person, a company
// and a note attached to the person.
func shard(t *testing.T) *d1.DB {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	stmts, err := ddl.InitWorkspace(ws, 1)
	if err != nil {
		t.Fatal(err)
	}
	table := func(o string) string { n, _ := ddl.TableName(ws, o); return `"` + n + `"` }
	stmts = append(stmts,
		d1.Stmt{SQL: `INSERT INTO ` + table("workspaceMember") + ` (id, "userId") VALUES (?, ?)`, Args: []any{member, user}},
		d1.Stmt{SQL: `INSERT INTO ` + table("person") + ` (id) VALUES (?)`, Args: []any{person}},
		d1.Stmt{SQL: `INSERT INTO ` + table("company") + ` (id) VALUES (?)`, Args: []any{company}},
		d1.Stmt{SQL: `INSERT INTO ` + table("note") + ` (id, title) VALUES (?, 'Call notes')`, Args: []any{note}},
		d1.Stmt{SQL: `INSERT INTO ` + table("noteTarget") + ` (id, "noteId", "personId") VALUES (?, ?, ?)`, Args: []any{junct, note, person}},
	)
	if _, err := db.Batch(context.Background(), stmts...); err != nil {
		t.Fatal(err)
	}
	return db
}

// write runs a batch through a plan on db as the records Worker does: one batch of reads, one of
// writes. It returns the rows the writes changed.
func write(t *testing.T, db *d1.DB, b *jobsv1.DatabaseEventBatch) int64 {
	t.Helper()
	p, err := NewPlan(b, standard(), time.Now())
	if err != nil || p == nil {
		t.Fatalf("NewPlan = %v, %v", p, err)
	}
	reads, err := p.Reads()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Batch(t.Context(), reads...)
	if err != nil {
		t.Fatalf("reads: %v", err)
	}
	l, err := p.Lookups(res)
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := p.Build(l).Stmts(ws)
	if err != nil {
		t.Fatal(err)
	}
	res, err = db.Batch(t.Context(), stmts...)
	if err != nil {
		t.Fatalf("writes: %v", err)
	}
	var n int64
	for _, r := range res {
		n += r.Changes
	}
	return n
}

type row struct {
	Name, Target, Member, Linked, Cached, Properties string
}

// timelineRows lists the workspace's activities by creation, then name.
func timelineRows(t *testing.T, db *d1.DB) []row {
	t.Helper()
	table, _ := ddl.TableName(ws, Object)
	rows, err := db.Query(`SELECT name, coalesce("targetPersonId", "targetCompanyId", "targetNoteId", ''), coalesce("workspaceMemberId", ''),
		coalesce("linkedRecordId", ''), coalesce("linkedRecordCachedName", ''), properties FROM "` + table + `" ORDER BY "createdAt", name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.Name, &r.Target, &r.Member, &r.Linked, &r.Cached, &r.Properties); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func at2(b *jobsv1.DatabaseEventBatch, date, id string) *jobsv1.DatabaseEventBatch {
	b.EventDate = date
	for _, e := range b.Events {
		e.Id = id
	}
	return b
}

func TestWriteOnSQLite(t *testing.T) {
	db := shard(t)
	created := batch("person", "created", ev(person, nil, rec("id", person)))
	if n := write(t, db, created); n != 1 {
		t.Errorf("person.created wrote %d rows, want 1", n)
	}
	if n := write(t, db, created); n != 0 {
		t.Errorf("person.created again wrote %d rows, want 0", n)
	}
	update := func(from, to, date, id string) *jobsv1.DatabaseEventBatch {
		return at2(batch("person", "updated", ev(person, rec("id", person, "city", from), rec("id", person, "city", to))), date, id)
	}
	first := update("", "A", "2026-12-06T10:01:00.000Z", "e1")
	second := update("A", "B", "2026-12-06T10:02:00.000Z", "e2")
	third := update("B", "C", "2026-12-06T10:20:00.000Z", "e3")
	// e1 makes the activity, e2 goes into it, e1 again finds its own row, e2 again rewrites the
	// same diff, e3 (18 minutes later) makes a new one, and e2 again still finds the first.
	for _, step := range []struct {
		b    *jobsv1.DatabaseEventBatch
		want int64
	}{{first, 1}, {second, 1}, {first, 0}, {second, 1}, {third, 1}, {second, 1}} {
		if n := write(t, db, step.b); n != step.want {
			t.Errorf("%s %s wrote %d rows, want %d", step.b.GetName(), step.b.GetEvents()[0].GetId(), n, step.want)
		}
	}
	// The user's member stands in for an event without one (an API key's).
	linkedBatch := at2(batch("noteTarget", "created", ev(junct, nil, rec("id", junct, "noteId", note, "personId", person))), "2026-12-06T10:21:00.000Z", "e4")
	linkedBatch.Events[0].WorkspaceMemberId, linkedBatch.Events[0].UserId = "", user
	write(t, db, linkedBatch)
	// A record destroyed since its event has no timeline to write to.
	gone := at2(batch("company", "created", ev(other, nil, rec("id", other))), "2026-12-06T10:22:00.000Z", "e5")
	if n := write(t, db, gone); n != 0 {
		t.Errorf("company.created of a destroyed company wrote %d rows, want 0", n)
	}
	want := []row{
		{Name: "person.created", Target: person, Member: member, Properties: `{}`},
		{Name: "person.updated", Target: person, Member: member, Properties: `{"diff":{"city":{"after":"B","before":""}}}`},
		{Name: "person.updated", Target: person, Member: member, Properties: `{"diff":{"city":{"after":"C","before":"B"}}}`},
		{Name: "linked-note.created", Target: person, Member: member, Linked: note, Cached: "Call notes", Properties: `{}`},
	}
	if diff := cmp.Diff(want, timelineRows(t, db)); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
	for _, r := range timelineRows(t, db) {
		if !json.Valid([]byte(r.Properties)) {
			t.Errorf("properties %q are not JSON", r.Properties)
		}
	}
}

func TestReadsOfALargeBatch(t *testing.T) {
	db := shard(t)
	var events []*jobsv1.DatabaseEvent
	for range 150 {
		e := ev(person, rec("id", person, "city", "A"), rec("id", person, "city", "B"))
		e.UserId = user
		events = append(events, e)
	}
	p, err := NewPlan(batch("person", "updated", events...), standard(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	reads, err := p.Reads()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Batch(t.Context(), reads...); err != nil {
		t.Fatalf("reads of 150 events: %v", err)
	}
}

// TestReadsOnlyWhatAMergeNeeds: a batch creating records of a plain object reads nothing (one
// round trip: the writes); updates, deletes and notes' junctions read the recent activities.
func TestReadsOnlyWhatAMergeNeeds(t *testing.T) {
	after := rec("id", person, "city", "Oslo")
	moved := rec("id", person, "city", "Rome")
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		reads int
	}{
		{"person created", batch("person", "created", ev(person, nil, after)), 0},
		{"person updated", batch("person", "updated", ev(person, after, moved)), 1},
		{"person deleted", batch("person", "deleted", ev(person, after, after)), 1},
		{"noteTarget created", batch("noteTarget", "created", ev(person, nil, rec("id", person, "noteId", note, "personId", person))), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(tt.batch, standard(), time.Now())
			if err != nil || p == nil {
				t.Fatalf("NewPlan = %v, %v", p, err)
			}
			reads, err := p.Reads()
			if err != nil {
				t.Fatal(err)
			}
			if len(reads) != tt.reads {
				t.Errorf("%d reads, want %d", len(reads), tt.reads)
			}
		})
	}
}
