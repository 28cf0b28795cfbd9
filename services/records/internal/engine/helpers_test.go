package engine

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
	"github.com/twentyworkers/twenty/shared/sqltest"
)

// The workspaces of the tests.
const (
	wsA = "3b8e6458-5fc1-4e63-8563-008ccddaa6db"
	wsB = "7d2f0c1e-9a4b-4c3d-8e5f-6a7b8c9d0e1f"
)

// Record ids. Their order is not the order of the people's positions, so that ordering by id and
// by position differ.
const (
	ada   = "00000000-0000-4000-8000-00000000000d" // position 0
	bob   = "00000000-0000-4000-8000-00000000000b" // position 1
	carla = "00000000-0000-4000-8000-00000000000a" // position 2
	dan   = "00000000-0000-4000-8000-00000000000c" // position 3

	acme   = "00000000-0000-4000-8000-0000000000c1"
	globex = "00000000-0000-4000-8000-0000000000c2"
	gone   = "00000000-0000-4000-8000-0000000000c3" // soft-deleted

	rex  = "00000000-0000-4000-8000-0000000000e1"
	tom  = "00000000-0000-4000-8000-0000000000e2"
	kiki = "00000000-0000-4000-8000-0000000000e3"
)

// pet is a custom object with the field types the standard objects lack.
func pet() metadata.Object {
	o := metadata.CustomObject("pet", "pets", "Pet", "Pets")
	field := func(t metadata.FieldType, name string, opts ...string) metadata.Field {
		f := metadata.Field{Type: t, Name: name, Label: name, IsActive: true, IsNullable: true, IsCustom: true}
		for i, v := range opts {
			f.Options = append(f.Options, metadata.Option{Value: v, Label: v, Position: i})
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

// objects returns the standard objects and pet.
func objects() []metadata.Object {
	return append(metadata.StandardObjects(), pet())
}

// object returns the object named name.
func object(t testing.TB, name string) metadata.Object {
	t.Helper()
	for _, o := range objects() {
		if o.NameSingular == name {
			return o
		}
	}
	t.Fatalf("no object %q", name)
	return metadata.Object{}
}

// newDB returns a database holding the tables of the given workspaces.
func newDB(t testing.TB, workspaces ...string) *d1.DB {
	t.Helper()
	db := sqltest.OpenEmpty(t)
	limitLikeD1(t, db)
	for _, ws := range workspaces {
		stmts, err := ddl.InitWorkspace(ws, 1)
		if err != nil {
			t.Fatalf("InitWorkspace(%s): %v", ws, err)
		}
		p := pet()
		more, err := ddl.CreateObject(ws, p, objects())
		if err != nil {
			t.Fatalf("CreateObject(pet): %v", err)
		}
		if _, err := db.Batch(t.Context(), append(stmts, more...)...); err != nil {
			t.Fatalf("create tables of %s: %v", ws, err)
		}
	}
	return db
}

// row is a row to insert: column names to values.
type row map[string]any

// insert inserts rows into the table of object in workspace ws.
func insert(t testing.TB, db *d1.DB, ws, object string, rows ...row) {
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
			cols = append(cols, quoteIdent(c))
			marks = append(marks, "?")
			args = append(args, r[c])
		}
		stmts = append(stmts, d1.Stmt{
			SQL:  fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quoteIdent(table), strings.Join(cols, ", "), strings.Join(marks, ", ")),
			Args: args,
		})
	}
	if _, err := db.Batch(t.Context(), stmts...); err != nil {
		t.Fatalf("insert into %s: %v", object, err)
	}
}

// seed inserts the test records into workspace ws: companies acme, globex and the soft-deleted
// gone; people ada, bob, carla and dan at positions 0 to 3; pets rex, tom and kiki.
func seed(t testing.TB, db *d1.DB, ws string) {
	t.Helper()
	insert(t, db, ws, "company",
		row{"id": acme, "name": "Acme", "domainNamePrimaryLinkUrl": "https://acme.com/", "employees": 10.0,
			"annualRecurringRevenueAmountMicros": int64(5_000_000), "annualRecurringRevenueCurrencyCode": "USD",
			"idealCustomerProfile": true, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-05T00:00:00.000Z"},
		row{"id": globex, "name": "Globex", "employees": 250.0, "createdAt": "2024-02-01T00:00:00.000Z"},
		row{"id": gone, "name": "Gone", "deletedAt": "2024-03-01T00:00:00.000Z", "createdAt": "2024-03-01T00:00:00.000Z"},
	)
	insert(t, db, ws, "person",
		row{"id": ada, "position": 0.0, "nameFirstName": "Ada", "nameLastName": "Lovelace", "city": "London",
			"emailsPrimaryEmail": "ada@example.com", "emailsAdditionalEmails": `["ada2@example.com"]`,
			"jobTitle": "Engineer", "companyId": acme, "createdAt": "2024-01-01T10:00:00.000Z",
			"updatedAt": "2024-01-06T00:00:00.000Z", "createdBySource": "API"},
		row{"id": bob, "position": 1.0, "nameFirstName": "Bob", "nameLastName": "Marley", "city": "Kingston",
			"emailsPrimaryEmail": "bob@example.com", "companyId": globex, "createdAt": "2024-01-02T10:00:00.000Z"},
		row{"id": carla, "position": 2.0, "nameFirstName": "Carla", "nameLastName": "Bruni", "city": nil,
			"createdAt": "2024-01-03T10:00:00.000Z", "companyId": gone},
		row{"id": dan, "position": 3.0, "nameFirstName": "Dan", "nameLastName": "O'Brien", "city": "london",
			"jobTitle": "50% off_sale", "createdAt": "2024-01-04T10:00:00.000Z"},
	)
	insert(t, db, ws, "pet",
		row{"id": rex, "name": "Rex", "tags": `["CUTE","LOUD"]`, "nicknames": `["Rexy"]`, "species": "DOG",
			"vaccinated": true, "weight": 30.5, "born": "2019-05-01", "data": `{"chip":1}`,
			"priceAmountMicros": int64(1_500_000), "priceCurrencyCode": "EUR"},
		row{"id": tom, "name": "Tom", "tags": `["OLD"]`, "species": "CAT", "vaccinated": false, "weight": 4.0, "born": "2015-01-01"},
		row{"id": kiki, "name": "Kiki", "species": "BIRD", "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"},
	)
}

// parse parses REST query parameters into a query. params is key=value pairs joined by &, the
// values as the server receives them after URL decoding (so that filters read as written).
func parse(t testing.TB, params string) *recordquery.Query {
	t.Helper()
	values := url.Values{}
	if params != "" {
		for _, kv := range strings.Split(params, "&") {
			k, v, _ := strings.Cut(kv, "=")
			values.Add(k, v)
		}
	}
	q, err := restquery.Parse(values)
	if err != nil {
		t.Fatalf("restquery.Parse(%q): %v", params, err)
	}
	return q
}

// ids returns the ids of records.
func idsOf(records []map[string]any) []string {
	out := []string{}
	for _, r := range records {
		id, _ := r["id"].(string)
		out = append(out, id)
	}
	return out
}
