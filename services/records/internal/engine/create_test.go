package engine

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Ids of the records the create tests make.
const (
	p1     = "00000000-0000-4000-8000-0000000000f1"
	p2     = "00000000-0000-4000-8000-0000000000f2"
	c1     = "00000000-0000-4000-8000-0000000000f3"
	member = "00000000-0000-4000-8000-0000000000f4"
)

var (
	apiKey = Actor{Source: "API", Name: "Zapier key"}
	user   = Actor{Source: "MANUAL", WorkspaceMemberID: member, Name: "Tim Apple"}
)

// create runs CreateMany on the object named name in workspace ws.
func create(t testing.TB, db *d1.DB, ws, name string, actor Actor, inputs ...map[string]any) ([]map[string]any, error) {
	t.Helper()
	var e Engine
	return e.CreateMany(t.Context(), db, ws, object(t, name), objects(), actor, inputs)
}

// mustCreate is create, failing the test on an error.
func mustCreate(t testing.TB, db *d1.DB, ws, object string, actor Actor, inputs ...map[string]any) []map[string]any {
	t.Helper()
	out, err := create(t, db, ws, object, actor, inputs...)
	if err != nil {
		t.Fatalf("CreateMany(%s): %v", object, err)
	}
	return out
}

// pick returns the values of rec at the given dotted paths.
func pick(rec map[string]any, paths ...string) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		var v any = rec
		for _, seg := range strings.Split(p, ".") {
			m, _ := v.(map[string]any)
			v = m[seg]
		}
		out[p] = v
	}
	return out
}

// TestCreateRecord checks a whole created person: Twenty's defaults ("" for text, empty
// composites), the actor, the timestamps and the first position.
func TestCreateRecord(t *testing.T) {
	db := newDB(t, wsA)
	before := time.Now().UTC().Add(-time.Second)
	got := mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1, "city": "X", "name": map[string]any{"firstName": "Ada"}})
	if len(got) != 1 {
		t.Fatalf("got %d records, want 1", len(got))
	}
	rec := got[0]
	for _, k := range []string{"createdAt", "updatedAt"} {
		s, _ := rec[k].(string)
		ts, err := time.Parse(metadata.DateTimeLayout, s)
		if err != nil || ts.Before(before) || ts.After(time.Now().Add(time.Second)) {
			t.Errorf("%s = %v, want now in %s", k, rec[k], metadata.DateTimeLayout)
		}
		delete(rec, k)
	}
	actor := map[string]any{"source": "API", "workspaceMemberId": nil, "name": "Zapier key", "context": map[string]any{}}
	emptyLink := map[string]any{"primaryLinkLabel": "", "primaryLinkUrl": "", "secondaryLinks": []any{}}
	want := map[string]any{
		"id": p1, "city": "X", "avatarUrl": "", "jobTitle": "", "phone": "", "companyId": nil, "deletedAt": nil,
		"position":     int64(0),
		"name":         map[string]any{"firstName": "Ada", "lastName": ""},
		"emails":       map[string]any{"primaryEmail": "", "additionalEmails": []any{}},
		"phones":       map[string]any{"primaryPhoneNumber": "", "primaryPhoneCountryCode": "", "primaryPhoneCallingCode": "", "additionalPhones": []any{}},
		"linkedinLink": emptyLink, "xLink": emptyLink,
		"createdBy": actor, "updatedBy": actor,
	}
	if diff := cmp.Diff(rec, want); diff != "" {
		t.Errorf("created record mismatch (-got +want):\n%s", diff)
	}
	// FindMany reads back what CreateMany answered.
	var e Engine
	p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	delete(p.Records[0], "createdAt")
	delete(p.Records[0], "updatedAt")
	if diff := cmp.Diff(p.Records, []map[string]any{want}); diff != "" {
		t.Errorf("FindMany after create mismatch (-got +want):\n%s", diff)
	}
}

