//go:build e2e

package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Client-chosen ids of the merge, duplicates and group-by examples, in id order.
const (
	mdP1    = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2a01"
	mdP2    = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2a02"
	mdJohn1 = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2b01"
	mdJohn2 = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2b02"
	mdPhil  = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2b03"
	mdC1    = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2c01"
	mdC2    = "5c2a9e10-7b3d-4f1e-8a20-6d4c1b0e2c02"
)

// TestRESTMergeDuplicatesGroupByExamples replays Twenty's examples 21 (merge), 22 (find
// duplicates) and 27 (group by) of reference §9.
func TestRESTMergeDuplicatesGroupByExamples(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	send, expect := sender(t, auth)

	t.Run("21 merge", func(t *testing.T) {
		expect(post(t, "/rest/batch/people", `[{"id":"`+mdP1+`","city":"Paris"},{"id":"`+mdP2+`","jobTitle":"CTO"}]`, auth...), 201, "create P1 and P2")
		merge := func(dryRun string) reply {
			return send(http.MethodPatch, "/rest/people/merge", `{"ids":["`+mdP1+`","`+mdP2+`"],"conflictPriorityIndex":0,"dryRun":`+dryRun+`}`)
		}
		r := merge("true")
		expect(r, 200, "dry run merge")
		dry := decode[struct {
			Data struct{ MergePerson personReply } `json:"data"`
		}](t, r).Data.MergePerson
		if dry.ID == mdP1 || dry.ID == mdP2 || dry.City != "Paris" || dry.JobTitle == nil || *dry.JobTitle != "CTO" || dry.DeletedAt == nil {
			t.Errorf("dry run = %s, want the merged record under a new id, deleted", r.body)
		}
		expect(get(t, "/rest/people/"+mdP1, auth...), 200, "GET P1 after a dry run")
		expect(get(t, "/rest/people/"+mdP2, auth...), 200, "GET P2 after a dry run")

		r = merge("false")
		expect(r, 200, "merge")
		merged := decode[struct {
			Data struct{ MergePerson personReply } `json:"data"`
		}](t, r).Data.MergePerson
		if merged.ID != mdP1 || merged.City != "Paris" || merged.JobTitle == nil || *merged.JobTitle != "CTO" {
			t.Errorf("merge = %s, want P1 with P2's job title", r.body)
		}
		expect(get(t, "/rest/people/"+mdP1, auth...), 200, "GET P1 after the merge")
		r = get(t, "/rest/people/"+mdP2, auth...)
		if diff := cmp.Diff(envelope{404, "NotFoundException", []string{"Record not found"}}, decode[envelope](t, r)); r.status != 404 || diff != "" {
			t.Errorf("GET P2 after the merge = %d (-want +got):\n%s", r.status, diff)
		}
		r = merge("false")
		if diff := cmp.Diff(envelope{404, "NotFoundException", []string{"Record not found"}}, decode[envelope](t, r)); r.status != 404 || diff != "" {
			t.Errorf("merging P2 again = %d (-want +got):\n%s", r.status, diff)
		}
	})

	t.Run("22 find duplicates", func(t *testing.T) {
		expect(post(t, "/rest/batch/people", `[{"id":"`+mdJohn1+`","name":{"firstName":"John","lastName":"Doe"}},`+
			`{"id":"`+mdJohn2+`","name":{"firstName":"John","lastName":"Doe"}},{"id":"`+mdPhil+`","name":{"firstName":"Phil","lastName":"Collins"}}]`, auth...), 201, "create the people")
		type page struct {
			PersonDuplicates []personReply
			TotalCount       int
			PageInfo         struct{ HasNextPage, HasPreviousPage bool }
		}
		found := func(body string) ([][]string, []int) {
			t.Helper()
			r := post(t, "/rest/people/duplicates", body, auth...)
			expect(r, 200, "POST /rest/people/duplicates "+body)
			pages := decode[struct{ Data []page }](t, r).Data
			ids, totals := [][]string{}, []int{}
			for _, p := range pages {
				list := []string{}
				for _, d := range p.PersonDuplicates {
					list = append(list, d.ID)
				}
				ids, totals = append(ids, list), append(totals, p.TotalCount)
			}
			return ids, totals
		}
		ids, totals := found(`{"data":[{"name":{"firstName":"John","lastName":"Doe"}}]}`)
		if diff := cmp.Diff([][]string{{mdJohn1, mdJohn2}}, ids); diff != "" || totals[0] != 2 {
			t.Errorf("duplicates of John Doe: total %v (-want +got):\n%s", totals, diff)
		}
		ids, totals = found(`{"ids":["` + mdJohn1 + `"]}`)
		if diff := cmp.Diff([][]string{{mdJohn2}}, ids); diff != "" || totals[0] != 1 {
			t.Errorf("duplicates of John1: total %v (-want +got):\n%s", totals, diff)
		}
		if ids, _ := found(`{"ids":[]}`); len(ids) != 0 {
			t.Errorf("duplicates of no ids = %v, want data == []", ids)
		}
		for body, msg := range map[string]string{
			`{"data":[]}`:          `The "data" condition can not be empty when "ids" input not provided`,
			`{"data":[],"ids":[]}`: `You cannot provide both "data" and "ids" arguments`,
		} {
			r := post(t, "/rest/people/duplicates", body, auth...)
			if diff := cmp.Diff(envelope{400, "BadRequestException", []string{msg}}, decode[envelope](t, r)); r.status != 400 || diff != "" {
				t.Errorf("POST duplicates %s = %d (-want +got):\n%s", body, r.status, diff)
			}
		}
	})

	t.Run("27 group by", func(t *testing.T) {
		expect(post(t, "/rest/batch/companies", `[{"id":"`+mdC1+`","name":"Company 1","employees":10},{"id":"`+mdC2+`","name":"Company 2","employees":20}]`, auth...), 201, "create the companies")
		opp := func(n, stage, amount, company, day string) string {
			return `{"name":"Opportunity ` + n + `","stage":"` + stage + `","amount":{"amountMicros":` + amount + `},"companyId":"` + company + `","closeDate":"2025-02-0` + day + `T08:00:00.000Z"}`
		}
		expect(post(t, "/rest/batch/opportunities", "["+strings.Join([]string{
			opp("1", "NEW", "1000000000000", mdC1, "5"), // a Wednesday
			opp("2", "NEW", "2000000000000", mdC1, "6"), // a Thursday
			opp("3", "NEW", "3000000000000", mdC2, "6"),
			opp("4", "SCREENING", "4000000000000", mdC2, "6"),
		}, ",")+"]", auth...), 201, "create the opportunities")
		path := "/rest/opportunities/groupBy?group_by=" + url.QueryEscape(`[{"closeDate":{"granularity":"DAY_OF_THE_WEEK"}},{"stage":true}]`) +
			"&aggregate=" + url.QueryEscape(`["maxAmountAmountMicros"]`) + "&include_records_sample=true&limit=3&order_by_for_records=" + url.QueryEscape("name[AscNullsFirst]")
		r := get(t, path, auth...)
		expect(r, 200, "GET groupBy")
		type group struct {
			GroupByDimensionValues []string
			MaxAmountAmountMicros  string
			Records                []struct{ Name, Stage string }
		}
		groups := decode[[]group](t, r)
		type summary struct {
			Dims    []string
			Max     string
			Records []string
		}
		var got []summary
		for _, g := range groups {
			s := summary{Dims: g.GroupByDimensionValues, Max: g.MaxAmountAmountMicros}
			for _, rec := range g.Records {
				s.Records = append(s.Records, rec.Name+" "+rec.Stage)
			}
			got = append(got, s)
		}
		want := []summary{
			{[]string{"Wednesday", "NEW"}, "1000000000000", []string{"Opportunity 1 NEW"}},
			{[]string{"Thursday", "NEW"}, "3000000000000", []string{"Opportunity 2 NEW", "Opportunity 3 NEW"}},
			{[]string{"Thursday", "SCREENING"}, "4000000000000", []string{"Opportunity 4 SCREENING"}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("groups (-want +got):\n%s\n%s", diff, r.body)
		}
		if !strings.HasPrefix(string(r.body), `[{"maxAmountAmountMicros":"1000000000000","groupByDimensionValues":["Wednesday","NEW"],"records":[`) {
			t.Errorf("groupBy body starts %.120s, want a bare array of Twenty's groups", r.body)
		}
		r = get(t, "/rest/opportunities/groupBy?group_by="+url.QueryEscape(`[{"stage":true}]`)+"&filter=stage[eq]:NEW&aggregate="+url.QueryEscape(`["totalCount"]`), auth...)
		if want := `[{"totalCount":"3","groupByDimensionValues":["NEW"]}]` + "\n"; r.status != 200 || string(r.body) != want {
			t.Errorf("filtered groupBy = %d %s, want %s", r.status, r.body, want)
		}
		// Periods in a time zone with daylight saving time (a table of offsets read in SQL).
		r = get(t, "/rest/opportunities/groupBy?group_by="+url.QueryEscape(`[{"closeDate":{"granularity":"DAY","timeZone":"Europe/Paris"}}]`)+"&aggregate="+url.QueryEscape(`["totalCount"]`), auth...)
		if want := `[{"totalCount":"1","groupByDimensionValues":["2025-02-05"]},{"totalCount":"3","groupByDimensionValues":["2025-02-06"]}]` + "\n"; r.status != 200 || string(r.body) != want {
			t.Errorf("groupBy by day in Paris = %d %s, want %s", r.status, r.body, want)
		}
		r = get(t, "/rest/opportunities/groupBy?aggregate=[]", auth...)
		if e := decode[envelope](t, r); r.status != 400 || len(e.Messages) != 1 || !strings.HasPrefix(e.Messages[0], "Invalid group_by query parameter") {
			t.Errorf("groupBy without group_by = %d %s, want Twenty's 400", r.status, r.body)
		}
	})
}
