package engine

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/ddl"
	"github.com/twentyworkers/twenty/shared/d1"
)

// Records pointing at the people the merge tests merge.
const (
	oppOfBob  = "00000000-0000-4000-8000-0000000000b1"
	noteOfBob = "00000000-0000-4000-8000-0000000000b2"
	targetBob = "00000000-0000-4000-8000-0000000000b3"
)

// mergePeople runs MergeMany on people of wsA as the user.
func mergePeople(t *testing.T, db *d1.DB, opts MergeOptions) (*Mutation, error) {
	t.Helper()
	var e Engine
	return e.MergeMany(t.Context(), db, wsA, object(t, "person"), objects(), user, opts)
}

// mergeSeeded merges people, as opts says, in a new database seeded by seedMerge, and returns
// the database and the merge.
func mergeSeeded(t *testing.T, opts MergeOptions) (*d1.DB, *Mutation) {
	t.Helper()
	db := newDB(t, wsA)
	seedMerge(t, db)
	m, err := mergePeople(t, db, opts)
	if err != nil {
		t.Fatalf("MergeMany: %v", err)
	}
	return db, m
}

// seedMerge seeds the test records, with bob's phones and links, an opportunity whose point of
// contact is bob and a note about bob.
func seedMerge(t *testing.T, db *d1.DB) {
	t.Helper()
	seed(t, db, wsA)
	people, _ := ddl.TableName(wsA, "person")
	if _, err := db.Exec(`UPDATE "`+people+`" SET "phonesPrimaryPhoneNumber" = '612345678', "phonesPrimaryPhoneCountryCode" = 'FR',
		"phonesPrimaryPhoneCallingCode" = '+33', "phonesAdditionalPhones" = '[{"number":"700000000","countryCode":"FR","callingCode":"+33"}]',
		"linkedinLinkPrimaryLinkUrl" = 'https://linkedin.com/in/bob', "linkedinLinkSecondaryLinks" = '[{"url":"https://bob.dev","label":"site"}]'
		WHERE id = ?`, bob); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE "`+people+`" SET "phonesPrimaryPhoneNumber" = '699999999', "linkedinLinkPrimaryLinkUrl" = 'https://linkedin.com/in/ada' WHERE id = ?`, ada); err != nil {
		t.Fatal(err)
	}
	insert(t, db, wsA, "opportunity", row{"id": oppOfBob, "name": "Deal", "pointOfContactId": bob})
	insert(t, db, wsA, "note", row{"id": noteOfBob, "title": "About Bob"})
	insert(t, db, wsA, "noteTarget", row{"id": targetBob, "noteId": noteOfBob, "personId": bob})
}

// personByID reads a person with FindMany (nil when it is gone).
func personByID(t *testing.T, db *d1.DB, id string) map[string]any {
	t.Helper()
	var e Engine
	p, err := e.FindMany(t.Context(), db, wsA, object(t, "person"), objects(), parse(t, "filter=id[eq]:"+id))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Records) == 0 {
		return nil
	}
	return p.Records[0]
}

func TestMergeMany(t *testing.T) {
	paths := []string{"id", "city", "jobTitle", "companyId", "name.firstName", "emails.primaryEmail", "emails.additionalEmails",
		"phones.primaryPhoneNumber", "phones.additionalPhones", "linkedinLink.primaryLinkUrl", "linkedinLink.secondaryLinks", "updatedBy.workspaceMemberId"}
	bobsPhone := map[string]any{"number": "612345678", "countryCode": "FR", "callingCode": "+33"}
	bobsOther := map[string]any{"number": "700000000", "countryCode": "FR", "callingCode": "+33"}
	tests := []struct {
		name string
		opts MergeOptions
		want map[string]any
	}{
		{
			name: "the first record wins, the other fills its gaps and adds its emails, phones and links",
			opts: MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 0},
			want: map[string]any{
				"id": ada, "city": "London", "jobTitle": "Engineer", "companyId": acme, "name.firstName": "Ada",
				"emails.primaryEmail": "ada@example.com", "emails.additionalEmails": []any{"ada2@example.com", "bob@example.com"},
				"phones.primaryPhoneNumber": "699999999", "phones.additionalPhones": []any{bobsPhone, bobsOther},
				"linkedinLink.primaryLinkUrl": "https://linkedin.com/in/ada",
				"linkedinLink.secondaryLinks": []any{map[string]any{"url": "https://linkedin.com/in/bob", "label": ""}, map[string]any{"url": "https://bob.dev", "label": "site"}},
				"updatedBy.workspaceMemberId": member,
			},
		},
		{
			name: "the priority index picks the record kept",
			opts: MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 1},
			want: map[string]any{
				"id": bob, "city": "Kingston", "jobTitle": "Engineer", "companyId": globex, "name.firstName": "Bob",
				"emails.primaryEmail": "bob@example.com", "emails.additionalEmails": []any{"ada@example.com", "ada2@example.com"},
				"phones.primaryPhoneNumber": "612345678", "phones.additionalPhones": []any{map[string]any{"number": "699999999", "countryCode": "", "callingCode": ""}, bobsOther},
				"linkedinLink.primaryLinkUrl": "https://linkedin.com/in/bob",
				"linkedinLink.secondaryLinks": []any{map[string]any{"url": "https://linkedin.com/in/ada", "label": ""}, map[string]any{"url": "https://bob.dev", "label": "site"}},
				"updatedBy.workspaceMemberId": member,
			},
		},
		{
			name: "a unique value moves from a merged-away record to the kept one",
			opts: MergeOptions{IDs: []string{carla, bob}},
			want: map[string]any{
				"id": carla, "city": "Kingston", "jobTitle": "", "companyId": gone, "name.firstName": "Carla",
				"emails.primaryEmail": "bob@example.com", "emails.additionalEmails": []any{},
				"phones.primaryPhoneNumber": "612345678", "phones.additionalPhones": []any{bobsOther},
				"linkedinLink.primaryLinkUrl": "https://linkedin.com/in/bob",
				"linkedinLink.secondaryLinks": []any{map[string]any{"url": "https://bob.dev", "label": "site"}},
				"updatedBy.workspaceMemberId": member,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, m := mergeSeeded(t, tt.opts)
			if len(m.Records) != 1 {
				t.Fatalf("MergeMany answered %d records, want 1", len(m.Records))
			}
			if diff := cmp.Diff(tt.want, pick(m.Records[0], paths...)); diff != "" {
				t.Errorf("merged record (-want +got):\n%s", diff)
			}
			kept := tt.opts.IDs[tt.opts.ConflictPriorityIndex]
			if diff := cmp.Diff(m.Records[0], personByID(t, db, kept)); diff != "" {
				t.Errorf("kept record read back (-answered +stored):\n%s", diff)
			}
			for _, id := range tt.opts.IDs {
				if id != kept && personByID(t, db, id) != nil {
					t.Errorf("merged-away record %s still exists", id)
				}
			}
			// Bob's opportunity and note now point at the kept record.
			opps, _ := ddl.TableName(wsA, "opportunity")
			targets, _ := ddl.TableName(wsA, "noteTarget")
			var poc, target string
			if err := db.QueryRow(`SELECT "pointOfContactId" FROM "`+opps+`" WHERE id = ?`, oppOfBob).Scan(&poc); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT "personId" FROM "`+targets+`" WHERE id = ?`, targetBob).Scan(&target); err != nil {
				t.Fatal(err)
			}
			if poc != kept || target != kept {
				t.Errorf("relations point at %s and %s, want the kept %s", poc, target, kept)
			}
			// One Change for the kept record, then one per destroyed record.
			if len(m.Changes) != len(tt.opts.IDs) || m.Changes[0].ID != kept || m.Changes[0].After == nil || m.Changes[0].Before == nil {
				t.Fatalf("changes = %+v, want the kept record's first", m.Changes)
			}
			for _, c := range m.Changes[1:] {
				if c.After != nil || c.Before == nil || c.ID == kept {
					t.Errorf("change of a merged-away record = %+v, want Before only", c)
				}
			}
			if diff := cmp.Diff([]string{"emails", "linkedinLink", "phones"}, without(m.Changes[0].UpdatedFields, "city", "companyId", "jobTitle", "updatedBy")); diff != "" {
				t.Errorf("updated fields (-want +got):\n%s", diff)
			}
		})
	}
}