// TestCreateExamples replays Twenty's create examples (twenty-api.md §9, examples 1 to 7).
func TestCreateExamples(t *testing.T) {
	tests := []struct {
		name   string
		object string
		actor  Actor
		seed   []map[string]any // created first, as the API key
		inputs []map[string]any
		paths  []string
		want   []map[string]any
		err    string // the *QueryError message, when the create fails
		code   Code
	}{{
		name:   "1 link loses its trailing slash",
		object: "company", actor: apiKey,
		inputs: []map[string]any{{"id": c1, "domainName": map[string]any{"primaryLinkUrl": "https://www.example.com/"}}},
		paths:  []string{"id", "domainName.primaryLinkUrl"},
		want:   []map[string]any{{"id": c1, "domainName.primaryLinkUrl": "https://www.example.com"}},
	}, {
		name:   "2 API key",
		object: "person", actor: apiKey,
		seed:   []map[string]any{{"id": c1}},
		inputs: []map[string]any{{"id": p1, "city": "X", "companyId": c1}},
		paths:  []string{"id", "city", "companyId", "createdBy.source", "createdBy.workspaceMemberId", "createdBy.name"},
		want:   []map[string]any{{"id": p1, "city": "X", "companyId": c1, "createdBy.source": "API", "createdBy.workspaceMemberId": nil, "createdBy.name": "Zapier key"}},
	}, {
		name:   "3 user",
		object: "person", actor: user,
		inputs: []map[string]any{{"id": p1, "city": "X"}},
		paths:  []string{"createdBy.source", "createdBy.workspaceMemberId", "createdBy.name", "updatedBy.source"},
		want:   []map[string]any{{"createdBy.source": "MANUAL", "createdBy.workspaceMemberId": member, "createdBy.name": "Tim Apple", "updatedBy.source": "MANUAL"}},
	}, {
		name:   "4 client createdBy.source kept",
		object: "person", actor: apiKey,
		inputs: []map[string]any{{"id": p1, "createdBy": map[string]any{"source": "EMAIL"}}},
		paths:  []string{"createdBy.source", "updatedBy.source"},
		want:   []map[string]any{{"createdBy.source": "EMAIL", "updatedBy.source": "API"}},
	}, {
		name:   "4b createdBy without source is the actor's",
		object: "person", actor: apiKey,
		inputs: []map[string]any{{"id": p1, "createdBy": map[string]any{"name": "Someone"}}},
		paths:  []string{"createdBy.source", "createdBy.name"},
		want:   []map[string]any{{"createdBy.source": "API", "createdBy.name": "Zapier key"}},
	}, {
		name:   "5 duplicate id",
		object: "person", actor: apiKey,
		seed:   []map[string]any{},
		inputs: []map[string]any{{"id": p1}},
		err:    "Record already exists", code: CodeRecordAlreadyExists,
	}, {
		name:   "5b id twice in the batch",
		object: "person", actor: apiKey,
		inputs: []map[string]any{{"id": p2}, {"id": strings.ToUpper(p2)}},
		err:    "Record already exists", code: CodeRecordAlreadyExists,
	}, {
		name:   "6 bad enum",
		object: "opportunity", actor: apiKey,
		inputs: []map[string]any{{"stage": "INVALID_ENUM_VALUE"}},
		err:    `invalid input value for enum workspace_3b8e64585fc14e638563008ccddaa6db.opportunity_stage_enum: "INVALID_ENUM_VALUE"`,
		code:   CodeInvalidData,
	}, {
		name:   "7 batch of two in input order",
		object: "person", actor: apiKey,
		inputs: []map[string]any{{"id": p2, "city": "b"}, {"id": p1, "city": "a"}},
		paths:  []string{"id", "city", "position"},
		want:   []map[string]any{{"id": p2, "city": "b", "position": int64(0)}, {"id": p1, "city": "a", "position": int64(-1)}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newDB(t, wsA)
			if tt.seed != nil {
				if tt.object == "person" && len(tt.seed) == 0 {
					mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1})
				}
				for _, s := range tt.seed {
					mustCreate(t, db, wsA, "company", apiKey, s)
				}
			}
			got, err := create(t, db, wsA, tt.object, tt.actor, tt.inputs...)
			if tt.err != "" {
				var qe *QueryError
				if !errors.As(err, &qe) || qe.Message != tt.err || qe.Code != tt.code {
					t.Fatalf("err = %#v, want *QueryError %s %q", err, tt.code, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateMany: %v", err)
			}
			var picked []map[string]any
			for _, r := range got {
				picked = append(picked, pick(r, tt.paths...))
			}
			if diff := cmp.Diff(picked, tt.want); diff != "" {
				t.Errorf("mismatch (-got +want):\n%s", diff)
			}
		})
	}
}

