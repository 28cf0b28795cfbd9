package restquery

import (
	"strings"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// directionList is the list in Twenty's invalid-direction message.
var directionList = func() string {
	var names []string
	for _, d := range recordquery.Directions() {
		names = append(names, string(d))
	}
	return "'" + strings.Join(names, "', '") + "'"
}()

// ParseOrderBy parses a REST ordering, field_1[AscNullsFirst],field_2[DescNullsLast],field_3
// (parse-order-by-rest-request-common.util.ts in Twenty's order-by-parser-utils). An item
// without a direction sorts recordquery.DefaultDirection; a composite field's sub-field is
// field.subField. Items are not trimmed, and an empty item orders by the field "", as in
// Twenty; the engine rejects unknown fields and composite roots.
//
// The result is the client's ordering only: the engine appends the id tie-breaker, as Twenty's
// find-many query runner does.
//
// A direction other than the four is Twenty's 400. An ordering longer than MaxParamLen is this
// package's. An error is a *BadRequest.
func ParseOrderBy(s string) ([]recordquery.Order, error) {
	if len(s) > MaxParamLen {
		return nil, tooLong("order_by")
	}
	items := strings.Split(s, ",")
	orders := make([]recordquery.Order, 0, len(items))
	for _, item := range items {
		if !strings.Contains(item, "[") || !strings.Contains(item, "]") {
			orders = append(orders, recordquery.Order{Field: item, Direction: recordquery.DefaultDirection})
			continue
		}
		// As Twenty: the field is what precedes the first '[', the direction what lies between
		// it and the next '[' with its first ']' removed.
		parts := strings.SplitN(item, "[", 3)
		dir := recordquery.Direction(strings.Replace(parts[1], "]", "", 1))
		if !dir.Valid() {
			return nil, badRequestf("'order_by' direction '%s' invalid. Allowed values are %s. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3",
				dir, directionList)
		}
		orders = append(orders, recordquery.Order{Field: parts[0], Direction: dir})
	}
	return orders, nil
}
