package gqlapi

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/engine"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// ws is the workspace of the tests.
const ws = "3b8e6458-5fc1-4e63-8563-008ccddaa6db"

// Record ids. Their order is not the order of the people's positions.
const (
	ada   = "00000000-0000-4000-8000-00000000000d" // position 0, at acme
	bob   = "00000000-0000-4000-8000-00000000000b" // position 1, at globex
	carla = "00000000-0000-4000-8000-00000000000a" // position 2, at the soft-deleted gone
	dan   = "00000000-0000-4000-8000-00000000000c" // position 3, no company

	acme   = "00000000-0000-4000-8000-0000000000c1"
	globex = "00000000-0000-4000-8000-0000000000c2"
	gone   = "00000000-0000-4000-8000-0000000000c3" // soft-deleted

	rex  = "00000000-0000-4000-8000-0000000000e1"
	tom  = "00000000-0000-4000-8000-0000000000e2"
	kiki = "00000000-0000-4000-8000-0000000000e3"

	member = "00000000-0000-4000-8000-0000000000f1"
)

// pet is a custom object with the field types the standard objects lack.
func pet() metadata.Object {
	o := metadata.CustomObject("pet", "pets", "Pet", "Pets")
	field := func(t metadata.FieldType, name string, opts ...string) metadata.Field {
		f := metadata.Field{Type: t, Name: name, Label: name, IsActive: true, IsNullable: true, IsCustom: true}
		for i, v := range opts {
			f.Options = append(f.Options, metadata.Option{Value: v, Label: strings.ToLower(v), Position: i})
		}
		return f
	}
	o.Fields = append(o.Fields,
		field(metadata.TypeMultiSelect, "tags", "CUTE", "LOUD", "OLD"),
		field(metadata.TypeArray, "nicknames"),
		field(metadata.TypeSelect, "species", "DOG", "CAT", "BIRD"),
		field(metadata.TypeBoolean, "vaccinated"),
		field(metadata.TypeNumber, "weight"),
		field(metadata.TypeDate, "born"),
		field(metadata.TypeRawJSON, "data"),
		field(metadata.TypeCurrency, "price"),
	)
	return o
}

// objects returns the standard objects with their links to pet (noteTarget.pet, …), and pet.
func objects() []metadata.Object {
	objs := metadata.StandardObjects()
	for _, l := range metadata.CustomObjectLinks(pet()) {
		for i := range objs {
			if objs[i].NameSingular == l.Object {
				objs[i].Fields = append(objs[i].Fields, l.Field)
			}
		}
	}
	return append(objs, pet())
}

// objectNamed returns the object of objs named name.
func objectNamed(objs []metadata.Object, name string) (metadata.Object, bool) {
	for _, o := range objs {
		if o.NameSingular == name {
			return o, true
		}
	}
	return metadata.Object{}, false
}

// countingDB is a database that counts the batches (round trips) sent to it.
type countingDB struct {
	db      *d1.DB
	mu      sync.Mutex
	batches int
	// sql holds the statements sent, in order.
	sql []string
}

func (c *countingDB) Batch(ctx context.Context, stmts ...d1.Stmt) ([]d1.Result, error) {
	c.mu.Lock()
	c.batches++
	for _, s := range stmts {
		c.sql = append(c.sql, s.SQL)
	}
	c.mu.Unlock()
	return c.db.Batch(ctx, stmts...)
}

// count returns the batches sent since the last call.
func (c *countingDB) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.batches
	c.batches, c.sql = 0, nil
	return n
}

// change is a mutation's report to Request.OnChange.
type change struct {
	Object string
	Action Action
	IDs    []string
}

// fixture is a workspace with the tables of objects() seeded with the test records, and its API.
type fixture struct {
	schema  *Schema
	db      *countingDB
	raw     *d1.DB
	mu      sync.Mutex
	changes []change
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	stmts, err := ddl.InitWorkspace(ws, 1)
	if err != nil {
		t.Fatal(err)
	}
	more, err := ddl.CreateObject(ws, pet(), objects())
	if err != nil {
		t.Fatal(err)
	}
	stmts = append(stmts, more...)
	for _, l := range metadata.CustomObjectLinks(pet()) {
		o, _ := objectNamed(metadata.StandardObjects(), l.Object)
		add, err := ddl.AddField(ws, o, l.Field)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, add...)
	}
	if _, err := db.Batch(t.Context(), stmts...); err != nil {
		t.Fatalf("create tables: %v", err)
	}
	seed(t, db)
	s, err := New(objects())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{schema: s, db: &countingDB{db: db}, raw: db}
}

// row is a row to insert: column names to values.
type row map[string]any

func insert(t testing.TB, db *d1.DB, object string, rows ...row) {
	t.Helper()
	table, err := ddl.TableName(ws, object)
	if err != nil {
		t.Fatal(err)
	}
	var stmts []d1.Stmt
	for _, r := range rows {
		var cols, marks []string
		var args []any
		for _, c := range slices.Sorted(maps.Keys(r)) {
			cols = append(cols, `"`+c+`"`)
			marks = append(marks, "?")
			args = append(args, r[c])
		}
		stmts = append(stmts, d1.Stmt{SQL: fmt.Sprintf(`INSERT INTO "%s" (%s) VALUES (%s)`, table, strings.Join(cols, ", "), strings.Join(marks, ", ")), Args: args})
	}
	if _, err := db.Batch(t.Context(), stmts...); err != nil {
		t.Fatalf("insert into %s: %v", object, err)
	}
}