// without returns list without the given items.
func without(list []string, items ...string) []string {
	out := []string{}
	for _, s := range list {
		skip := false
		for _, i := range items {
			skip = skip || s == i
		}
		if !skip {
			out = append(out, s)
		}
	}
	return out
}

func TestMergeManyDryRun(t *testing.T) {
	db := newDB(t, wsA)
	seedMerge(t, db)
	before := personByID(t, db, bob)
	m, err := mergePeople(t, db, MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 1, DryRun: true, Shape: Shape{Depth: 1}})
	if err != nil {
		t.Fatalf("MergeMany dry run: %v", err)
	}
	rec := m.Records[0]
	if rec["id"] == bob || rec["id"] == ada || rec["deletedAt"] == nil || len(m.Changes) != 0 {
		t.Errorf("dry run record id %v, deletedAt %v, %d changes; want a new id, deletedAt set, no changes", rec["id"], rec["deletedAt"], len(m.Changes))
	}
	want := map[string]any{"city": "Kingston", "jobTitle": "Engineer", "companyId": globex, "company.name": "Globex", "emails.primaryEmail": "bob@example.com"}
	if diff := cmp.Diff(want, pick(rec, "city", "jobTitle", "companyId", "company.name", "emails.primaryEmail")); diff != "" {
		t.Errorf("dry run record (-want +got):\n%s", diff)
	}
	if personByID(t, db, ada) == nil || !cmp.Equal(before, personByID(t, db, bob)) {
		t.Errorf("a dry run changed the records")
	}
	// The embedded company follows the merged join column: Ada's, when Bob has none.
	people, _ := ddl.TableName(wsA, "person")
	if _, err := db.Exec(`UPDATE "`+people+`" SET "companyId" = NULL WHERE id = ?`, bob); err != nil {
		t.Fatal(err)
	}
	m, err = mergePeople(t, db, MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 1, DryRun: true, Shape: Shape{Depth: 1, Fields: []string{"id", "company"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"companyId": acme, "company.name": "Acme", "city": nil}, pick(m.Records[0], "companyId", "company.name", "city")); diff != "" {
		t.Errorf("dry run with fields (-want +got):\n%s", diff)
	}
}

