//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Client-chosen ids of the mutation examples.
const (
	mutC1 = "8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1a01"
	mutP1 = "8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1b01"
	mutP2 = "8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1b02"
	mutP3 = "8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1b03"
)

// personReply is what the examples look at of a record answer.
type personReply struct {
	ID        string
	City      string
	JobTitle  *string `json:"jobTitle"`
	CompanyID *string `json:"companyId"`
	DeletedAt *string `json:"deletedAt"`
	Name      *struct{ FirstName, LastName string }
	Emails    *struct {
		PrimaryEmail     string
		AdditionalEmails []string
	}
	Company *struct {
		DomainName *struct{ PrimaryLinkURL string } `json:"domainName"`
		People     any
	}
}

// TestRESTMutationExamples replays Twenty's examples 17–20 (reference §9) and upsert: find one,
// update, delete (hard and soft, one and many) and restore.
func TestRESTMutationExamples(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)
	expect(post(t, "/rest/companies", `{"id":"`+mutC1+`","domainName":{"primaryLinkUrl":"https://www.example.com/"}}`, auth...), 201, "create the company")
	expect(post(t, "/rest/batch/people", `[{"id":"`+mutP1+`","city":"One","companyId":"`+mutC1+`"},{"id":"`+mutP2+`","city":"Two"}]`, auth...), 201, "create the people")
	expect(post(t, "/rest/favorites", `{"personId":"`+mutP1+`"}`, auth...), 201, "create a favorite of P1")

	t.Run("17 find one", func(t *testing.T) {
		r := get(t, "/rest/people/"+mutP1+"?depth=1", auth...)
		expect(r, 200, "GET P1 depth=1")
		p := decode[struct{ Data struct{ Person personReply } }](t, r).Data.Person
		if p.ID != mutP1 || p.City != "One" || p.Company == nil || p.Company.DomainName.PrimaryLinkURL != "https://www.example.com" || p.Company.People != nil {
			t.Errorf("GET P1 depth=1 = %s", r.body)
		}
		r = get(t, "/rest/people/"+mutP1, auth...)
		if p := decode[struct{ Data struct{ Person personReply } }](t, r).Data.Person; p.CompanyID == nil || *p.CompanyID != mutC1 || p.Company != nil {
			t.Errorf("GET P1 depth=0 = %s", r.body)
		}
		r = get(t, "/rest/people/8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1bff", auth...)
		if diff := cmp.Diff(envelope{404, "NotFoundException", []string{"Record not found"}}, decode[envelope](t, r)); r.status != 404 || diff != "" {
			t.Errorf("GET an unknown id = %d (-want +got):\n%s", r.status, diff)
		}
		r = get(t, "/rest/people/malformed-uuid", auth...)
		if e := decode[envelope](t, r); r.status != 400 || e.Error != "BadRequestException" || !strings.Contains(e.Messages[0], "'malformed-uuid' is not a valid UUID") {
			t.Errorf("GET a malformed id = %d %s", r.status, r.body)
		}
	})

	t.Run("18 update", func(t *testing.T) {
		r := send(http.MethodPatch, "/rest/people/"+mutP1, `{"name":{"firstName":"Updated","lastName":"Person"},"emails":{"primaryEmail":"updated@example.com","additionalEmails":["extra@example.com"]}}`)
		expect(r, 200, "PATCH P1")
		p := decode[struct {
			Data struct{ UpdatePerson personReply }
		}](t, r).Data.UpdatePerson
		if p.Name == nil || p.Name.FirstName != "Updated" || p.Name.LastName != "Person" || p.Emails.PrimaryEmail != "updated@example.com" ||
			!cmp.Equal(p.Emails.AdditionalEmails, []string{"extra@example.com"}) || p.JobTitle == nil || *p.JobTitle != "" || p.CompanyID == nil || *p.CompanyID != mutC1 {
			t.Errorf("PATCH P1 = %s", r.body)
		}
		r = send(http.MethodPatch, "/rest/people/8b1f0c52-5d0e-4c6a-9a51-3f2b7d0e1bff", `{"city":"X"}`)
		if e := decode[envelope](t, r); r.status != 404 || e.Messages[0] != "Record not found" {
			t.Errorf("PATCH an unknown id = %d %s", r.status, r.body)
		}
		// updateMany by filter.
		r = send(http.MethodPatch, "/rest/people?filter=city[eq]:Two&fields=id,jobTitle", `{"jobTitle":"CTO"}`)
		if diff := cmp.Diff(`{"data":{"updatePeople":[{"id":"`+mutP2+`","jobTitle":"CTO"}]}}`, strings.TrimSpace(string(r.body))); r.status != 200 || diff != "" {
			t.Errorf("PATCH by filter = %d (-want +got):\n%s", r.status, diff)
		}
	})

	t.Run("19 delete", func(t *testing.T) {
		r := send(http.MethodDelete, "/rest/people/"+mutP1, "")
		if diff := cmp.Diff(`{"data":{"deletePerson":{"id":"`+mutP1+`"}}}`, strings.TrimSpace(string(r.body))); r.status != 200 || diff != "" {
			t.Errorf("DELETE P1 (it has a favorite) = %d (-want +got):\n%s", r.status, diff)
		}
		expect(get(t, "/rest/people/"+mutP1, auth...), 404, "GET a destroyed record")
		if r := get(t, "/rest/favorites", auth...); strings.Contains(string(r.body), mutP1) {
			t.Errorf("the destroyed person's favorite is left: %s", r.body)
		}
		r = send(http.MethodDelete, "/rest/people?soft_delete=true", "")
		if e := decode[envelope](t, r); r.status != 400 || !strings.HasPrefix(e.Messages[0], "Filters are mandatory for bulk delete operations") {
			t.Errorf("DELETE without a filter = %d %s", r.status, r.body)
		}
	})

	t.Run("20 soft delete and restore", func(t *testing.T) {
		r := send(http.MethodDelete, "/rest/people/"+mutP2+"?soft_delete=true", "")
		expect(r, 200, "soft DELETE P2")
		if p := decode[struct {
			Data struct{ DeletePerson personReply }
		}](t, r).Data.DeletePerson; p.ID != mutP2 || p.DeletedAt == nil {
			t.Errorf("soft DELETE P2 = %s", r.body)
		}
		expect(get(t, "/rest/people/"+mutP2, auth...), 404, "GET a soft-deleted record")
		r = send(http.MethodPatch, "/rest/people/"+mutP2+"/restore?fields=id", "")
		if diff := cmp.Diff(`{"data":{"restorePerson":{"id":"`+mutP2+`"}}}`, strings.TrimSpace(string(r.body))); r.status != 200 || diff != "" {
			t.Errorf("restore P2 = %d (-want +got):\n%s", r.status, diff)
		}
		expect(send(http.MethodDelete, "/rest/people?filter=id[eq]:"+mutP2+"&soft_delete=true", ""), 200, "soft DELETE by filter")
		r = send(http.MethodPatch, "/rest/people/restore?filter=id[eq]:"+mutP2+"&fields=id", "")
		if diff := cmp.Diff(`{"data":{"restorePeople":[{"id":"`+mutP2+`"}]}}`, strings.TrimSpace(string(r.body))); r.status != 200 || diff != "" {
			t.Errorf("restore by filter = %d (-want +got):\n%s", r.status, diff)
		}
		expect(get(t, "/rest/people/"+mutP2, auth...), 200, "GET a restored record")
	})

	t.Run("upsert", func(t *testing.T) {
		r := post(t, "/rest/people?upsert=true", `{"id":"`+mutP2+`","city":"Upserted"}`, auth...)
		expect(r, 201, "upsert P2")
		if p := decode[struct {
			Data struct{ CreatePerson personReply }
		}](t, r).Data.CreatePerson; p.ID != mutP2 || p.City != "Upserted" || p.JobTitle == nil || *p.JobTitle != "CTO" {
			t.Errorf("upsert of an existing record = %s", r.body)
		}
		r = post(t, "/rest/batch/people?upsert=true&fields=id,city", `[{"id":"`+mutP2+`","city":"Again"},{"id":"`+mutP3+`","city":"New"}]`, auth...)
		if diff := cmp.Diff(`{"data":{"createPeople":[{"city":"Again","id":"`+mutP2+`"},{"city":"New","id":"`+mutP3+`"}]}}`, strings.TrimSpace(string(r.body))); r.status != 201 || diff != "" {
			t.Errorf("batch upsert = %d (-want +got):\n%s", r.status, diff)
		}
		if r := post(t, "/rest/people", `{"id":"`+mutP3+`"}`, auth...); r.status != 400 {
			t.Errorf("create of an existing id without upsert = %d %s", r.status, r.body)
		}
		// destroyMany by filter answers the ids.
		r = send(http.MethodDelete, "/rest/people?filter=id[in]:["+mutP2+","+mutP3+"]", "")
		if diff := cmp.Diff(`{"data":{"deletePeople":[{"id":"`+mutP2+`"},{"id":"`+mutP3+`"}]}}`, strings.TrimSpace(string(r.body))); r.status != 200 || diff != "" {
			t.Errorf("DELETE by filter = %d (-want +got):\n%s", r.status, diff)
		}
		if r := get(t, "/rest/people", auth...); decode[peoplePage](t, r).TotalCount != 0 {
			t.Errorf("people left: %s", r.body)
		}
	})
}
