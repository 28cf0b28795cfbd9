package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// This file serves Twenty's views on /metadata (ViewResolver and the resolvers of its parts, as
// twenty-client-sdk's schema.d.ts types them): getViews, getView, createView, updateView,
// deleteView, destroyView, and the get/create/update/delete/destroy of view fields, filters,
// filter groups, sorts, groups and field groups, through the records Worker's ViewService. Parts
// come back as the JSON of Twenty's DTOs and are answered as they are.

// viewSDL extends authSDL's Query and Mutation and uses its UUID and DateTime and metadataSDL's
// JSON scalars.
const viewSDL = `
enum ViewType { TABLE KANBAN CALENDAR LIST FIELDS_WIDGET TABLE_WIDGET KANBAN_WIDGET LIST_WIDGET CALENDAR_WIDGET }
enum ViewKey { INDEX }
enum ViewOpenRecordIn { SIDE_PANEL RECORD_PAGE }
enum ViewCalendarLayout { DAY WEEK MONTH }
enum ViewVisibility { WORKSPACE UNLISTED }
enum AggregateOperations { MIN MAX AVG SUM COUNT COUNT_UNIQUE_VALUES COUNT_EMPTY COUNT_NOT_EMPTY COUNT_TRUE COUNT_FALSE PERCENTAGE_EMPTY PERCENTAGE_NOT_EMPTY }
enum ViewFilterOperand { IS IS_NOT_NULL IS_NOT LESS_THAN_OR_EQUAL GREATER_THAN_OR_EQUAL IS_BEFORE IS_AFTER CONTAINS DOES_NOT_CONTAIN IS_EMPTY IS_NOT_EMPTY IS_RELATIVE IS_IN_PAST IS_IN_FUTURE IS_TODAY VECTOR_SEARCH }
enum ViewFilterGroupLogicalOperator { AND OR NOT }
enum ViewSortDirection { ASC DESC }

type ViewField {
  id: UUID!
  universalIdentifier: UUID!
  applicationId: UUID!
  isSystemSideEffect: Boolean!
  fieldMetadataId: UUID!
  isVisible: Boolean!
  size: Float!
  position: Float!
  aggregateOperation: AggregateOperations
  viewId: UUID!
  viewFieldGroupId: UUID
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  isActive: Boolean!
  deletedAt: DateTime
  isOverridden: Boolean @deprecated(reason: "isOverridden is deprecated")
}

type ViewFilterGroup {
  id: UUID!
  parentViewFilterGroupId: UUID
  logicalOperator: ViewFilterGroupLogicalOperator!
  positionInViewFilterGroup: Float
  viewId: UUID!
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
}

type ViewFilter {
  id: UUID!
  fieldMetadataId: UUID!
  operand: ViewFilterOperand!
  value: JSON!
  viewFilterGroupId: UUID
  positionInViewFilterGroup: Float
  subFieldName: String
  relationTargetFieldMetadataId: UUID
  viewId: UUID!
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
}

type ViewGroup {
  id: UUID!
  isVisible: Boolean!
  fieldValue: String!
  position: Float!
  viewId: UUID!
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
}

type ViewSort {
  id: UUID!
  fieldMetadataId: UUID!
  direction: ViewSortDirection!
  subFieldName: String
  viewId: UUID!
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
}

type ViewFieldGroup {
  id: UUID!
  name: String!
  position: Float!
  isVisible: Boolean!
  viewId: UUID!
  workspaceId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  isActive: Boolean!
  deletedAt: DateTime
  viewFields: [ViewField!]!
  isOverridden: Boolean! @deprecated(reason: "isOverridden is deprecated")
}

type View {
  id: UUID!
  universalIdentifier: UUID!
  applicationId: UUID!
  isSystemSideEffect: Boolean!
  name: String!
  objectMetadataId: UUID!
  type: ViewType!
  key: ViewKey
  icon: String!
  position: Float!
  isCompact: Boolean!
  isCustom: Boolean!
  openRecordIn: ViewOpenRecordIn! @deprecated(reason: "Superseded by objectMetadata.openRecordIn and the workspace member preference; kept one release for API compatibility, no longer read by the frontend.")
  kanbanAggregateOperation: AggregateOperations
  kanbanAggregateOperationFieldMetadataId: UUID
  mainGroupByFieldMetadataId: UUID
  shouldHideEmptyGroups: Boolean!
  kanbanColumnWidth: Int
  groupLoadLimit: Int
  calendarFieldMetadataId: UUID
  calendarEndFieldMetadataId: UUID
  workspaceId: UUID!
  anyFieldFilterValue: String
  calendarLayout: ViewCalendarLayout
  createdAt: DateTime!
  updatedAt: DateTime!
  deletedAt: DateTime
  viewFields: [ViewField!]!
  viewFilters: [ViewFilter!]!
  viewFilterGroups: [ViewFilterGroup!]!
  viewSorts: [ViewSort!]!
  viewGroups: [ViewGroup!]!
  viewFieldGroups: [ViewFieldGroup!]!
  visibility: ViewVisibility!
  createdByUserWorkspaceId: UUID
  isActive: Boolean!
}

input CreateViewInput {
  id: UUID
  name: String!
  objectMetadataId: UUID!
  type: ViewType
  key: ViewKey
  icon: String!
  position: Float
  isCompact: Boolean
  shouldHideEmptyGroups: Boolean
  kanbanColumnWidth: Int
  groupLoadLimit: Int
  openRecordIn: ViewOpenRecordIn
  kanbanAggregateOperation: AggregateOperations
  kanbanAggregateOperationFieldMetadataId: UUID
  anyFieldFilterValue: String
  calendarLayout: ViewCalendarLayout
  calendarFieldMetadataId: UUID
  calendarEndFieldMetadataId: UUID
  mainGroupByFieldMetadataId: UUID
  visibility: ViewVisibility
}

input UpdateViewInput {
  id: UUID
  name: String
  type: ViewType
  icon: String
  position: Float
  isCompact: Boolean
  openRecordIn: ViewOpenRecordIn
  kanbanAggregateOperation: AggregateOperations
  kanbanAggregateOperationFieldMetadataId: UUID
  anyFieldFilterValue: String
  calendarLayout: ViewCalendarLayout
  calendarFieldMetadataId: UUID
  calendarEndFieldMetadataId: UUID
  visibility: ViewVisibility
  mainGroupByFieldMetadataId: UUID
  shouldHideEmptyGroups: Boolean
  kanbanColumnWidth: Int
  groupLoadLimit: Int
}

input CreateViewFieldInput {
  id: UUID
  fieldMetadataId: UUID!
  viewId: UUID!
  isVisible: Boolean
  size: Float
  position: Float
  aggregateOperation: AggregateOperations
  viewFieldGroupId: UUID
}
input UpdateViewFieldInputUpdates {
  isVisible: Boolean
  size: Float
  position: Float
  aggregateOperation: AggregateOperations
  viewFieldGroupId: UUID
}
input UpdateViewFieldInput { id: UUID! update: UpdateViewFieldInputUpdates! }
input DeleteViewFieldInput { id: UUID! }
input DestroyViewFieldInput { id: UUID! }

input CreateViewFilterInput {
  id: UUID
  fieldMetadataId: UUID!
  operand: ViewFilterOperand
  value: JSON!
  viewFilterGroupId: UUID
  positionInViewFilterGroup: Float
  subFieldName: String
  relationTargetFieldMetadataId: UUID
  viewId: UUID!
}
input UpdateViewFilterInputUpdates {
  fieldMetadataId: UUID
  operand: ViewFilterOperand
  value: JSON
  viewFilterGroupId: UUID
  positionInViewFilterGroup: Float
  subFieldName: String
  relationTargetFieldMetadataId: UUID
}
input UpdateViewFilterInput { id: UUID! update: UpdateViewFilterInputUpdates! }
input DeleteViewFilterInput { id: UUID! }
input DestroyViewFilterInput { id: UUID! }

input CreateViewFilterGroupInput {
  id: UUID
  parentViewFilterGroupId: UUID
  logicalOperator: ViewFilterGroupLogicalOperator
  positionInViewFilterGroup: Float
  viewId: UUID!
}
input UpdateViewFilterGroupInput {
  id: UUID
  parentViewFilterGroupId: UUID
  logicalOperator: ViewFilterGroupLogicalOperator
  positionInViewFilterGroup: Float
  viewId: UUID
}

input CreateViewSortInput {
  id: UUID
  fieldMetadataId: UUID!
  direction: ViewSortDirection
  subFieldName: String
  viewId: UUID!
}
input UpdateViewSortInputUpdates { direction: ViewSortDirection subFieldName: String }
input UpdateViewSortInput { id: UUID! update: UpdateViewSortInputUpdates! }
input DeleteViewSortInput { id: UUID! }
input DestroyViewSortInput { id: UUID! }

input CreateViewGroupInput {
  id: UUID
  isVisible: Boolean
  fieldValue: String!
  position: Float
  viewId: UUID!
}
input UpdateViewGroupInputUpdates { fieldMetadataId: UUID isVisible: Boolean fieldValue: String position: Float }
input UpdateViewGroupInput { id: UUID! update: UpdateViewGroupInputUpdates! }
input DeleteViewGroupInput { id: UUID! }
input DestroyViewGroupInput { id: UUID! }

input CreateViewFieldGroupInput {
  id: UUID
  name: String!
  viewId: UUID!
  position: Float
  isVisible: Boolean
}
input UpdateViewFieldGroupInputUpdates { name: String position: Float isVisible: Boolean deletedAt: String }
input UpdateViewFieldGroupInput { id: UUID! update: UpdateViewFieldGroupInputUpdates! }
input DeleteViewFieldGroupInput { id: UUID! }
input DestroyViewFieldGroupInput { id: UUID! }

extend type Query {
  getViews(objectMetadataId: String, viewTypes: [ViewType!]): [View!]!
  getView(id: String!): View
  getViewFields(viewId: String!): [ViewField!]!
  getViewField(id: String!): ViewField
  getViewFilters(viewId: String): [ViewFilter!]!
  getViewFilter(id: String!): ViewFilter
  getViewFilterGroups(viewId: String): [ViewFilterGroup!]!
  getViewFilterGroup(id: String!): ViewFilterGroup
  getViewSorts(viewId: String): [ViewSort!]!
  getViewSort(id: String!): ViewSort
  getViewGroups(viewId: String): [ViewGroup!]!
  getViewGroup(id: String!): ViewGroup
  getViewFieldGroups(viewId: String!): [ViewFieldGroup!]!
  getViewFieldGroup(id: String!): ViewFieldGroup
}

extend type Mutation {
  createView(input: CreateViewInput!): View!
  updateView(id: String!, input: UpdateViewInput!): View!
  deleteView(id: String!): Boolean!
  destroyView(id: String!): Boolean!
  createViewField(input: CreateViewFieldInput!): ViewField!
  createManyViewFields(inputs: [CreateViewFieldInput!]!): [ViewField!]!
  updateViewField(input: UpdateViewFieldInput!): ViewField!
  deleteViewField(input: DeleteViewFieldInput!): ViewField!
  destroyViewField(input: DestroyViewFieldInput!): ViewField!
  createViewFilter(input: CreateViewFilterInput!): ViewFilter!
  updateViewFilter(input: UpdateViewFilterInput!): ViewFilter!
  deleteViewFilter(input: DeleteViewFilterInput!): ViewFilter!
  destroyViewFilter(input: DestroyViewFilterInput!): ViewFilter!
  createViewFilterGroup(input: CreateViewFilterGroupInput!): ViewFilterGroup!
  updateViewFilterGroup(id: String!, input: UpdateViewFilterGroupInput!): ViewFilterGroup!
  deleteViewFilterGroup(id: String!): Boolean!
  destroyViewFilterGroup(id: String!): Boolean!
  createViewSort(input: CreateViewSortInput!): ViewSort!
  updateViewSort(input: UpdateViewSortInput!): ViewSort!
  deleteViewSort(input: DeleteViewSortInput!): Boolean!
  destroyViewSort(input: DestroyViewSortInput!): Boolean!
  createViewGroup(input: CreateViewGroupInput!): ViewGroup!
  createManyViewGroups(inputs: [CreateViewGroupInput!]!): [ViewGroup!]!
  updateViewGroup(input: UpdateViewGroupInput!): ViewGroup!
  updateManyViewGroups(inputs: [UpdateViewGroupInput!]!): [ViewGroup!]!
  deleteViewGroup(input: DeleteViewGroupInput!): ViewGroup!
  destroyViewGroup(input: DestroyViewGroupInput!): ViewGroup!
  createViewFieldGroup(input: CreateViewFieldGroupInput!): ViewFieldGroup!
  createManyViewFieldGroups(inputs: [CreateViewFieldGroupInput!]!): [ViewFieldGroup!]!
  updateViewFieldGroup(input: UpdateViewFieldGroupInput!): ViewFieldGroup!
  deleteViewFieldGroup(input: DeleteViewFieldGroupInput!): ViewFieldGroup!
  destroyViewFieldGroup(input: DestroyViewFieldGroupInput!): ViewFieldGroup!
}
`

