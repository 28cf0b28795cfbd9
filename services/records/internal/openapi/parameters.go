package openapi

import (
	"github.com/twentyworkers/twenty/shared/recordquery"
)

// Page sizes of the metadata API (Twenty's computeLimitParameters(true)).
const metadataLimit = 1000

// param is a reference to a parameter component.
func param(name string) obj { return ref("parameters", name) }

// parameters returns the parameter components, as Twenty's computeParameterComponents
// (utils/parameters.utils.ts), with this backend's limits and depths, and the fields and
// omit_null_values parameters Twenty's REST reads but does not document.
func parameters(kind Kind) obj {
	limit, defaultLimit := recordquery.MaxLimit, recordquery.DefaultLimit
	limitDoc := "Limits the number of records returned: 60 when absent; larger values than 200 are clamped to 200."
	if kind == Metadata {
		limit, defaultLimit = metadataLimit, metadataLimit
		limitDoc = "Limits the number of objects returned: 1000 when absent, at most 1000."
	}
	query := func(name, doc string, schema obj) obj {
		return obj{"name": name, "in": "query", "description": doc, "required": false, "schema": schema}
	}
	withExamples := func(p obj, examples obj) obj {
		p["examples"] = examples
		return p
	}
	example := func(value, summary string) obj { return obj{"value": value, "summary": summary} }
	str := obj{"type": "string"}
	return obj{
		"idPath": obj{
			"name": "id", "in": "path", "description": "Object id.", "required": true,
			"schema": obj{"type": "string", "format": "uuid"},
		},
		"limit": query("limit", limitDoc, obj{"type": "integer", "minimum": 0, "maximum": limit, "default": defaultLimit}),
		"startingAfter": query("starting_after",
			"Returns the records after this cursor: the **endCursor** of a page's **pageInfo**.", str),
		"endingBefore": query("ending_before",
			"Returns the records before this cursor: the **startCursor** of a page's **pageInfo**. Not with starting_after.", str),
		"filter": withExamples(query("filter",
			"Format: field[COMPARATOR]:value,field2[COMPARATOR]:value2. For like and ilike, % is the wildcard (%value% matches a substring). See the filter section at the top of the page.", str),
			obj{
				"simple":       example(`createdAt[gte]:"2023-01-01"`, "A simple filter"),
				"simpleNested": example("emails.primaryEmail[eq]:foo99@example.com", "A filter on a composite field's sub-field"),
				"complex":      example(`or(createdAt[gte]:"2024-01-01",createdAt[lte]:"2023-01-01",not(id[is]:NULL))`, "Nested conjunctions"),
				"like":         example(`name[like]:"%value%"`, "Pattern matching"),
			}),
		"orderBy": withExamples(query("order_by",
			"Format: field_name_1,field_name_2[DIRECTION_2], with AscNullsFirst (the default), AscNullsLast, DescNullsFirst or DescNullsLast. Ties are ordered by id.", str),
			obj{
				"simple":  example("createdAt", "One field, ascending"),
				"complex": example("id[AscNullsFirst],createdAt[DescNullsLast]", "Several fields and directions"),
			}),
		"depth": query("depth", `Determines the level of nested related objects to include in the response.
    - 0: the record only; its to-one relations as their ids (companyId)
    - 1: also the records its to-one relations point at (company), without their own relations`,
			obj{"type": "integer", "enum": arr{0, 1}, "default": 0}),
		"upsert": query("upsert", "If true, creates the record or updates it if it already exists.",
			obj{"type": "boolean", "default": false}),
		"softDelete": query("soft_delete", "If true, soft deletes the records (they can be restored). If false, they are permanently deleted.",
			obj{"type": "boolean", "default": false}),
		"fields": withExamples(query("fields", "The fields to answer, separated by commas; all fields when absent.", str),
			obj{"simple": example("id,name", "Only the id and name")}),
		"omitNullValues": query("omit_null_values", "If true, fields whose value is null are left out of the records.",
			obj{"type": "boolean", "default": false}),
		"groupBy": withExamples(obj{
			"name": "group_by", "in": "query", "required": true, "schema": str,
			"description": "A JSON array of the fields to group by. Each element names a field, optionally a sub-field or, for dates, a granularity.",
		}, obj{
			"simple":          example(`[{"updatedAt": true}]`, "Group by a single field"),
			"subfield":        example(`[{"name": {"firstName": true}}]`, "Group by a composite field's sub-field"),
			"dateGranularity": example(`[{"createdAt": {"granularity": "MONTH"}}]`, "Group by date with granularity (DAY, MONTH, QUARTER, YEAR, DAY_OF_THE_WEEK, MONTH_OF_THE_YEAR, QUARTER_OF_THE_YEAR)"),
		}),
		"viewId": query("view_id", "View ID to apply filters from.", obj{"type": "string", "format": "uuid"}),
		"aggregate": withExamples(query("aggregate", "A JSON array of the aggregate operations to compute for each group.", str),
			obj{
				"count":    example(`["countNotEmptyId"]`, "Count non-empty IDs in each group"),
				"multiple": example(`["countNotEmptyId", "maxAmountAmountMicros"]`, "Several aggregate operations"),
			}),
		"includeRecordsSample": query("include_records_sample", "If true, includes a sample of records for each group in the response.",
			obj{"type": "boolean", "default": false}),
		"orderByForRecords": withExamples(query("order_by_for_records",
			"Order of the records within each group, as order_by. Only applies when include_records_sample is true.", str),
			obj{"simple": example("createdAt", "Order records by createdAt")}),
	}
}
