// Package views is Twenty's views: a workspace's saved lists of an object's records with their
// fields, filters, filter groups, sorts, groups and field groups, kept in the control database
// (migrations/0013_views.sql) beside the objects they describe. kinds.go describes each entity
// once (its table, its columns and how Twenty's inputs set them), store.go reads and writes any of
// them from that description, defaults.go makes the "All" views of new objects, and filter.go
// turns a view's filters into a record filter for group-by's viewId.
package views

// colType is how a column's value is stored and shown.
type colType int

const (
	tString colType = iota // TEXT, a JSON string
	tID                    // TEXT holding a UUID
	tFloat                 // REAL, a JSON number
	tInt                   // INTEGER, a JSON integer
	tBool                  // INTEGER 0 or 1, a JSON boolean
	tJSON                  // TEXT holding JSON, shown as the JSON value
)

// column is one property of an entity: its key in Twenty's DTO and inputs, its SQL column, and
// how inputs set it.
type column struct {
	key  string
	sql  string
	typ  colType
	enum []string // the values an enum takes; nil for any
	// required: a create input must give it (not null).
	required bool
	// def is what a create input without it stores; nil stores NULL.
	def any
	// create and update say whether a create input or an update may set it.
	create, update bool
}

// Kind is one of Twenty's view entities.
type Kind struct {
	// Name is Twenty's entity name (view, viewField, …).
	Name string
	// label names it in Twenty's messages ("View", "View field", …).
	label string
	table string
	cols  []column
	// order is the ORDER BY of its lists.
	order string
	// universal entities show universalIdentifier and applicationId (View, ViewField).
	universal bool
}

// Twenty's enums (twenty-shared/types), as schema.d.ts has them.
var (
	viewTypes = []string{"TABLE", "KANBAN", "CALENDAR", "LIST", "FIELDS_WIDGET", "TABLE_WIDGET", "KANBAN_WIDGET",
		"LIST_WIDGET", "CALENDAR_WIDGET"}
	viewKeys           = []string{"INDEX"}
	openRecordIns      = []string{"SIDE_PANEL", "RECORD_PAGE"}
	calendarLayouts    = []string{"DAY", "WEEK", "MONTH"}
	visibilities       = []string{"WORKSPACE", "UNLISTED"}
	aggregateOps       = []string{"MIN", "MAX", "AVG", "SUM", "COUNT", "COUNT_UNIQUE_VALUES", "COUNT_EMPTY", "COUNT_NOT_EMPTY", "COUNT_TRUE", "COUNT_FALSE", "PERCENTAGE_EMPTY", "PERCENTAGE_NOT_EMPTY"}
	filterOperands     = []string{"IS", "IS_NOT_NULL", "IS_NOT", "LESS_THAN_OR_EQUAL", "GREATER_THAN_OR_EQUAL", "IS_BEFORE", "IS_AFTER", "CONTAINS", "DOES_NOT_CONTAIN", "IS_EMPTY", "IS_NOT_EMPTY", "IS_RELATIVE", "IS_IN_PAST", "IS_IN_FUTURE", "IS_TODAY", "VECTOR_SEARCH"}
	logicalOperators   = []string{"AND", "OR", "NOT"}
	sortDirections     = []string{"ASC", "DESC"}
	viewIDColumn       = column{key: "viewId", sql: "view_id", typ: tID, required: true, create: true}
	fieldMetadataIDCol = column{key: "fieldMetadataId", sql: "field_metadata_id", typ: tID, required: true, create: true}
)

// defaultFieldSize is Twenty's DEFAULT_VIEW_FIELD_SIZE, a view field's width when none is given.
const defaultFieldSize = 180.0