// TestCreateExample1ReadBack checks that the link read back has no trailing slash (example 1's
// GET).
func TestCreateExample1ReadBack(t *testing.T) {
	db := newDB(t, wsA)
	mustCreate(t, db, wsA, "company", apiKey, map[string]any{"id": c1, "domainName": map[string]any{"primaryLinkUrl": "https://www.example.com/"}})
	var e Engine
	p, err := e.FindMany(t.Context(), db, wsA, object(t, "company"), objects(), parse(t, "filter=id[eq]:"+c1))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pick(p.Records[0], "domainName.primaryLinkUrl"), map[string]any{"domainName.primaryLinkUrl": "https://www.example.com"}); diff != "" {
		t.Errorf("mismatch (-got +want):\n%s", diff)
	}
}

// TestCreateInvalid checks the messages of rejected data, and that nothing is written.
func TestCreateInvalid(t *testing.T) {
	tests := []struct {
		object string
		input  map[string]any
		code   Code
		msg    string
	}{
		{"person", map[string]any{"foo": 1}, CodeInvalidData, `Object person doesn't have any "foo" field.`},
		{"person", map[string]any{"city": 12.0}, CodeInvalidData, `Invalid string value 12 for text field "city"`},
		{"person", map[string]any{"city": true}, CodeInvalidData, `Invalid string value true for text field "city"`},
		{"person", map[string]any{"id": "nope"}, CodeInvalidData, `Invalid UUID value 'nope' for field "id"`},
		{"person", map[string]any{"companyId": "nope"}, CodeInvalidData, `Invalid UUID value 'nope' for field "companyId"`},
		{"person", map[string]any{"company": map[string]any{"id": c1}}, CodeInvalidData, `Relation "company" requires connect or disconnect operation`},
		{"company", map[string]any{"people": []any{}}, CodeInvalidData, `One-to-many relation people field does not support write operations.`},
		{"person", map[string]any{"name": map[string]any{"firstName": 1.5}}, CodeInvalidData, `Invalid string value 1.5 for text field "name.firstName"`},
		{"person", map[string]any{"name": map[string]any{"middleName": "x"}}, CodeInvalidData, `Invalid subfield middleName for full_name field "name"`},
		{"person", map[string]any{"name": "Ada"}, CodeInvalidData, `Invalid value 'Ada' for full_name field "name"`},
		{"person", map[string]any{"createdBy": map[string]any{"source": "ROBOT"}}, CodeInvalidData, `Invalid value 'ROBOT' for field "createdBy.source"`},
		{"person", map[string]any{"position": "middle"}, CodeInvalidData, `Invalid position value 'middle' for field "position"`},
		{"company", map[string]any{"employees": "many"}, CodeInvalidData, `Invalid number value 'many' for field "employees"`},
		{"company", map[string]any{"idealCustomerProfile": "yes"}, CodeInvalidData, `Invalid boolean value 'yes' for field "idealCustomerProfile"`},
		{"pet", map[string]any{"tags": []any{"CUTE", "UGLY"}}, CodeInvalidData, `invalid input value for enum workspace_3b8e64585fc14e638563008ccddaa6db.pet_tags_enum: "UGLY"`},
		{"pet", map[string]any{"tags": "CUTE"}, CodeInvalidData, `Invalid value 'CUTE' for multi-select field "tags"`},
		{"pet", map[string]any{"nicknames": []any{1.0}}, CodeInvalidData, `Invalid value [ 1 ] for array field "nicknames"`},
		{"pet", map[string]any{"species": 3.0}, CodeInvalidData, `Invalid string value 3 for text field "species"`},
		{"pet", map[string]any{"born": "yesterday"}, CodeInvalidData, `Invalid value 'yesterday' for date field "born". Expected format: 'YYYY-MM-DD'`},
		{"pet", map[string]any{"price": map[string]any{"amountMicros": "lots"}}, CodeInvalidData, `Invalid number value 'lots' for field "price.amountMicros"`},
	}
	db := newDB(t, wsA)
	for _, tt := range tests {
		// A valid record first: the batch must fail as a whole.
		_, err := create(t, db, wsA, tt.object, apiKey, map[string]any{"id": p2}, tt.input)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != tt.code || qe.Message != tt.msg {
			t.Errorf("%s %v: err = %v, want %s %q", tt.object, tt.input, err, tt.code, tt.msg)
		}
	}
	var e Engine
	for _, o := range []string{"person", "company", "pet"} {
		p, err := e.FindMany(t.Context(), db, wsA, object(t, o), objects(), parse(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		if p.TotalCount != 0 {
			t.Errorf("%s: %d records written by rejected batches", o, p.TotalCount)
		}
	}
}

// TestCreateAtomic checks that a batch failing in the database (a unique value taken, a missing
// related record) writes nothing.
func TestCreateAtomic(t *testing.T) {
	db := newDB(t, wsA)
	mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1, "emails": map[string]any{"primaryEmail": "a@x.com"}})
	for _, tt := range []struct {
		name  string
		input map[string]any
		code  Code
		msg   string
	}{
		{"unique email", map[string]any{"emails": map[string]any{"primaryEmail": "a@x.com"}}, CodeDuplicateEntry, "Duplicate Emails. Please set a unique one."},
		{"missing company", map[string]any{"companyId": c1}, CodeInvalidData, "A related record does not exist"},
	} {
		_, err := create(t, db, wsA, "person", apiKey, map[string]any{"id": p2, "city": "ok"}, tt.input)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != tt.code || qe.Message != tt.msg {
			t.Errorf("%s: err = %v, want %s %q", tt.name, err, tt.code, tt.msg)
		}
	}
	var e Engine
	p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(idsOf(p.Records), []string{p1}); diff != "" {
		t.Errorf("records after failed batches (-got +want):\n%s", diff)
	}
}