// seed inserts companies acme, globex and the soft-deleted gone; people ada, bob, carla and dan
// at positions 0 to 3; pets rex, tom and kiki; and a workspace member.
func seed(t testing.TB, db *d1.DB) {
	t.Helper()
	insert(t, db, "workspaceMember", row{"id": member, "nameFirstName": "Tim", "nameLastName": "Apple", "userEmail": "tim@apple.dev",
		"userId": "00000000-0000-4000-8000-0000000000f2"})
	insert(t, db, "company",
		row{"id": acme, "name": "Acme", "domainNamePrimaryLinkUrl": "https://acme.com", "employees": 10.0, "position": 0.0,
			"annualRecurringRevenueAmountMicros": int64(5_000_000), "annualRecurringRevenueCurrencyCode": "USD",
			"idealCustomerProfile": true, "accountOwnerId": member, "createdAt": "2024-01-01T00:00:00.000Z"},
		row{"id": globex, "name": "Globex", "employees": 250.0, "position": 1.0, "createdAt": "2024-02-01T00:00:00.000Z"},
		row{"id": gone, "name": "Gone", "deletedAt": "2024-03-01T00:00:00.000Z", "createdAt": "2024-03-01T00:00:00.000Z"},
	)
	insert(t, db, "person",
		row{"id": ada, "position": 0.0, "nameFirstName": "Ada", "nameLastName": "Lovelace", "city": "London",
			"emailsPrimaryEmail": "ada@example.com", "emailsAdditionalEmails": `["ada2@example.com"]`,
			"jobTitle": "Engineer", "companyId": acme, "createdAt": "2024-01-01T10:00:00.000Z", "createdBySource": "API"},
		row{"id": bob, "position": 1.0, "nameFirstName": "Bob", "nameLastName": "Marley", "city": "Kingston",
			"emailsPrimaryEmail": "bob@example.com", "companyId": globex, "createdAt": "2024-01-02T10:00:00.000Z"},
		row{"id": carla, "position": 2.0, "nameFirstName": "Carla", "nameLastName": "Bruni", "city": nil,
			"createdAt": "2024-01-03T10:00:00.000Z", "companyId": gone},
		row{"id": dan, "position": 3.0, "nameFirstName": "Dan", "nameLastName": "O'Brien", "city": "london",
			"createdAt": "2024-01-04T10:00:00.000Z"},
	)
	insert(t, db, "pet",
		row{"id": rex, "name": "Rex", "position": 0.0, "tags": `["CUTE","LOUD"]`, "nicknames": `["Rexy"]`, "species": "DOG",
			"vaccinated": true, "weight": 30.5, "born": "2019-05-01", "data": `{"chip":1}`,
			"priceAmountMicros": int64(1_500_000), "priceCurrencyCode": "EUR"},
		row{"id": tom, "name": "Tom", "position": 1.0, "tags": `["OLD"]`, "species": "CAT", "vaccinated": false, "weight": 4.0, "born": "2015-01-01"},
		row{"id": kiki, "name": "Kiki", "position": 2.0, "species": "BIRD"},
	)
}

// actor is the actor of the tests' mutations.
var actor = engine.Actor{Source: "MANUAL", WorkspaceMemberID: member, Name: "Tim Apple"}

// exec runs a query and answers its response as JSON.
func (f *fixture) exec(t testing.TB, query string, vars map[string]any) *graphql.Response {
	t.Helper()
	return f.schema.Execute(t.Context(), Request{DB: f.db, WorkspaceID: ws, Actor: actor, OnChange: f.onChange},
		graphql.Request{Query: query, Variables: vars})
}

func (f *fixture) onChange(obj metadata.Object, action Action, changes []engine.Change) {
	c := change{Object: obj.NameSingular, Action: action}
	for _, ch := range changes {
		c.IDs = append(c.IDs, ch.ID)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changes = append(f.changes, c)
}

// takeChanges returns the changes reported since the last call.
func (f *fixture) takeChanges() []change {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.changes
	f.changes = nil
	return out
}

// jsonOf decodes the JSON encoding of v into plain values, for cmp.Diff.
func jsonOf(t testing.TB, v any) any {
	t.Helper()
	var b []byte
	switch v := v.(type) {
	case string:
		b = []byte(v)
	case *graphql.Response:
		var err error
		if b, err = v.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not JSON: %s: %v", b, err)
	}
	return out
}

// check runs query and compares its response with want, a JSON text.
// checkRoundTrips checks a query's answer and how many batches it sent to the database.
func (f *fixture) checkRoundTrips(t testing.TB, query, want string, batches int) {
	t.Helper()
	f.db.count()
	f.check(t, query, nil, want)
	if n := f.db.count(); n != batches {
		t.Errorf("round trips = %d, want %d", n, batches)
	}
}

func (f *fixture) check(t testing.TB, query string, vars map[string]any, want string) {
	t.Helper()
	got := f.exec(t, query, vars)
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, got)); diff != "" {
		b, _ := got.MarshalJSON()
		t.Errorf("query %s\n(-want +got):\n%s\ngot %s", query, diff, b)
	}
}
