package main

import (
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/graphql"
)

// TestNavigationGQLError: the records Worker's refusals become Twenty's GraphQL errors.
func TestNavigationGQLError(t *testing.T) {
	refusal := func(code connect.Code, msg string, meta ...string) error {
		ce := connect.NewError(code, errors.New(msg))
		for i := 0; i+1 < len(meta); i += 2 {
			ce.Meta().Set(meta[i], meta[i+1])
		}
		return ce
	}
	type got struct {
		Code, Message, SubCode, Friendly string
	}
	for _, tc := range []struct {
		name string
		err  error
		op   string
		want got
	}{
		{"not found", refusal(connect.CodeNotFound, "Navigation menu item not found"), "updating",
			got{graphql.CodeNotFound, "Navigation menu item not found", "", "Navigation menu item not found."}},
		{"no LAYOUTS", refusal(connect.CodePermissionDenied, "Entity performing the request does not have permission", "Twenty-User-Friendly-Message", "You do not have permission to create workspace-level navigation menu items. Please contact your workspace administrator for access."), "creating",
			got{graphql.CodeForbidden, "Entity performing the request does not have permission", "PERMISSION_DENIED", "You do not have permission to create workspace-level navigation menu items. Please contact your workspace administrator for access."}},
		{"another member's item", refusal(connect.CodeInvalidArgument, "You can only update your own navigation menu items", "Twenty-Code", "INVALID_NAVIGATION_MENU_ITEM_INPUT"), "updating",
			got{graphql.CodeBadUserInput, "You can only update your own navigation menu items", "INVALID_NAVIGATION_MENU_ITEM_INPUT", "Invalid navigation menu item input."}},
		{"validation", refusal(connect.CodeInvalidArgument, "A name is required for FOLDER type", "Twenty-Code", "INVALID_NAVIGATION_MENU_ITEM_INPUT", "Twenty-Validation", "1"), "creating",
			got{codeMetadataValidationFailed, "Multiple validation errors occurred while creating navigation menu item", "", "A name is required for FOLDER type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ge *graphql.Error
			if !errors.As(navigationGQLError(tc.err, tc.op), &ge) {
				t.Fatalf("not a GraphQL error: %v", navigationGQLError(tc.err, tc.op))
			}
			sub, _ := ge.Extensions["subCode"].(string)
			friendly, _ := ge.Extensions["userFriendlyMessage"].(string)
			if diff := cmp.Diff(tc.want, got{ge.Code(), ge.Message, sub, friendly}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
