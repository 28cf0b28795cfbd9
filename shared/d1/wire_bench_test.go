package d1

import (
	"encoding/json"
	"fmt"
	"testing"
)

// benchmarkPage returns the results of a typical list request: a one-cell read, a page of
// 21 records of 32 columns, and a count.
func benchmarkPage() []byte {
	columns := []string{
		"id", "createdAt", "updatedAt", "deletedAt", "nameFirstName", "nameLastName",
		"emailsPrimaryEmail", "emailsAdditionalEmails", "linkedinLinkPrimaryLinkUrl",
		"linkedinLinkPrimaryLinkLabel", "linkedinLinkSecondaryLinks", "xLinkPrimaryLinkUrl",
		"xLinkPrimaryLinkLabel", "xLinkSecondaryLinks", "jobTitle", "phonesPrimaryPhoneNumber",
		"phonesPrimaryPhoneCountryCode", "phonesPrimaryPhoneCallingCode", "phonesAdditionalPhones",
		"city", "avatarUrl", "position", "createdBySource", "createdByWorkspaceMemberId",
		"createdByName", "createdByContext", "companyId", "searchVector", "intro",
		"whatsappPrimaryPhoneNumber", "workPreference", "performanceRating",
	}
	var rows [][]any
	for i := range 21 {
		rows = append(rows, []any{
			fmt.Sprintf("20202020-%04x-4b3c-9f6e-8d2a1c0b%04x", i, i*7),
			"2025-03-14T09:26:53.589Z", "2025-06-01T17:02:11.000Z", nil,
			fmt.Sprintf("Renée %d", i), "Nakamura-O'Brien",
			fmt.Sprintf("renee.nakamura%d@example.com", i), "[]",
			fmt.Sprintf("https://www.linkedin.com/in/renee-%d", i), "", "[]", "", "", "[]",
			"Head of Partnerships", "+14155550123", "US", "+1", "[]", "San Francisco", "",
			float64(i) + 0.5, "MANUAL", "20202020-0687-4c41-b707-ed1bfca972a7",
			"Tim Apple", "{}", nil, "", nil, "", "[\"ON_SITE\"]", int64(i % 5),
		})
	}
	type result struct {
		Columns []string `json:"columns"`
		Rows    [][]any  `json:"rows"`
		Changes int      `json:"changes"`
	}
	page := []result{
		{Columns: []string{"1"}, Rows: [][]any{{"1"}}},
		{Columns: columns, Rows: rows},
		{Columns: []string{"totalCount"}, Rows: [][]any{{int64(1234)}}},
	}
	data, err := json.Marshal(page)
	if err != nil {
		panic(err)
	}
	return data
}

func BenchmarkDecodeBatch(b *testing.B) {
	data := benchmarkPage()
	for _, bm := range []struct {
		name   string
		decode func([]byte) ([]Result, error)
	}{
		{"encoding-json", oracleDecodeBatch},
		{"single-pass", decodeBatch},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := bm.decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
