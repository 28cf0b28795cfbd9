//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// peoplePage is GET /rest/people's answer, with what the examples look at.
type peoplePage struct {
	Data struct {
		People []struct {
			ID        string
			Position  float64
			CompanyID *string `json:"companyId"`
			Company   *struct {
				ID         string
				DomainName *struct{ PrimaryLinkURL string } `json:"domainName"`
				People     any
			}
		}
	}
	TotalCount int
	PageInfo   struct {
		HasNextPage     bool
		HasPreviousPage bool
		StartCursor     *string
		EndCursor       *string
	}
}

func (p peoplePage) positions() []float64 {
	out := []float64{}
	for _, r := range p.Data.People {
		out = append(out, r.Position)
	}
	return out
}

func (p peoplePage) ids() []string {
	out := []string{}
	for _, r := range p.Data.People {
		out = append(out, r.ID)
	}
	return out
}

// TestRESTFindManyExamples replays Twenty's examples 8–16 (reference §9) on 4 people with
// positions 0..3, one of them in a company.
func TestRESTFindManyExamples(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	r := post(t, "/rest/companies", `{"name":"Acme","domainName":{"primaryLinkUrl":"https://acme.example"}}`, auth...)
	company := decode[struct {
		Data struct{ CreateCompany struct{ ID string } }
	}](t, r).Data.CreateCompany.ID
	var people []string
	for i := range 4 {
		body := fmt.Sprintf(`{"position":%d,"name":{"firstName":"P%d","lastName":"Test"}}`, i, i)
		if i == 0 {
			body = fmt.Sprintf(`{"position":0,"companyId":"%s"}`, company)
		}
		people = append(people, body)
	}
	if r := post(t, "/rest/batch/people", "["+strings.Join(people, ",")+"]", auth...); r.status != 201 {
		t.Fatalf("seeding = %d %s", r.status, r.body)
	}
	list := func(query string) peoplePage {
		t.Helper()
		r := get(t, "/rest/people?"+query, auth...)
		if r.status != 200 {
			t.Fatalf("GET /rest/people?%s = %d %s", query, r.status, r.body)
		}
		return decode[peoplePage](t, r)
	}

	// 8. All four, one page, with cursors.
	p := list("")
	if p.TotalCount != 4 || p.PageInfo.HasNextPage || p.PageInfo.StartCursor == nil || p.PageInfo.EndCursor == nil {
		t.Errorf("8: totalCount %d hasNextPage %v cursors %v %v", p.TotalCount, p.PageInfo.HasNextPage, p.PageInfo.StartCursor, p.PageInfo.EndCursor)
	}
	// 9. limit.
	if p := list("limit=3"); len(p.Data.People) != 3 || p.TotalCount != 4 || !p.PageInfo.HasNextPage {
		t.Errorf("9: %d people, totalCount %d, hasNextPage %v", len(p.Data.People), p.TotalCount, p.PageInfo.HasNextPage)
	}
	// 10. lte and lt.
	for _, f := range []string{"position[lte]:1", "position[lt]:2"} {
		if p := list("filter=" + url.QueryEscape(f)); len(p.Data.People) != 2 || p.TotalCount != 2 {
			t.Errorf("10: %s gives %d people, totalCount %d", f, len(p.Data.People), p.TotalCount)
		}
	}
	// 11. starting_after the first page's start cursor gives its second record.
	first := list("limit=2&order_by=position")
	if got := list("limit=1&order_by=position&starting_after=" + url.QueryEscape(*first.PageInfo.StartCursor)).ids(); !cmp.Equal(got, first.ids()[1:2]) {
		t.Errorf("11: after the start cursor = %v, want %v", got, first.ids()[1:2])
	}
	// 12. ending_before the end cursor of a page of 4 gives its items 1 and 2.
	four := list("limit=4&order_by=position")
	if got := list("limit=2&order_by=position&ending_before=" + url.QueryEscape(*four.PageInfo.EndCursor)).ids(); !cmp.Equal(got, four.ids()[1:3]) {
		t.Errorf("12: before the end cursor = %v, want %v", got, four.ids()[1:3])
	}
	// 13. Descending with pagination.
	desc := list("order_by=" + url.QueryEscape("position[DescNullsLast]") + "&limit=2")
	if diff := cmp.Diff([]float64{3, 2}, desc.positions()); diff != "" || !desc.PageInfo.HasNextPage {
		t.Errorf("13: first page positions (-want +got):\n%s hasNextPage %v", diff, desc.PageInfo.HasNextPage)
	}
	next := list("order_by=" + url.QueryEscape("position[DescNullsLast]") + "&limit=2&starting_after=" + url.QueryEscape(*desc.PageInfo.EndCursor))
	if got := next.positions(); len(got) == 0 || got[0] != 1 {
		t.Errorf("13: second page positions = %v, want to start at 1", got)
	}
	// 14 and 15 are 400s: see TestRESTFindMany; ordering by a composite root too.
	if r := get(t, "/rest/people?order_by="+url.QueryEscape("name[AscNullsLast]"), auth...); r.status != 400 {
		t.Errorf("15: order by a composite root = %d %s, want 400", r.status, r.body)
	}
	// 16. depth 1 embeds the company without its own relations; depth 0 has only companyId.
	deep := list("depth=1&filter=" + url.QueryEscape("position[eq]:0"))
	if len(deep.Data.People) != 1 || deep.Data.People[0].Company == nil || deep.Data.People[0].Company.DomainName == nil || deep.Data.People[0].Company.People != nil {
		t.Errorf("16: depth 1 = %+v, want the company with its domainName and no people", deep.Data.People)
	}
	flat := list("depth=0&filter=" + url.QueryEscape("position[eq]:0"))
	if len(flat.Data.People) != 1 || flat.Data.People[0].CompanyID == nil || *flat.Data.People[0].CompanyID != company || flat.Data.People[0].Company != nil {
		t.Errorf("16: depth 0 = %+v, want companyId and no company", flat.Data.People)
	}
}