// viewParts are the names the operations use for each kind ("ViewField" in getViewField, …).
var viewParts = []struct {
	name string
	// entity is Twenty's metadata name (viewField) and human its name in messages (view field).
	entity, human string
	kind          recordsv1.ViewPartKind
	// list is the plural operation's argument: "viewId" (optional unless required), or "" for
	// getViews.
	viewIDRequired bool
	// byInput: delete/destroy take {input: {id}} (else id); update takes {input: {id, update}}
	// (else id and input).
	byInput bool
	// deleteBool: delete and destroy answer Boolean (else the part).
	deleteBool bool
	// many: createMany… exists.
	many, updateMany bool
}{
	{name: "View", entity: "view", human: "view", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW, deleteBool: true},
	{name: "ViewField", entity: "viewField", human: "view field", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FIELD, viewIDRequired: true, byInput: true, many: true},
	{name: "ViewFilter", entity: "viewFilter", human: "view filter", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER, byInput: true},
	{name: "ViewFilterGroup", entity: "viewFilterGroup", human: "view filter group", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FILTER_GROUP, deleteBool: true},
	{name: "ViewSort", entity: "viewSort", human: "view sort", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_SORT, byInput: true, deleteBool: true},
	{name: "ViewGroup", entity: "viewGroup", human: "view group", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_GROUP, byInput: true, many: true, updateMany: true},
	{name: "ViewFieldGroup", entity: "viewFieldGroup", human: "view field group", kind: recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW_FIELD_GROUP, viewIDRequired: true, byInput: true, many: true},
}

