package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// actor is an ACTOR value as Twenty shows it.
func actor(source, name string) map[string]any {
	return map[string]any{"source": source, "workspaceMemberId": nil, "name": name, "context": nil}
}

// emptyLinks is a LINKS value with nothing stored.
func emptyLinks() map[string]any {
	return map[string]any{"primaryLinkUrl": "", "primaryLinkLabel": "", "secondaryLinks": []any{}}
}

// TestRecordShape compares whole records with Twenty's JSON shape: composites nested, NULLs shown
// as Twenty's empty values, booleans, numbers and JSON typed, a link's trailing slash dropped, and
// at depth 1 the company embedded without its own relations.
func TestRecordShape(t *testing.T) {
	f := newFixture(t)

	t.Run("person at depth 1", func(t *testing.T) {
		p := f.find("person", "depth=1&filter=id[eq]:"+ada)
		want := map[string]any{
			"id": ada, "createdAt": "2024-01-01T10:00:00.000Z", "updatedAt": "2024-01-06T00:00:00.000Z", "deletedAt": nil,
			"name":         map[string]any{"firstName": "Ada", "lastName": "Lovelace"},
			"emails":       map[string]any{"primaryEmail": "ada@example.com", "additionalEmails": []any{"ada2@example.com"}},
			"linkedinLink": emptyLinks(), "xLink": emptyLinks(),
			"jobTitle": "Engineer", "city": "London", "phone": "", "avatarUrl": "",
			"phones": map[string]any{"primaryPhoneNumber": "", "primaryPhoneCountryCode": "", "primaryPhoneCallingCode": "",
				"additionalPhones": []any{}},
			"position":  int64(0),
			"createdBy": actor("API", "System"), "updatedBy": actor("MANUAL", "System"),
			"companyId": acme,
			"company": map[string]any{
				"id": acme, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-05T00:00:00.000Z", "deletedAt": nil,
				"name":         "Acme",
				"domainName":   map[string]any{"primaryLinkUrl": "https://acme.com", "primaryLinkLabel": "", "secondaryLinks": []any{}},
				"employees":    int64(10),
				"linkedinLink": emptyLinks(), "xLink": emptyLinks(),
				"annualRecurringRevenue": map[string]any{"amountMicros": int64(5_000_000), "currencyCode": "USD"},
				"address": map[string]any{"addressStreet1": "", "addressStreet2": "", "addressStreet3": "", "addressCity": "",
					"addressPostcode": "", "addressState": "", "addressCountry": "", "addressLat": nil, "addressLng": nil},
				"addressOld": "", "idealCustomerProfile": true, "position": int64(0),
				"createdBy": actor("MANUAL", "System"), "updatedBy": actor("MANUAL", "System"),
				"accountOwnerId": nil,
			},
		}
		if diff := cmp.Diff(p.Records, []map[string]any{want}); diff != "" {
			t.Errorf("record mismatch (-got +want):\n%s", diff)
		}
	})

	t.Run("pet", func(t *testing.T) {
		p := f.find("pet", "filter=id[eq]:"+kiki)
		want := map[string]any{
			"id": kiki, "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z", "deletedAt": nil,
			"name": "Kiki", "position": int64(0),
			"createdBy": actor("MANUAL", "System"), "updatedBy": actor("MANUAL", "System"),
			"tags": []any{}, "nicknames": []any{}, "species": "BIRD", "vaccinated": nil, "weight": nil, "born": nil, "data": nil,
			"price": map[string]any{"amountMicros": nil, "currencyCode": ""},
		}
		if diff := cmp.Diff(p.Records, []map[string]any{want}); diff != "" {
			t.Errorf("record mismatch (-got +want):\n%s", diff)
		}
		p = f.find("pet", "filter=id[eq]:"+rex+"&fields=tags,vaccinated,data,price,weight")
		wantRex := map[string]any{"tags": []any{"CUTE", "LOUD"}, "vaccinated": true, "data": map[string]any{"chip": float64(1)},
			"price": map[string]any{"amountMicros": int64(1_500_000), "currencyCode": "EUR"}, "weight": 30.5}
		if diff := cmp.Diff(p.Records, []map[string]any{wantRex}); diff != "" {
			t.Errorf("projected record mismatch (-got +want):\n%s", diff)
		}
	})

	t.Run("projection, soft-deleted relation, omit_null_values", func(t *testing.T) {
		p := f.find("person", "depth=1&fields=name,company&filter=id[eq]:"+carla)
		want := []map[string]any{{"name": map[string]any{"firstName": "Carla", "lastName": "Bruni"}, "companyId": gone, "company": nil}}
		if diff := cmp.Diff(p.Records, want); diff != "" {
			t.Errorf("depth=1 fields=name,company mismatch (-got +want):\n%s", diff)
		}
		p = f.find("person", "depth=1&fields=name,company,city&omit_null_values=true&filter=id[eq]:"+carla)
		want = []map[string]any{{"name": map[string]any{"firstName": "Carla", "lastName": "Bruni"}, "companyId": gone, "city": ""}}
		if diff := cmp.Diff(p.Records, want); diff != "" {
			t.Errorf("omit_null_values mismatch (-got +want):\n%s", diff)
		}
	})
}

// TestDepthOneManyRelations embeds three records in an opportunity, within D1's 100 result
// columns: each embedded record travels as a few JSON columns.
func TestDepthOneManyRelations(t *testing.T) {
	f := newFixture(t)
	const opp = "00000000-0000-4000-8000-0000000000f1"
	insert(t, f.db, wsA, "opportunity", row{"id": opp, "name": "Deal", "companyId": globex, "pointOfContactId": bob,
		"amountAmountMicros": int64(2_500_000), "amountCurrencyCode": "USD", "closeDate": "2024-05-01T00:00:00.000Z"})
	p := f.find("opportunity", "depth=1&fields=name,amount,company,pointOfContact,owner")
	rec := p.Records[0]
	company, _ := rec["company"].(map[string]any)
	contact, _ := rec["pointOfContact"].(map[string]any)
	got := map[string]any{
		"name": rec["name"], "amount": rec["amount"], "owner": rec["owner"], "ownerId": rec["ownerId"],
		"company.name": company["name"], "company.employees": company["employees"], "company.idealCustomerProfile": company["idealCustomerProfile"],
		"company.domainName":  company["domainName"],
		"pointOfContact.name": contact["name"], "pointOfContact.position": contact["position"], "pointOfContact.companyId": contact["companyId"],
	}
	want := map[string]any{
		"name": "Deal", "amount": map[string]any{"amountMicros": int64(2_500_000), "currencyCode": "USD"}, "owner": nil, "ownerId": nil,
		"company.name": "Globex", "company.employees": int64(250), "company.idealCustomerProfile": false,
		"company.domainName":  emptyLinks(),
		"pointOfContact.name": map[string]any{"firstName": "Bob", "lastName": "Marley"}, "pointOfContact.position": int64(1),
		"pointOfContact.companyId": globex,
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("opportunity at depth 1 mismatch (-got +want):\n%s", diff)
	}
	if _, ok := contact["company"]; ok {
		t.Errorf("embedded pointOfContact embeds its company")
	}
}