func TestMergeManyErrors(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	var e Engine
	ten := []string{ada, bob, carla, dan, acme, globex, gone, rex, tom, kiki}
	tests := []struct {
		object string
		opts   MergeOptions
		code   Code
		want   string
	}{
		{"pet", MergeOptions{IDs: []string{rex, tom}}, CodeInvalidQueryInput, "Merge is only available for objects with duplicate criteria. Object 'pet' does not have duplicate criteria defined."},
		{"person", MergeOptions{IDs: []string{ada}}, CodeInvalidQueryInput, "At least 2 record IDs are required for merge"},
		{"person", MergeOptions{IDs: ten}, CodeInvalidQueryInput, "Maximum 9 records can be merged at once"},
		{"person", MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 2}, CodeInvalidQueryInput, "Invalid conflict priority '2'. Valid options for 2 records: 0-1"},
		{"person", MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: -1}, CodeInvalidQueryInput, "Invalid conflict priority '-1'. Valid options for 2 records: 0-1"},
		{"person", MergeOptions{IDs: []string{ada, "nope"}}, CodeInvalidQueryInput, `Value "nope" is not a valid UUID`},
		{"person", MergeOptions{IDs: []string{ada, rex}}, CodeRecordNotFound, "One or more records not found"},
		{"person", MergeOptions{IDs: []string{ada, ada}}, CodeRecordNotFound, "One or more records not found"},
		{"company", MergeOptions{IDs: []string{acme, gone}}, CodeRecordNotFound, "One or more records not found"},
		{"person", MergeOptions{IDs: []string{ada, bob}, Shape: Shape{Fields: []string{"nope"}}}, CodeInvalidFields, "'fields' parameter invalid. Unknown or unreadable fields on 'person': nope"},
	}
	for _, tt := range tests {
		_, err := e.MergeMany(t.Context(), db, wsA, object(t, tt.object), objects(), user, tt.opts)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != tt.code || qe.Message != tt.want {
			t.Errorf("MergeMany(%s, %v) error = %v, want %s %q", tt.object, tt.opts.IDs, err, tt.code, tt.want)
		}
	}
	if personByID(t, db, bob) == nil {
		t.Errorf("a refused merge removed a record")
	}
}