// viewResolvers resolve the operations of viewSDL.
func viewResolvers(client recordsv1connect.ViewServiceClient) map[string]graphql.Resolver {
	out := map[string]graphql.Resolver{}
	for _, p := range viewParts {
		kind, entity := p.kind, viewEntity{p.entity, p.human}
		plural := "Query.get" + p.name + "s"
		out[plural] = func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			req := &recordsv1.FindViewPartsRequest{WorkspaceId: ws, Kind: kind, UserWorkspaceId: userWorkspaceOf(ctx)}
			req.ViewId, _ = args["viewId"].(string)
			req.ObjectMetadataId, _ = args["objectMetadataId"].(string)
			if types, ok := args["viewTypes"].([]any); ok {
				for _, t := range types {
					s, _ := t.(string)
					req.ViewTypes = append(req.ViewTypes, s)
				}
			}
			res, err := client.FindViewParts(ctx, req)
			if err != nil {
				return nil, viewGQLError(err, entity, "", false)
			}
			return decodeViewParts(res)
		}
		out["Query.get"+p.name] = func(ctx context.Context, args map[string]any) (any, error) {
			ws, err := metadataWorkspace(ctx)
			if err != nil {
				return nil, err
			}
			id, _ := args["id"].(string)
			res, err := client.FindViewParts(ctx, &recordsv1.FindViewPartsRequest{WorkspaceId: ws, Kind: kind, Id: id, UserWorkspaceId: userWorkspaceOf(ctx)})
			if err != nil {
				return nil, viewGQLError(err, entity, "", false)
			}
			parts, err := decodeViewParts(res)
			if err != nil || len(parts) == 0 {
				return nil, err
			}
			return parts[0], nil
		}
		out["Mutation.create"+p.name] = func(ctx context.Context, args map[string]any) (any, error) {
			parts, err := createViewParts(ctx, client, kind, entity, []any{args["input"]})
			if err != nil || len(parts) == 0 {
				return nil, err
			}
			return parts[0], nil
		}
		if p.many {
			out["Mutation.createMany"+p.name+"s"] = func(ctx context.Context, args map[string]any) (any, error) {
				inputs, _ := args["inputs"].([]any)
				return createViewParts(ctx, client, kind, entity, inputs)
			}
		}
		byInput := p.byInput
		out["Mutation.update"+p.name] = func(ctx context.Context, args map[string]any) (any, error) {
			id, update := args["id"], args["input"]
			if byInput {
				in, _ := args["input"].(map[string]any)
				id, update = in["id"], in["update"]
			}
			return updateViewPart(ctx, client, kind, entity, id, update)
		}
		if p.updateMany {
			out["Mutation.updateMany"+p.name+"s"] = func(ctx context.Context, args map[string]any) (any, error) {
				inputs, _ := args["inputs"].([]any)
				out := make([]any, 0, len(inputs))
				for _, i := range inputs {
					in, _ := i.(map[string]any)
					part, err := updateViewPart(ctx, client, kind, entity, in["id"], in["update"])
					if err != nil {
						return nil, err
					}
					out = append(out, part)
				}
				return out, nil
			}
		}
		deleteBool := p.deleteBool
		for _, op := range []struct {
			name    string
			destroy bool
		}{{"delete", false}, {"destroy", true}} {
			out["Mutation."+op.name+p.name] = func(ctx context.Context, args map[string]any) (any, error) {
				ws, err := metadataWorkspace(ctx)
				if err != nil {
					return nil, err
				}
				id, _ := args["id"].(string)
				if byInput {
					in, _ := args["input"].(map[string]any)
					id, _ = in["id"].(string)
				}
				res, err := client.DeleteViewPart(ctx, &recordsv1.DeleteViewPartRequest{WorkspaceId: ws, Kind: kind, Id: id, Destroy: op.destroy, UserWorkspaceId: userWorkspaceOf(ctx)})
				if err != nil {
					return nil, viewGQLError(err, entity, "delete", false)
				}
				if deleteBool {
					return true, nil
				}
				parts, err := decodeViewParts(res)
				if err != nil || len(parts) == 0 {
					return nil, err
				}
				return parts[0], nil
			}
		}
	}
	return out
}