// TestCreateUniqueEmpty checks that unique text left empty is NULL, so that many records can
// have none, while a value stays unique.
func TestCreateUniqueEmpty(t *testing.T) {
	db := newDB(t, wsA)
	got := mustCreate(t, db, wsA, "person", apiKey,
		map[string]any{"emails": map[string]any{"primaryEmail": ""}},
		map[string]any{},
		map[string]any{"emails": map[string]any{"primaryEmail": "b@x.com", "additionalEmails": []any{"c@x.com"}}},
	)
	var emails []any
	for _, r := range got {
		emails = append(emails, r["emails"])
	}
	want := []any{
		map[string]any{"primaryEmail": "", "additionalEmails": []any{}},
		map[string]any{"primaryEmail": "", "additionalEmails": []any{}},
		map[string]any{"primaryEmail": "b@x.com", "additionalEmails": []any{"c@x.com"}},
	}
	if diff := cmp.Diff(emails, want); diff != "" {
		t.Errorf("emails mismatch (-got +want):\n%s", diff)
	}
	res, err := db.Batch(t.Context(), d1.Stmt{SQL: `SELECT COUNT(*) AS n FROM "ws_3b8e64585fc14e638563008ccddaa6db_person" WHERE "emailsPrimaryEmail" IS NULL`})
	if err != nil {
		t.Fatal(err)
	}
	if n := res[0].Rows[0][0]; n != int64(2) {
		t.Errorf("%v records with a NULL email, want 2", n)
	}
	if _, err := create(t, db, wsA, "person", apiKey, map[string]any{"emails": map[string]any{"primaryEmail": "b@x.com"}}); err == nil {
		t.Error("a taken email was accepted")
	}
}