// TestMergeValues checks Twenty's merge of each kind of value (merge-field-values.util.ts).
func TestMergeValues(t *testing.T) {
	tests := []struct {
		name   string
		values []any
		prio   int
		merge  func([]any, int) any
		want   any
	}{
		{"arrays gather items without repeats or blanks", []any{[]any{"A", "B"}, []any{"B", " ", "C"}}, 0,
			func(v []any, _ int) any { return mergeArrays(v) }, []any{"A", "B", "C"}},
		{"arrays of blanks give null", []any{[]any{""}, []any{" "}}, 0, func(v []any, _ int) any { return mergeArrays(v) }, nil},
		{"emails keep the priority's primary", []any{
			map[string]any{"primaryEmail": "a@x.com", "additionalEmails": []any{"b@x.com"}},
			map[string]any{"primaryEmail": "b@x.com", "additionalEmails": `["c@x.com"]`},
		}, 1, func(v []any, p int) any { return mergeEmails(v, p) },
			map[string]any{"primaryEmail": "b@x.com", "additionalEmails": []any{"a@x.com", "c@x.com"}}},
		{"emails fall back to the first primary", []any{
			map[string]any{"primaryEmail": "", "additionalEmails": []any{"z@x.com"}},
			map[string]any{"primaryEmail": "a@x.com", "additionalEmails": nil},
		}, 0, func(v []any, p int) any { return mergeEmails(v, p) },
			map[string]any{"primaryEmail": "a@x.com", "additionalEmails": []any{"z@x.com"}}},
		{"links without a primary anywhere", []any{
			map[string]any{"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": []any{map[string]any{"url": "https://a.com", "label": ""}}},
		}, 0, func(v []any, p int) any { return mergeLinks(v, p) },
			map[string]any{"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": []any{map[string]any{"url": "https://a.com", "label": ""}}}},
		{"phones without any number", []any{map[string]any{"primaryPhoneNumber": "", "additionalPhones": []any{}}}, 0,
			func(v []any, p int) any { return mergePhones(v, p) },
			map[string]any{"primaryPhoneNumber": "", "primaryPhoneCountryCode": nil, "primaryPhoneCallingCode": "", "additionalPhones": nil}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.merge(tt.values, tt.prio)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for v, want := range map[any]bool{"": false, " ": false, "x": true, 0.0: true, false: true, nil: false} {
		if got := hasRecordFieldValue(v); got != want {
			t.Errorf("hasRecordFieldValue(%#v) = %v, want %v", v, got, want)
		}
	}
	if hasRecordFieldValue(map[string]any{"a": "", "b": []any{}}) || !hasRecordFieldValue(map[string]any{"a": "", "b": []any{"x"}}) {
		t.Errorf("hasRecordFieldValue of objects: a value in any property")
	}
}

func TestMergeManyReportsTheRecordsItRepoints(t *testing.T) {
	type moved struct {
		Object, ID    string
		From, To      any
		UpdatedFields []string
	}
	join := map[string]string{"opportunity": "pointOfContactId", "noteTarget": "personId"}
	tests := []struct {
		name string
		opts MergeOptions
		want []moved
	}{
		{"bob merged into ada: his opportunity and note target move", MergeOptions{IDs: []string{ada, bob}}, []moved{
			{"opportunity", oppOfBob, bob, ada, []string{"pointOfContactId"}},
			{"noteTarget", targetBob, bob, ada, []string{"personId"}},
		}},
		{"ada merged into bob: nothing pointed at ada", MergeOptions{IDs: []string{ada, bob}, ConflictPriorityIndex: 1}, nil},
		{"a dry run moves nothing", MergeOptions{IDs: []string{ada, bob}, DryRun: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, m := mergeSeeded(t, tt.opts)
			var got []moved
			for _, oc := range m.Related {
				for _, c := range oc.Changes {
					key := join[oc.Object.NameSingular]
					got = append(got, moved{oc.Object.NameSingular, c.ID, c.Before[key], c.After[key], c.UpdatedFields})
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("related changes (-want +got):\n%s", diff)
			}
		})
	}
}