// userWorkspaceOf is the caller's userWorkspaceId (none for an API key).
func userWorkspaceOf(ctx context.Context) string {
	if c := principalFrom(ctx); c != nil {
		return c.UserWorkspaceID
	}
	return ""
}

// createViewParts creates parts of kind from GraphQL inputs.
func createViewParts(ctx context.Context, client recordsv1connect.ViewServiceClient, kind recordsv1.ViewPartKind, entity viewEntity, inputs []any) ([]any, error) {
	ws, err := metadataWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	req := &recordsv1.CreateViewPartsRequest{WorkspaceId: ws, Kind: kind, UserWorkspaceId: userWorkspaceOf(ctx)}
	for _, in := range inputs {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode view input: %w", err)
		}
		req.InputsJson = append(req.InputsJson, b)
	}
	res, err := client.CreateViewParts(ctx, req)
	if err != nil {
		return nil, viewGQLError(err, entity, "create", len(inputs) > 1)
	}
	return decodeViewParts(res)
}

// updateViewPart applies update to the part of kind with id.
func updateViewPart(ctx context.Context, client recordsv1connect.ViewServiceClient, kind recordsv1.ViewPartKind, entity viewEntity, id, update any) (any, error) {
	ws, err := metadataWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	s, _ := id.(string)
	if update == nil {
		update = map[string]any{}
	}
	b, err := json.Marshal(update)
	if err != nil {
		return nil, fmt.Errorf("encode view update: %w", err)
	}
	res, err := client.UpdateViewPart(ctx, &recordsv1.UpdateViewPartRequest{WorkspaceId: ws, Kind: kind, Id: s, UpdateJson: b, UserWorkspaceId: userWorkspaceOf(ctx)})
	if err != nil {
		return nil, viewGQLError(err, entity, "update", false)
	}
	parts, err := decodeViewParts(res)
	if err != nil || len(parts) == 0 {
		return nil, err
	}
	return parts[0], nil
}

