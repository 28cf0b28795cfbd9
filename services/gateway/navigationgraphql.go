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

// This file serves Twenty's navigation menu items on /metadata (NavigationMenuItemResolver, as
// twenty-client-sdk's schema.d.ts types it): the favorites and favorite folders of the side menu,
// through the records Worker's NavigationMenuItemService. Twenty's resolver has no settings guard
// (NoPermissionGuard): the records Worker asks for LAYOUTS only when a workspace item is made or
// changed, and keeps a member's own items to that member.

// navigationSDL extends authSDL's Query and Mutation and uses its UUID and DateTime scalars.
const navigationSDL = `
enum NavigationMenuItemType { VIEW FOLDER LINK OBJECT RECORD PAGE_LAYOUT }

type RecordIdentifier {
  id: UUID!
  labelIdentifier: String!
  imageIdentifier: String
}

type NavigationMenuItem {
  id: UUID!
  userWorkspaceId: UUID
  targetRecordId: UUID
  targetObjectMetadataId: UUID
  viewId: UUID
  type: NavigationMenuItemType!
  name: String
  link: String
  icon: String
  color: String
  folderId: UUID
  pageLayoutId: UUID
  position: Float!
  applicationId: UUID
  createdAt: DateTime!
  updatedAt: DateTime!
  targetRecordIdentifier: RecordIdentifier
}

input CreateNavigationMenuItemInput {
  id: UUID
  userWorkspaceId: UUID
  targetRecordId: UUID
  targetObjectMetadataId: UUID
  viewId: UUID
  type: NavigationMenuItemType!
  name: String
  link: String
  icon: String
  color: String
  folderId: UUID
  pageLayoutId: UUID
  position: Float
}

input UpdateNavigationMenuItemInput {
  folderId: UUID
  position: Float
  name: String
  link: String
  icon: String
  color: String
  pageLayoutId: UUID
}

input UpdateOneNavigationMenuItemInput {
  "The id of the record to update"
  id: UUID!
  "The record to update"
  update: UpdateNavigationMenuItemInput!
}

extend type Query {
  navigationMenuItems: [NavigationMenuItem!]!
  navigationMenuItem(id: UUID!): NavigationMenuItem
}

extend type Mutation {
  createManyNavigationMenuItems(inputs: [CreateNavigationMenuItemInput!]!): [NavigationMenuItem!]!
  createNavigationMenuItem(input: CreateNavigationMenuItemInput!): NavigationMenuItem!
  updateManyNavigationMenuItems(inputs: [UpdateOneNavigationMenuItemInput!]!): [NavigationMenuItem!]!
  updateNavigationMenuItem(input: UpdateOneNavigationMenuItemInput!): NavigationMenuItem!
  deleteManyNavigationMenuItems(ids: [UUID!]!): [NavigationMenuItem!]!
  deleteNavigationMenuItem(id: UUID!): NavigationMenuItem!
}
`

// navigationResolvers resolve the operations of navigationSDL.
func navigationResolvers(client recordsv1connect.NavigationMenuItemServiceClient) map[string]graphql.Resolver {
	one := func(items []any, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			return nil, nil
		}
		return items[0], nil
	}
	find := func(ctx context.Context, id string) ([]any, error) {
		ws, err := metadataWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		res, err := client.FindNavigationMenuItems(ctx, &recordsv1.FindNavigationMenuItemsRequest{WorkspaceId: ws, UserWorkspaceId: userWorkspaceOf(ctx), Id: id, RecordIdentifiers: wantsRecordIdentifiers(ctx)})
		if err != nil {
			return nil, navigationGQLError(err, "")
		}
		return decodeNavigationItems(res)
	}
	create := func(ctx context.Context, inputs []any) ([]any, error) {
		ws, err := metadataWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		req := &recordsv1.CreateNavigationMenuItemsRequest{WorkspaceId: ws, UserWorkspaceId: userWorkspaceOf(ctx), RecordIdentifiers: wantsRecordIdentifiers(ctx)}
		if req.InputsJson, err = encodeNavigationInputs(inputs); err != nil {
			return nil, err
		}
		res, err := client.CreateNavigationMenuItems(ctx, req)
		if err != nil {
			return nil, navigationGQLError(err, "creating")
		}
		return decodeNavigationItems(res)
	}
	update := func(ctx context.Context, inputs []any) ([]any, error) {
		ws, err := metadataWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		req := &recordsv1.UpdateNavigationMenuItemsRequest{WorkspaceId: ws, UserWorkspaceId: userWorkspaceOf(ctx), RecordIdentifiers: wantsRecordIdentifiers(ctx)}
		if req.InputsJson, err = encodeNavigationInputs(inputs); err != nil {
			return nil, err
		}
		res, err := client.UpdateNavigationMenuItems(ctx, req)
		if err != nil {
			return nil, navigationGQLError(err, "updating")
		}
		return decodeNavigationItems(res)
	}
	remove := func(ctx context.Context, idList []any) ([]any, error) {
		ws, err := metadataWorkspace(ctx)
		if err != nil {
			return nil, err
		}
		req := &recordsv1.DeleteNavigationMenuItemsRequest{WorkspaceId: ws, UserWorkspaceId: userWorkspaceOf(ctx)}
		for _, id := range idList {
			s, _ := id.(string)
			req.Ids = append(req.Ids, s)
		}
		res, err := client.DeleteNavigationMenuItems(ctx, req)
		if err != nil {
			return nil, navigationGQLError(err, "deleting")
		}
		return decodeNavigationItems(res)
	}
	list := func(args map[string]any, key string) []any {
		l, _ := args[key].([]any)
		return l
	}
	return map[string]graphql.Resolver{
		"Query.navigationMenuItems": func(ctx context.Context, _ map[string]any) (any, error) {
			return find(ctx, "")
		},
		"Query.navigationMenuItem": func(ctx context.Context, args map[string]any) (any, error) {
			id, _ := args["id"].(string)
			return one(find(ctx, id))
		},
		"Mutation.createNavigationMenuItem": func(ctx context.Context, args map[string]any) (any, error) {
			return one(create(ctx, []any{args["input"]}))
		},
		"Mutation.createManyNavigationMenuItems": func(ctx context.Context, args map[string]any) (any, error) {
			return create(ctx, list(args, "inputs"))
		},
		"Mutation.updateNavigationMenuItem": func(ctx context.Context, args map[string]any) (any, error) {
			return one(update(ctx, []any{args["input"]}))
		},
		"Mutation.updateManyNavigationMenuItems": func(ctx context.Context, args map[string]any) (any, error) {
			return update(ctx, list(args, "inputs"))
		},
		"Mutation.deleteNavigationMenuItem": func(ctx context.Context, args map[string]any) (any, error) {
			return one(remove(ctx, []any{args["id"]}))
		},
		"Mutation.deleteManyNavigationMenuItems": func(ctx context.Context, args map[string]any) (any, error) {
			return remove(ctx, list(args, "ids"))
		},
	}
}

