package pgfixture

import (
	"context"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// seedRecords fills the workspace's tables and answers how many people are soft-deleted.
func seedRecords(ctx context.Context, conn *pgx.Conn, f Fixture) (int, error) {
	r := mrand.New(mrand.NewPCG(20, 20))
	base := time.Date(2024, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	ts := func(i int) time.Time { return base.Add(time.Duration(i) * 7919 * time.Millisecond) }
	ws := f.Schema
	copyRows := func(table string, cols []string, rows [][]any) error {
		_, err := conn.CopyFrom(ctx, pgx.Identifier{ws, table}, cols, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("seed %s: %w", table, err)
		}
		return nil
	}
	if err := copyRows("workspaceMember", []string{"id", "nameFirstName", "nameLastName", "userEmail", "userId", "locale", "timeFormat"},
		[][]any{{f.MemberID, "Tim", "Apple", f.Email, f.UserID, "fr-FR", "HOUR_24"}, {f.SalesMemberID, "Sal", "Esrep", f.SalesEmail, f.SalesUserID, "en", "SYSTEM"}}); err != nil {
		return 0, err
	}
	companies := make([]string, f.Sizes.Companies)
	rows := make([][]any, len(companies))
	for i := range companies {
		companies[i] = newID()
		var arr, owner any
		if i%3 == 0 {
			arr = int64(r.IntN(1000)) * 1_000_000_000
			owner = f.MemberID
		}
		var deleted any
		if i%50 == 49 {
			deleted = ts(i + 5000)
		}
		rows[i] = []any{companies[i], ts(i), ts(i + 100), deleted, fmt.Sprintf("Company %04d ü", i), fmt.Sprintf("https://c%d.example.com", i),
			`[{"url": "https://alt.example.com", "label": "alt"}]`, float64(r.IntN(5000)), arr, "USD", "1 Infinite Loop", "Cupertino", "United States",
			i%2 == 0, float64(i) + 0.5, "IMPORT", owner, "Tim Apple", `{"provider": "csv"}`, owner}
	}
	if err := copyRows("company", []string{"id", "createdAt", "updatedAt", "deletedAt", "name", "domainNamePrimaryLinkUrl", "domainNameSecondaryLinks",
		"employees", "annualRecurringRevenueAmountMicros", "annualRecurringRevenueCurrencyCode", "addressAddressStreet1", "addressAddressCity",
		"addressAddressCountry", "idealCustomerProfile", "position", "createdBySource", "createdByWorkspaceMemberId", "createdByName", "createdByContext", "accountOwnerId"}, rows); err != nil {
		return 0, err
	}
	people := make([]string, f.Sizes.People)
	rows = make([][]any, len(people))
	deletedPeople := 0
	for i := range people {
		people[i] = newID()
		var deleted, email, company any
		if i%97 == 13 {
			deleted = ts(i + 20000)
			deletedPeople++
		}
		if i%10 != 0 {
			email = fmt.Sprintf("person%05d@example.com", i)
		}
		if len(companies) > 0 && i%4 != 0 {
			company = companies[r.IntN(len(companies))]
		}
		rows[i] = []any{people[i], ts(i), ts(i + 7), deleted, fmt.Sprintf("First%d", i), fmt.Sprintf("Last 'quoted' %d", i%500), email,
			`["alt@example.com"]`, []string{"CEO", "CTO", "Engineer", ""}[i%4], "Paris", "+33 6 12 34 56 78", "FR", "+33", `[]`,
			float64(i), "MANUAL", company}
	}
	if err := copyRows("person", []string{"id", "createdAt", "updatedAt", "deletedAt", "nameFirstName", "nameLastName", "emailsPrimaryEmail",
		"emailsAdditionalEmails", "jobTitle", "city", "phonesPrimaryPhoneNumber", "phonesPrimaryPhoneCountryCode", "phonesPrimaryPhoneCallingCode",
		"phonesAdditionalPhones", "position", "createdBySource", "companyId"}, rows); err != nil {
		return 0, err
	}
	stages := []string{"NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"}
	opps := make([]string, f.Sizes.Opportunities)
	rows = make([][]any, len(opps))
	for i := range opps {
		opps[i] = newID()
		var contact, company any
		if len(people) > 0 {
			contact = people[r.IntN(len(people))]
		}
		if len(companies) > 0 {
			company = companies[r.IntN(len(companies))]
		}
		rows[i] = []any{opps[i], ts(i), ts(i), fmt.Sprintf("Deal %d", i), int64(r.IntN(100000)) * 1_000_000, "EUR", ts(i + 90000),
			stages[i%len(stages)], float64(-i), contact, company}
	}
	if err := copyRows("opportunity", []string{"id", "createdAt", "updatedAt", "name", "amountAmountMicros", "amountCurrencyCode", "closeDate",
		"stage", "position", "pointOfContactId", "companyId"}, rows); err != nil {
		return 0, err
	}
	rockets := make([]string, f.Sizes.Rockets)
	rows = make([][]any, len(rockets))
	fuels := []any{"KEROSENE", "HYDROGEN", "METHANE", nil}
	for i := range rockets {
		rockets[i] = newID()
		var builder any
		if len(companies) > 0 && i%5 != 0 {
			builder = companies[i%len(companies)]
		}
		var deleted any
		if i%10 == 3 {
			deleted = ts(i + 1)
		}
		rows[i] = []any{rockets[i], ts(i), ts(i), deleted, fmt.Sprintf("Falcon %d", i), float64(i), fuels[i%len(fuels)],
			[]string{"reusable", fmt.Sprintf("v%d", i%3)}, ts(i * 1000), builder}
	}
	if err := copyRows("_rocket", []string{"id", "createdAt", "updatedAt", "deletedAt", "name", "position", "fuel", "tags", "launchedAt", "builderId"}, rows); err != nil {
		return 0, err
	}
	notes := make([]string, f.Sizes.Notes)
	rows = make([][]any, len(notes))
	var targets [][]any
	for i := range notes {
		notes[i] = newID()
		rows[i] = []any{notes[i], ts(i), ts(i), fmt.Sprintf("Call #%d", i),
			fmt.Sprintf(`[{"type":"paragraph","content":[{"type":"text","text":"Note %d — ☎"}]}]`, i), fmt.Sprintf("Note %d — ☎", i), float64(i)}
		var p, c, o, rk any
		switch i % 4 {
		case 0:
			if len(people) > 0 {
				p = people[r.IntN(len(people))]
			}
		case 1:
			if len(companies) > 0 {
				c = companies[r.IntN(len(companies))]
			}
		case 2:
			if len(opps) > 0 {
				o = opps[r.IntN(len(opps))]
			}
		default:
			if len(rockets) > 0 {
				rk = rockets[r.IntN(len(rockets))]
			}
		}
		targets = append(targets, []any{newID(), ts(i), ts(i), notes[i], p, c, o, rk})
	}
	if err := copyRows("note", []string{"id", "createdAt", "updatedAt", "title", "bodyV2Blocknote", "bodyV2Markdown", "position"}, rows); err != nil {
		return 0, err
	}
	if err := copyRows("noteTarget", []string{"id", "createdAt", "updatedAt", "noteId", "personId", "companyId", "opportunityId", "rocketId"}, targets); err != nil {
		return 0, err
	}
	return deletedPeople, nil
}
