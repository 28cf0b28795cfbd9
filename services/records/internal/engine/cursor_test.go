package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// cursorRecord is the definition of the cursors cursorEncoder encodes: it returns the stored values of the ordering's columns, keyed as
// recordquery.EncodeCursor reads them (composite sub-fields nested under their field). Cursors
// carry stored values, not shown ones (a link without its trailing slash, "" for NULL), so that
// the keyset predicate compares like with like.
func cursorRecord(leaves []orderLeaf, get columns) (map[string]any, []recordquery.Order) {
	rec := map[string]any{}
	orders := make([]recordquery.Order, len(leaves))
	for i, l := range leaves {
		orders[i] = recordquery.Order{Field: l.key(), Direction: l.dir}
		v := get(l.column.Name)
		if n, ok := v.(int64); ok && l.column.Type == metadata.TypeBoolean {
			v = n != 0
		}
		if l.prop == nil {
			rec[l.key()] = v
			continue
		}
		sub, ok := rec[l.field.Name].(map[string]any)
		if !ok {
			sub = map[string]any{}
			rec[l.field.Name] = sub
		}
		sub[l.prop.Name] = v
	}
	return rec, orders
}

// TestCursorEncoder checks the cursors of the records of pages under many orderings against
// recordquery.EncodeCursor of cursorRecord: clients send cursors back, they must not change.
func TestCursorEncoder(t *testing.T) {
	db := newDB(t, wsA)
	seed(t, db, wsA)
	tests := []struct{ object, params string }{
		{"person", ""},
		{"person", "order_by=position[DescNullsLast]"},
		{"person", "order_by=name.lastName[AscNullsFirst],position,name.firstName[DescNullsFirst]"},
		{"person", "order_by=city[AscNullsLast],emails.primaryEmail,companyId[DescNullsLast]"},
		{"person", "order_by=id[DescNullsFirst],name.firstName"},
		{"person", "order_by=emails.additionalEmails,createdBy.source,createdBy.name,name.firstName"},
		{"company", "order_by=domainName.primaryLinkUrl,annualRecurringRevenue.amountMicros[DescNullsLast],idealCustomerProfile"},
		{"company", "order_by=employees[AscNullsLast],name"},
		{"pet", "order_by=vaccinated[DescNullsLast],weight,price.currencyCode,price.amountMicros,born"},
		{"pet", "order_by=species,tags,nicknames,data"},
	}
	c := Compiler{Objects: objects()}
	for _, tt := range tests {
		obj := object(t, tt.object)
		p, err := c.compile(wsA, obj, parse(t, tt.params))
		if err != nil {
			t.Fatalf("%s %s: %v", tt.object, tt.params, err)
		}
		res, err := db.Batch(t.Context(), p.page)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.object, tt.params, err)
		}
		if len(res[0].Rows) == 0 {
			t.Fatalf("%s %s: no rows", tt.object, tt.params)
		}
		index := columnIndex(res[0])
		enc := newCursorEncoder(p.leaves)
		var got, want []string
		for _, row := range res[0].Rows {
			get := rowColumns(index, row)
			got = append(got, enc.encode(get))
			values, orders := cursorRecord(p.leaves, get)
			want = append(want, recordquery.EncodeCursor(orders, values))
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("%s %s: cursors mismatch (-got +want):\n%s", tt.object, tt.params, diff)
		}
	}
}