// TestCreatePositions checks Twenty's positions: new records first, below the table's lowest
// position and the batch's given ones; "last" above the highest.
func TestCreatePositions(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA) // people at positions 0 to 3
	got := mustCreate(t, db, wsA, "person", apiKey,
		map[string]any{"city": "a"},
		map[string]any{"city": "b", "position": 10.5},
		map[string]any{"city": "c", "position": "last"},
		map[string]any{"city": "d", "position": "first"},
		map[string]any{"city": "e", "position": -2.0},
		map[string]any{"city": "f", "position": "last"},
	)
	var positions []any
	for _, r := range got {
		positions = append(positions, r["position"])
	}
	want := []any{int64(-3), 10.5, 11.5, int64(-4), int64(-2), 12.5}
	if diff := cmp.Diff(positions, want); diff != "" {
		t.Errorf("positions mismatch (-got +want):\n%s", diff)
	}
}

// TestCreateOnePosition checks the position of a record created alone, which its INSERT computes
// (one round trip): first below the table's lowest, last above its highest, 0 or 2 in an empty
// table, a given one kept; soft-deleted records do not count.
func TestCreateOnePosition(t *testing.T) {
	tests := []struct {
		name  string
		seed  bool
		input map[string]any
		want  any
	}{
		{"first in an empty table", false, map[string]any{"city": "a"}, int64(0)},
		{"last in an empty table", false, map[string]any{"position": "last"}, int64(2)},
		{"first", true, map[string]any{"city": "a"}, int64(-1)},
		{"first by name", true, map[string]any{"position": "first"}, int64(-1)},
		{"last", true, map[string]any{"position": "last"}, int64(4)},
		{"given", true, map[string]any{"position": 7.5}, 7.5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := newDB(t, wsA)
			if tc.seed {
				seed(t, db, wsA) // people at positions 0 to 3
				table, _ := ddl.TableName(wsA, "person")
				// A soft-deleted record far out does not move the new one.
				if _, err := db.Exec(`INSERT INTO "`+table+`" ("id", "position", "deletedAt") VALUES (?, -100, '2024-01-01T00:00:00.000Z'), (?, 100, '2024-01-01T00:00:00.000Z')`,
					"00000000-0000-4000-8000-00000000d001", "00000000-0000-4000-8000-00000000d002"); err != nil {
					t.Fatal(err)
				}
			}
			got := mustCreate(t, db, wsA, "person", apiKey, tc.input)
			if diff := cmp.Diff(tc.want, got[0]["position"]); diff != "" {
				t.Errorf("position (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateManyOverParamLimit checks a batch whose values exceed D1's 100 parameters of a
// statement: 40 people with several columns each.
func TestCreateManyOverParamLimit(t *testing.T) {
	db := newDB(t, wsA)
	var inputs []map[string]any
	var want []string
	for i := range 40 {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", 100+i)
		want = append(want, id)
		inputs = append(inputs, map[string]any{
			"id": id, "city": fmt.Sprintf("city %d", i), "jobTitle": "dev",
			"name":   map[string]any{"firstName": "F", "lastName": fmt.Sprint(i)},
			"emails": map[string]any{"primaryEmail": fmt.Sprintf("p%d@x.com", i)},
		})
	}
	got := mustCreate(t, db, wsA, "person", apiKey, inputs...)
	if diff := cmp.Diff(idsOf(got), want); diff != "" {
		t.Errorf("ids mismatch (-got +want):\n%s", diff)
	}
	var e Engine
	p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, "limit=100"))
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalCount != 40 {
		t.Errorf("totalCount = %d, want 40", p.TotalCount)
	}
}

// TestCreateIsolation checks that records created in one workspace are not seen from another.
func TestCreateIsolation(t *testing.T) {
	db := newDB(t, wsA, wsB)
	mustCreate(t, db, wsA, "person", apiKey, map[string]any{"id": p1, "city": "London"})
	mustCreate(t, db, wsB, "person", apiKey, map[string]any{"id": p2, "city": "London"})
	// The same id in another workspace is another record.
	mustCreate(t, db, wsB, "person", apiKey, map[string]any{"id": p1, "city": "Paris"})
	var e Engine
	for ws, want := range map[string][]string{wsA: {p1}, wsB: {p1, p2}} {
		p, err := e.FindMany(t.Context(), db, ws, object(t, "person"), objects(), parse(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(idsOf(p.Records), want); diff != "" {
			t.Errorf("%s ids mismatch (-got +want):\n%s", ws, diff)
		}
	}
}

// TestCreateValues checks the conversion of each type to its stored value and back.
func TestCreateValues(t *testing.T) {
	db := newDB(t, wsA)
	got := mustCreate(t, db, wsA, "pet", apiKey, map[string]any{
		"name": "Rex", "tags": []any{"CUTE", "OLD"}, "nicknames": []any{"R"}, "species": "DOG",
		"vaccinated": true, "weight": 30.5, "born": "2019-05-01T10:00:00Z", "data": map[string]any{"chip": 1.0},
		"price": map[string]any{"amountMicros": 1500000.0, "currencyCode": "EUR"},
	})
	want := map[string]any{
		"name": "Rex", "tags": []any{"CUTE", "OLD"}, "nicknames": []any{"R"}, "species": "DOG",
		"vaccinated": true, "weight": 30.5, "born": "2019-05-01", "data": map[string]any{"chip": 1.0},
		"price": map[string]any{"amountMicros": int64(1500000), "currencyCode": "EUR"},
	}
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	if diff := cmp.Diff(pick(got[0], keys...), want); diff != "" {
		t.Errorf("pet mismatch (-got +want):\n%s", diff)
	}
}

// TestConstraintError checks the mapping of constraint failures as SQLite and D1 word them.
func TestConstraintError(t *testing.T) {
	person := object(t, "person")
	tests := []struct {
		err  string
		code Code
		msg  string
	}{
		{"constraint failed: UNIQUE constraint failed: ws_x_person.id", CodeRecordAlreadyExists, "Record already exists"},
		{"D1_ERROR: UNIQUE constraint failed: ws_x_person.id: SQLITE_CONSTRAINT", CodeRecordAlreadyExists, "Record already exists"},
		{"D1_ERROR: UNIQUE constraint failed: ws_x_person.emailsPrimaryEmail: SQLITE_CONSTRAINT", CodeDuplicateEntry, "Duplicate Emails. Please set a unique one."},
		{"UNIQUE constraint failed: ws_x_person.phonesPrimaryPhoneNumber, ws_x_person.phonesPrimaryPhoneCountryCode", CodeDuplicateEntry, "Duplicate Phones. Please set a unique one."},
		{"D1_ERROR: FOREIGN KEY constraint failed: SQLITE_CONSTRAINT", CodeInvalidData, "A related record does not exist"},
	}
	for _, tt := range tests {
		qe := constraintError(person, errors.New(tt.err))
		if qe == nil || qe.Code != tt.code || qe.Message != tt.msg {
			t.Errorf("constraintError(%q) = %v, want %s %q", tt.err, qe, tt.code, tt.msg)
		}
	}
	if qe := constraintError(person, errors.New("network down")); qe != nil {
		t.Errorf("constraintError(network down) = %v, want nil", qe)
	}
}
