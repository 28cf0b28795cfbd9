package gqlapi

import (
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// The types of group-bys that every schema has (GroupByDateGranularityInputTypeGenerator in
// workspace-schema-builder/graphql-type-generators/input-types/group-by-input/
// group-by-date-granularity-gql-input-type.generator.ts; the granularities are twenty-shared's
// ObjectRecordGroupByDateGranularity, the week days its FirstDayOfTheWeek).
const groupBySharedSDL = `"""Date granularity (e.g. day, month, quarter, year, week, day of the week, quarter of the year, month of the year)"""
enum DateGranularityEnum {
  DAY
  MONTH
  QUARTER
  YEAR
  WEEK
  DAY_OF_THE_WEEK
  MONTH_OF_THE_YEAR
  QUARTER_OF_THE_YEAR
  NONE
}

"""First day of the week (MONDAY, SUNDAY, SATURDAY)"""
enum FirstDayOfTheWeek {
  MONDAY
  SUNDAY
  SATURDAY
}

input GroupByDateGranularityInput {
  """Date granularity (e.g. day, month, quarter, year, week, day of the week, quarter of the year, month of the year)"""
  granularity: DateGranularityEnum
  """First day of the week (only applicable when granularity is WEEK). Defaults to MONDAY if not specified."""
  weekStartDay: FirstDayOfTheWeek
  """Timezone used to compute the aggregate value and in which is expressed the granular period, for example a day in UTC-12 is not the same period as a day in UTC+3, the requester needs to precise this otherwise the server will assume a timezone and the requester cannot know in which timezone the aggregate values are computed."""
  timeZone: String
}

input OrderByDateGranularityInput {
  orderBy: OrderByDirection
  granularity: DateGranularityEnum
}
`

// groupBySharedTypeNames are the names groupBySharedSDL defines.
var groupBySharedTypeNames = []string{"DateGranularityEnum", "FirstDayOfTheWeek", "GroupByDateGranularityInput", "OrderByDateGranularityInput"}

// groupByArgs are the arguments of a group-by root field (getResolverArgs('groupBy') in
// workspace-schema-builder/utils/get-resolver-args.util.ts).
func groupByArgs(t *objectType) string {
	n := t.name
	return "(groupBy: [" + n + "GroupByInput!]!, filter: " + n + "FilterInput, orderBy: [" + n + "OrderByWithGroupByInput], orderByForRecords: [" +
		n + "OrderByInput], viewId: UUID, limit: Int, offsetForRecords: Int)"
}

// writeConnection writes t's {Singular}Connection, or with groupBy its
// {Singular}GroupByConnection: the aggregate fields, edges and pageInfo
// (ConnectionGqlObjectTypeGenerator), and for a group its groupByDimensionValues
// (GroupByConnectionGqlObjectTypeGenerator).
func writeConnection(b *strings.Builder, t *objectType, kind string, groupBy bool) {
	b.WriteString("type " + t.name + kind + " {\n")
	for _, a := range t.aggregates {
		writeDescription(b, "  ", a.description)
		b.WriteString("  " + a.name + ": " + a.typ + "\n")
	}
	b.WriteString("  edges: [" + t.name + "Edge!]!\n  pageInfo: PageInfo!\n")
	if groupBy {
		b.WriteString("  groupByDimensionValues: JSON!\n")
	}
	b.WriteString("}\n\n")
}

// writeGroupBy writes the types of t's group-by: its group connection, its GroupByInput
// (ObjectMetadataGroupByGqlInputTypeGenerator: a Boolean per scalar field and join column, the
// date granularity input for dates, a composite's own input), and its OrderByWithGroupByInput
// (ObjectMetadataOrderByWithGroupByGqlInputTypeGenerator: an aggregate to order by, or a
// dimension, dates with their granularity).
func (m *model) writeGroupBy(b *strings.Builder, t *objectType) {
	writeConnection(b, t, "GroupByConnection", true)

	writeDescription(b, "", t.obj.Description)
	b.WriteString("input " + t.name + "GroupByInput {\n")
	writeFieldInputs(b, t, "Boolean", "GroupByInput", "GroupByDateGranularityInput")
	b.WriteString("}\n\n")

	b.WriteString("\"\"\"Aggregate-based ordering\"\"\"\ninput " + t.name + "OrderByWithGroupByAggregateInput {\n")
	for _, a := range t.aggregates {
		writeDescription(b, "  ", a.description)
		b.WriteString("  " + a.name + ": OrderByDirection\n")
	}
	b.WriteString("}\n\n")

	writeDescription(b, "", t.obj.Description)
	b.WriteString("input " + t.name + "OrderByWithGroupByInput {\n")
	b.WriteString("  \"\"\"Order by aggregate values\"\"\"\n  aggregate: " + t.name + "OrderByWithGroupByAggregateInput\n")
	writeFieldInputs(b, t, "OrderByDirection", "OrderByInput", "OrderByDateGranularityInput")
	b.WriteString("}\n\n")
}

// isDate reports whether f is a DATE or DATE_TIME field, which group-bys bucket by granularity.
func isDate(f metadata.Field) bool {
	return f.Type == metadata.TypeDate || f.Type == metadata.TypeDateTime
}

// writeCompositeGroupBy writes a composite's GroupByInput: a Boolean per sub-field but those
// hidden from input (CompositeFieldMetadataGroupByGqlInputTypeGenerator).
func writeCompositeGroupBy(b *strings.Builder, t metadata.FieldType) {
	b.WriteString("input " + pascal(string(t)) + "GroupByInput {\n")
	for _, p := range t.Properties() {
		if !inputHidden(t, p) {
			b.WriteString("  " + p.Name + ": Boolean\n")
		}
	}
	b.WriteString("}\n\n")
}
