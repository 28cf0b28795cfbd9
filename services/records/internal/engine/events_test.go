package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/twentyworkers/twenty/shared/d1"
)

// imageLog is an EventLog that keeps, in a table of the test database, the images each write's
// batch takes: a fake of the records Worker's outbox.
type imageLog struct {
	*d1.DB
	events []Events
}

const imagesTable = `CREATE TABLE IF NOT EXISTS "images" ("n" INTEGER, "object" TEXT, "action" TEXT, "kind" TEXT, "images" TEXT)`

func (l *imageLog) LogEvents(e Events) (before, after []d1.Stmt, err error) {
	n := int64(len(l.events))
	l.events = append(l.events, e)
	list := `["` + e.IDs[0] + `"`
	for _, id := range e.IDs[1:] {
		list += `,"` + id + `"`
	}
	list += "]"
	image := func(kind string) d1.Stmt {
		return d1.Stmt{SQL: `INSERT INTO "images" VALUES (?, ?, ?, ?, ` + e.Images + `)`, Args: []any{n, e.Object.NameSingular, e.Action, kind, list}}
	}
	before = []d1.Stmt{{SQL: imagesTable}}
	if e.Before {
		before = append(before, image("before"))
	}
	if e.After {
		after = append(after, image("after"))
	}
	return before, after, nil
}

// logged answers the changes the images of the n-th logged write describe, rendered as a
// Change is.
func (l *imageLog) logged(t *testing.T, n int) []Change {
	t.Helper()
	e := l.events[n]
	images := map[string]map[string]map[string]any{}
	rows, err := l.Query(`SELECT "kind", "images" FROM "images" WHERE "n" = ?`, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, js string
		if err := rows.Scan(&kind, &js); err != nil {
			t.Fatal(err)
		}
		if images[kind], err = RenderImages(e.Object, js); err != nil {
			t.Fatalf("RenderImages: %v", err)
		}
	}
	var out []Change
	for _, id := range e.IDs {
		c := Change{ID: id, Before: images["before"][id], After: images["after"][id]}
		if c.Before != nil && c.After != nil && (e.Action == ActionUpdated || e.Action == ActionUpserted) {
			c.UpdatedFields = UpdatedFields(c.Before, c.After)
		}
		out = append(out, c)
	}
	return out
}

// TestEventImagesAreTheChanges checks, for every kind of write, that the images the write's own
// batch takes for its events render as exactly the Changes the engine reports: the outbox's
// events say what the mutation did.
func TestEventImagesAreTheChanges(t *testing.T) {
	var e Engine
	person := object(t, "person")
	tests := []struct {
		name    string
		actions []string
		run     func(t *testing.T, db Batcher) (*Mutation, error)
	}{
		{"create", []string{ActionCreated}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.CreateManyWith(t.Context(), db, wsA, person, objects(), user,
				[]map[string]any{{"name": map[string]any{"firstName": "Eve"}, "city": "Oslo", "emails": map[string]any{"primaryEmail": "eve@x.dev"}}, {"jobTitle": "CTO"}}, CreateOptions{})
		}},
		{"upsert", []string{ActionUpserted}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.CreateManyWith(t.Context(), db, wsA, person, objects(), user,
				[]map[string]any{{"id": ada, "city": "Rome"}, {"city": "Nice"}}, CreateOptions{Upsert: true})
		}},
		{"update", []string{ActionUpdated}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.UpdateMany(t.Context(), db, wsA, person, objects(), user, Selection{ID: bob}, map[string]any{"city": "Lima", "name": map[string]any{"firstName": "Bobby"}}, Shape{Depth: 1})
		}},
		{"delete", []string{ActionDeleted}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.DeleteMany(t.Context(), db, wsA, person, objects(), Selection{ID: carla}, Shape{})
		}},
		{"destroy", []string{ActionDestroyed}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.DestroyMany(t.Context(), db, wsA, person, objects(), Selection{ID: dan}, Shape{})
		}},
		{"merge", []string{ActionUpdated, ActionDestroyed}, func(t *testing.T, db Batcher) (*Mutation, error) {
			return e.MergeMany(t.Context(), db, wsA, person, objects(), user, MergeOptions{IDs: []string{ada, bob}})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			seed(t, db, wsA)
			l := &imageLog{DB: db}
			m, err := tt.run(t, l)
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			var got []Change
			for i, ev := range l.events {
				if ev.Object.NameSingular == person.NameSingular {
					actions = append(actions, ev.Action)
					got = append(got, l.logged(t, i)...)
				}
			}
			if diff := cmp.Diff(tt.actions, actions); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			sortChanges := cmpopts.SortSlices(func(a, b Change) bool { return a.ID < b.ID })
			if diff := cmp.Diff(m.Changes, got, sortChanges, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("the logged images are not the changes (-changes +images):\n%s", diff)
			}
		})
	}
}

// TestRestoreLogsOnlyRestoredRecords: a restore's events are those of the records it restored.
func TestRestoreLogsOnlyRestoredRecords(t *testing.T) {
	var e Engine
	db := newDB(t, wsA)
	seed(t, db, wsA)
	company := object(t, "company")
	l := &imageLog{DB: db}
	m, err := e.RestoreMany(t.Context(), l, wsA, company, objects(), Selection{Filter: parse(t, "filter=name[in]:[\"Acme\",\"Gone\"]").Filter}, Shape{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.events) != 1 || l.events[0].Action != ActionRestored {
		t.Fatalf("logged %+v, want one restore", l.events)
	}
	if diff := cmp.Diff([]string{gone}, l.events[0].IDs); diff != "" {
		t.Errorf("restored ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(m.Changes, l.logged(t, 0), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("the logged images are not the changes (-changes +images):\n%s", diff)
	}
}
