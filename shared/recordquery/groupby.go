package recordquery

import "errors"

// GroupBy is one dimension of a group-by, an item of Twenty's group_by (REST) or groupBy
// (GraphQL): the records are grouped by a field's value ({"stage": true}), by a composite
// field's sub-field ({"amount": {"currencyCode": true}}) or by the period of a date
// ({"closeDate": {"granularity": "DAY"}}). The engine checks it against the object's fields.
type GroupBy struct {
	// Field names the field, or a many-to-one relation's join column (companyId).
	Field string
	// SubField names the composite field's sub-field whose value groups, or "".
	SubField string
	// Date groups a DATE or DATE_TIME field by period; nil groups by the value. At most one of
	// SubField and Date is set.
	Date *DateGrouping
}

// DateGrouping is how a date groups, Twenty's GroupByDateGranularityInput.
type DateGrouping struct {
	// Granularity is DAY, WEEK, MONTH, QUARTER, YEAR, DAY_OF_THE_WEEK, MONTH_OF_THE_YEAR,
	// QUARTER_OF_THE_YEAR or NONE, as the client wrote it: the engine refuses others.
	Granularity string
	// TimeZone is the IANA time zone a DATE_TIME's periods are read in; "" for UTC.
	TimeZone string
	// WeekStartDay is the first day of a WEEK: SUNDAY, SATURDAY, or MONDAY (also "").
	WeekStartDay string
}

// Twenty's messages for a group_by it cannot read (parse-group-by-rest-request.util.ts and
// parse-group-by-args.util.ts in packages/twenty-server/src/engine/api/).
const (
	// MsgInvalidGroupBy is the message of a group_by that is not an array of objects.
	MsgInvalidGroupBy = `Invalid group_by query parameter - should be a valid array of objects - ex: [{"firstField": true}, {"secondField": {"subField": true}}, {"dateField": {"granularity": 'DAY'}}]`
	// MsgGroupByFields is the message of an item naming more than one field.
	MsgGroupByFields = "You cannot provide multiple fields in one GroupByInput, split them into multiple GroupByInput"
	// MsgGroupBySubFields is the message of an item naming more than one sub-field.
	MsgGroupBySubFields = "You cannot provide multiple subfields in one GroupByInput, split them into multiple GroupByInput"
)

// ParseGroupBy reads Twenty's group-by value as the front ends decode it (REST's group_by JSON
// with encoding/json, GraphQL's [GroupByInput!]! as input objects): a list of objects of one
// member each, the field, whose value is true (its value), an object with a granularity (a
// date's periods, its timeZone and weekStartDay strings or null) or an object of one sub-field
// set to true. An empty object, null, and any other value (false, an object whose sub-field is
// not true) group by nothing and are left out: Twenty adds no dimension for them either (it
// does check that their field exists, which this reading, without metadata, cannot).
//
// Its errors are Twenty's messages, for the client as they are: MsgInvalidGroupBy,
// MsgGroupByFields, MsgGroupBySubFields, and an invalid date definition.
func ParseGroupBy(v any) ([]GroupBy, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, errors.New(MsgInvalidGroupBy)
	}
	var out []GroupBy
	for _, item := range items {
		m, ok := item.(map[string]any)
		if !ok && item != nil {
			return nil, errors.New(MsgInvalidGroupBy)
		}
		if len(m) > 1 {
			return nil, errors.New(MsgGroupByFields)
		}
		for name, def := range m {
			g, ok, err := parseGroupByItem(name, def)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

// parseGroupByItem reads field name's definition def; ok is false when it groups by nothing.
func parseGroupByItem(name string, def any) (GroupBy, bool, error) {
	if def == true {
		return GroupBy{Field: name}, true, nil
	}
	sub, ok := def.(map[string]any)
	if !ok {
		return GroupBy{}, false, nil
	}
	if g, ok := sub["granularity"]; ok {
		// A date's definition; its other members are not read.
		granularity, okG := g.(string)
		timeZone, okZ := optionalString(sub["timeZone"])
		weekStartDay, okW := optionalString(sub["weekStartDay"])
		if !okG || !okZ || !okW {
			return GroupBy{}, false, errors.New(`Invalid group by date definition for field "` + name + `"`)
		}
		return GroupBy{Field: name, Date: &DateGrouping{Granularity: granularity, TimeZone: timeZone, WeekStartDay: weekStartDay}}, true, nil
	}
	if len(sub) > 1 {
		return GroupBy{}, false, errors.New(MsgGroupBySubFields)
	}
	for subName, subDef := range sub {
		if subDef == true {
			return GroupBy{Field: name, SubField: subName}, true, nil
		}
	}
	return GroupBy{}, false, nil
}

// optionalString reads a string member that may be absent or null ("").
func optionalString(v any) (string, bool) {
	if v == nil {
		return "", true
	}
	s, ok := v.(string)
	return s, ok
}