// decodeViewParts decodes the parts of a response.
func decodeViewParts(res *recordsv1.FindViewPartsResponse) ([]any, error) {
	out := make([]any, 0, len(res.GetPartsJson()))
	for _, b := range res.GetPartsJson() {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("decode view part: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// viewEntity names a view entity in Twenty's validation errors: its metadata name (viewField)
// and its name in messages (view field).
type viewEntity struct{ name, human string }

// viewGQLError maps the ViewService's refusals to Twenty's GraphQL errors: an unknown id is
// NOT_FOUND ("View to update not found", Twenty's ViewException VIEW_NOT_FOUND); what its
// validation of view entities refuses (code INVALID_VIEW_DATA) the METADATA_VALIDATION_FAILED of
// a workspace migration ("Multiple validation errors occurred while creating view field", the
// failed validation in extensions.errors, workspace-migration-builder-exception-formatter.ts);
// other refused input BAD_USER_INPUT. op is create, update or delete ("" for reads); many says
// the call created several.
func viewGQLError(err error, entity viewEntity, op string, many bool) error {
	ce, ok := errors.AsType[*connect.Error](err)
	if !ok {
		return fmt.Errorf("views: %w", err)
	}
	switch ce.Code() {
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, ce.Message())
	case connect.CodePermissionDenied: // Twenty's VIEW_CREATE/MODIFY_PERMISSION_DENIED
		return graphql.NewError(graphql.CodeForbidden, ce.Message())
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition:
		code := ce.Meta().Get("Twenty-Code")
		if code == "" || op == "" {
			return graphql.NewError(graphql.CodeBadUserInput, ce.Message())
		}
		what := entity.human
		if many {
			what += "s"
		}
		failed := map[string]any{
			"errors":       []any{map[string]any{"code": code, "message": ce.Message(), "userFriendlyMessage": ce.Message()}},
			"metadataName": entity.name, "type": op, "flatEntityMinimalInformation": map[string]any{},
		}
		return graphql.NewError(codeMetadataValidationFailed, "Multiple validation errors occurred while "+op[:len(op)-1]+"ing "+what).
			WithExtension("errors", map[string]any{entity.name: []any{failed}}).
			WithExtension("summary", map[string]any{entity.name: 1, "totalErrors": 1}).
			WithExtension("message", "Validation failed for 1 "+entity.human).
			WithExtension("userFriendlyMessage", ce.Message())
	}
	return fmt.Errorf("views: %w", err)
}
