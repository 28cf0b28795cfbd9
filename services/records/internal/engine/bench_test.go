package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// replay is a Batcher that answers every batch with the results it recorded from a real one: the
// compile and render costs of a query without SQLite's.
type replay struct {
	results []d1.Result
}

func (r replay) Batch(context.Context, ...d1.Stmt) ([]d1.Result, error) { return r.results, nil }

// recorder is a Batcher that runs batches on db and keeps their results.
type recorder struct {
	db      Batcher
	results []d1.Result
}

func (r *recorder) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	res, err := r.db.Batch(ctx, stmts...)
	r.results = res
	return res, err
}

// decodedObjects returns the objects as the records Worker has them: decoded from the JSON its
// schema cache (KV, the control database) keeps.
func decodedObjects(tb testing.TB) []metadata.Object {
	tb.Helper()
	b, err := json.Marshal(objects())
	if err != nil {
		tb.Fatal(err)
	}
	var out []metadata.Object
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// benchPeople seeds n people (half of them at a company) into a fresh database of workspace wsA.
func benchPeople(b *testing.B, n int) *d1.DB {
	b.Helper()
	db := newDB(b, wsA)
	seed(b, db, wsA)
	rows := make([]row, n)
	for i := range rows {
		rows[i] = row{
			"id": fmt.Sprintf("10000000-0000-4000-8000-%012d", i), "position": float64(10 + i),
			"nameFirstName": fmt.Sprintf("First%d", i), "nameLastName": fmt.Sprintf("Last%d", i),
			"city": "Paris", "emailsPrimaryEmail": fmt.Sprintf("p%d@example.com", i),
			"jobTitle": "Engineer", "createdAt": "2024-01-01T10:00:00.000Z",
		}
		if i%2 == 0 {
			rows[i]["companyId"] = acme
		}
	}
	insert(b, db, wsA, "person", rows...)
	return db
}

// BenchmarkFindManyPeople is the list of 20 people the GraphQL query
// people(first:20){edges{node{id name{firstName lastName} city emails{primaryEmail} position createdAt} cursor} …}
// runs (graphql: those fields, depth 0, Twenty's default ordering by id), and REST's default
// list (every field, depth 1). compile is the compilation alone; page is compile, the render of
// the 20 records and their cursors, on results recorded from SQLite; sqlite also runs the SQL.
func BenchmarkFindManyPeople(b *testing.B) {
	db := benchPeople(b, 40)
	all := decodedObjects(b)
	var person metadata.Object
	for _, o := range all {
		if o.NameSingular == "person" {
			person = o
		}
	}
	queries := []struct {
		name string
		q    recordquery.Query
	}{
		{"graphql", recordquery.Query{Limit: 20, Fields: []string{"id", "name", "city", "emails", "position", "createdAt"}}},
		{"rest", recordquery.Query{Limit: 20, Depth: 1}},
	}
	for _, qq := range queries {
		var e Engine
		rec := &recorder{db: db}
		page, err := e.FindMany(b.Context(), rec, wsA, person, all, &qq.q)
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Records) != 20 {
			b.Fatalf("%s: %d records, want 20", qq.name, len(page.Records))
		}
		b.Run(qq.name+"/compile", func(b *testing.B) {
			b.ReportAllocs()
			c := Compiler{Objects: all}
			for b.Loop() {
				if _, err := c.compile(wsA, person, &qq.q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(qq.name+"/page", func(b *testing.B) {
			b.ReportAllocs()
			r := replay{results: rec.results}
			for b.Loop() {
				if _, err := e.FindMany(b.Context(), r, wsA, person, all, &qq.q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(qq.name+"/sqlite", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.FindMany(b.Context(), db, wsA, person, all, &qq.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