// wantsRecordIdentifiers reports whether the operation selects targetRecordIdentifier, which
// costs the records Worker a record read per RECORD item.
func wantsRecordIdentifiers(ctx context.Context) bool {
	for _, f := range graphql.SelectedFields(ctx) {
		if f.Name == "targetRecordIdentifier" {
			return true
		}
	}
	return false
}

func encodeNavigationInputs(inputs []any) ([][]byte, error) {
	out := make([][]byte, 0, len(inputs))
	for _, in := range inputs {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("encode navigation menu item input: %w", err)
		}
		out = append(out, b)
	}
	return out, nil
}

func decodeNavigationItems(res *recordsv1.NavigationMenuItemsResponse) ([]any, error) {
	out := make([]any, 0, len(res.GetItemsJson()))
	for _, b := range res.GetItemsJson() {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("decode navigation menu item: %w", err)
		}
		out = append(out, m)
	}
	return out, nil
}

// navigationGQLError maps the NavigationMenuItemService's refusals to Twenty's GraphQL errors:
// an unknown id NOT_FOUND; a workspace item changed without LAYOUTS FORBIDDEN (Twenty's
// PermissionsException, with its userFriendlyMessage); what Twenty's workspace-migration
// validation refuses METADATA_VALIDATION_FAILED ("Multiple validation errors occurred while
// creating navigation menu item", the failed validation in extensions.errors); other refused
// input BAD_USER_INPUT (NavigationMenuItemException INVALID_NAVIGATION_MENU_ITEM_INPUT). op is
// creating, updating or deleting ("" for reads).
func navigationGQLError(err error, op string) error {
	ce, ok := errors.AsType[*connect.Error](err)
	if !ok {
		return fmt.Errorf("navigation menu items: %w", err)
	}
	friendly := ce.Meta().Get("Twenty-User-Friendly-Message")
	switch ce.Code() {
	case connect.CodeNotFound:
		return graphql.NewError(graphql.CodeNotFound, ce.Message()).WithExtension("userFriendlyMessage", "Navigation menu item not found.")
	case connect.CodePermissionDenied:
		e := graphql.NewError(graphql.CodeForbidden, ce.Message()).WithExtension("subCode", "PERMISSION_DENIED")
		if friendly != "" {
			e = e.WithExtension("userFriendlyMessage", friendly)
		}
		return e
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition:
		code := ce.Meta().Get("Twenty-Code")
		if ce.Meta().Get("Twenty-Validation") == "" || op == "" {
			e := graphql.NewError(graphql.CodeBadUserInput, ce.Message())
			if code != "" {
				e = e.WithExtension("subCode", code)
			}
			return e.WithExtension("userFriendlyMessage", "Invalid navigation menu item input.")
		}
		failed := map[string]any{
			"errors":       []any{map[string]any{"code": code, "message": ce.Message(), "userFriendlyMessage": ce.Message()}},
			"metadataName": "navigationMenuItem", "type": op[:len(op)-3] + "e", "flatEntityMinimalInformation": map[string]any{},
		}
		return graphql.NewError(codeMetadataValidationFailed, "Multiple validation errors occurred while "+op+" navigation menu item").
			WithExtension("errors", map[string]any{"navigationMenuItem": []any{failed}}).
			WithExtension("summary", map[string]any{"navigationMenuItem": 1, "totalErrors": 1}).
			WithExtension("message", "Validation failed for 1 navigation menu item").
			WithExtension("userFriendlyMessage", ce.Message())
	}
	return fmt.Errorf("navigation menu items: %w", err)
}