// The kinds, with Twenty's DTO properties (schema.d.ts) and the defaults of its create inputs
// (view/dtos/inputs, view-*/dtos/inputs and the flat-*-to-create utils).
var (
	View = &Kind{Name: "view", label: "View", table: "view", universal: true, order: "position, created_at, id", cols: []column{
		{key: "name", sql: "name", typ: tString, required: true, create: true, update: true},
		{key: "objectMetadataId", sql: "object_metadata_id", typ: tID, required: true, create: true},
		{key: "type", sql: "type", typ: tString, enum: viewTypes, def: "TABLE", create: true, update: true},
		{key: "key", sql: "view_key", typ: tString, enum: viewKeys, create: true},
		{key: "icon", sql: "icon", typ: tString, required: true, create: true, update: true},
		{key: "position", sql: "position", typ: tFloat, def: 0.0, create: true, update: true},
		{key: "isCompact", sql: "is_compact", typ: tBool, def: false, create: true, update: true},
		{key: "isCustom", sql: "is_custom", typ: tBool, def: true},
		{key: "openRecordIn", sql: "open_record_in", typ: tString, enum: openRecordIns, def: "SIDE_PANEL", create: true, update: true},
		{key: "kanbanAggregateOperation", sql: "kanban_aggregate_operation", typ: tString, enum: aggregateOps, create: true, update: true},
		{key: "kanbanAggregateOperationFieldMetadataId", sql: "kanban_aggregate_operation_field_metadata_id", typ: tID, create: true, update: true},
		{key: "mainGroupByFieldMetadataId", sql: "main_group_by_field_metadata_id", typ: tID, create: true, update: true},
		{key: "shouldHideEmptyGroups", sql: "should_hide_empty_groups", typ: tBool, def: false, create: true, update: true},
		{key: "kanbanColumnWidth", sql: "kanban_column_width", typ: tInt, create: true, update: true},
		{key: "groupLoadLimit", sql: "group_load_limit", typ: tInt, create: true, update: true},
		{key: "calendarFieldMetadataId", sql: "calendar_field_metadata_id", typ: tID, create: true, update: true},
		{key: "calendarEndFieldMetadataId", sql: "calendar_end_field_metadata_id", typ: tID, create: true, update: true},
		{key: "calendarLayout", sql: "calendar_layout", typ: tString, enum: calendarLayouts, create: true, update: true},
		{key: "anyFieldFilterValue", sql: "any_field_filter_value", typ: tString, create: true, update: true},
		{key: "visibility", sql: "visibility", typ: tString, enum: visibilities, def: "WORKSPACE", create: true, update: true},
		{key: "createdByUserWorkspaceId", sql: "created_by_user_workspace_id", typ: tID},
		{key: "isSystemSideEffect", sql: "is_system_side_effect", typ: tBool, def: false},
		{key: "isActive", sql: "is_active", typ: tBool, def: true},
	}}
	ViewField = &Kind{Name: "viewField", label: "View field", table: "view_field", universal: true, order: "position, created_at, id", cols: []column{
		viewIDColumn, fieldMetadataIDCol,
		{key: "isVisible", sql: "is_visible", typ: tBool, def: true, create: true, update: true},
		{key: "size", sql: "size", typ: tFloat, def: defaultFieldSize, create: true, update: true},
		{key: "position", sql: "position", typ: tFloat, def: 0.0, create: true, update: true},
		{key: "aggregateOperation", sql: "aggregate_operation", typ: tString, enum: aggregateOps, create: true, update: true},
		{key: "viewFieldGroupId", sql: "view_field_group_id", typ: tID, create: true, update: true},
		{key: "isSystemSideEffect", sql: "is_system_side_effect", typ: tBool, def: false},
		{key: "isOverridden", sql: "is_overridden", typ: tBool, def: false},
		{key: "isActive", sql: "is_active", typ: tBool, def: true},
	}}
	ViewFilter = &Kind{Name: "viewFilter", label: "View filter", table: "view_filter", order: "position_in_view_filter_group, created_at, id", cols: []column{
		viewIDColumn,
		{key: "fieldMetadataId", sql: "field_metadata_id", typ: tID, required: true, create: true, update: true},
		{key: "operand", sql: "operand", typ: tString, enum: filterOperands, def: "IS", create: true, update: true},
		{key: "value", sql: "value", typ: tJSON, required: true, create: true, update: true},
		{key: "viewFilterGroupId", sql: "view_filter_group_id", typ: tID, create: true, update: true},
		{key: "positionInViewFilterGroup", sql: "position_in_view_filter_group", typ: tFloat, create: true, update: true},
		{key: "subFieldName", sql: "sub_field_name", typ: tString, create: true, update: true},
		{key: "relationTargetFieldMetadataId", sql: "relation_target_field_metadata_id", typ: tID, create: true, update: true},
	}}
	ViewFilterGroup = &Kind{Name: "viewFilterGroup", label: "View filter group", table: "view_filter_group", order: "position_in_view_filter_group, created_at, id", cols: []column{
		viewIDColumn,
		{key: "parentViewFilterGroupId", sql: "parent_view_filter_group_id", typ: tID, create: true, update: true},
		{key: "logicalOperator", sql: "logical_operator", typ: tString, enum: logicalOperators, def: "AND", create: true, update: true},
		{key: "positionInViewFilterGroup", sql: "position_in_view_filter_group", typ: tFloat, create: true, update: true},
	}}
	ViewSort = &Kind{Name: "viewSort", label: "View sort", table: "view_sort", order: "created_at, id", cols: []column{
		viewIDColumn, fieldMetadataIDCol,
		{key: "direction", sql: "direction", typ: tString, enum: sortDirections, def: "ASC", create: true, update: true},
		{key: "subFieldName", sql: "sub_field_name", typ: tString, create: true, update: true},
	}}
	ViewGroup = &Kind{Name: "viewGroup", label: "View group", table: "view_group", order: "position, created_at, id", cols: []column{
		viewIDColumn,
		{key: "isVisible", sql: "is_visible", typ: tBool, def: true, create: true, update: true},
		{key: "fieldValue", sql: "field_value", typ: tString, required: true, create: true, update: true},
		{key: "position", sql: "position", typ: tFloat, def: 0.0, create: true, update: true},
	}}
	ViewFieldGroup = &Kind{Name: "viewFieldGroup", label: "View field group", table: "view_field_group", order: "position, created_at, id", cols: []column{
		viewIDColumn,
		{key: "name", sql: "name", typ: tString, required: true, create: true, update: true},
		{key: "position", sql: "position", typ: tFloat, def: 0.0, create: true, update: true},
		{key: "isVisible", sql: "is_visible", typ: tBool, def: true, create: true, update: true},
		{key: "isOverridden", sql: "is_overridden", typ: tBool, def: false},
		{key: "isActive", sql: "is_active", typ: tBool, def: true},
	}}
)

// parts are the kinds a view carries, with the property of View that lists them.
var parts = []struct {
	kind *Kind
	key  string
}{
	{ViewField, "viewFields"}, {ViewFilter, "viewFilters"}, {ViewFilterGroup, "viewFilterGroups"},
	{ViewSort, "viewSorts"}, {ViewGroup, "viewGroups"}, {ViewFieldGroup, "viewFieldGroups"},
}
