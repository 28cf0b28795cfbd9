package main

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/graphql"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestUpdateWorkspaceRequest(t *testing.T) {
	s := func(v string) *string { return &v }
	b := func(v bool) *bool { return &v }
	tests := []struct {
		name    string
		data    map[string]any
		want    *authv1.UpdateWorkspaceRequest
		wantErr string
	}{
		{"names", map[string]any{"displayName": "Apple", "subdomain": "apple", "inviteHash": "h", "isPublicInviteLinkEnabled": false},
			&authv1.UpdateWorkspaceRequest{DisplayName: s("Apple"), Subdomain: s("apple"), InviteHash: s("h"), IsPublicInviteLinkEnabled: b(false)}, ""},
		{"stored settings", map[string]any{"allowImpersonation": false, "trashRetentionDays": float64(7), "logo": "ignored", "unknown": 1},
			&authv1.UpdateWorkspaceRequest{SettingsJson: `{"allowImpersonation":false,"trashRetentionDays":7}`}, ""},
		{"nulls are left alone", map[string]any{"displayName": nil, "allowImpersonation": nil}, &authv1.UpdateWorkspaceRequest{}, ""},
		{"negative trash retention", map[string]any{"trashRetentionDays": float64(-1)}, nil, "trashRetentionDays must not be less than 0"},
		{"short event log retention", map[string]any{"eventLogRetentionDays": float64(29)}, nil, "eventLogRetentionDays must not be less than 30"},
		{"long event log retention", map[string]any{"eventLogRetentionDays": float64(1096)}, nil, "eventLogRetentionDays must not be greater than 1095"},
		{"fractional retention", map[string]any{"trashRetentionDays": 1.5}, nil, "trashRetentionDays must be an integer number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := updateWorkspaceRequest(tt.data)
			if tt.wantErr != "" {
				var ge *graphql.Error
				if !errors.As(err, &ge) || ge.Message != tt.wantErr {
					t.Fatalf("updateWorkspaceRequest = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingsFields(t *testing.T) {
	g := &gateway{}
	got := g.settingsFields(&authv1.WorkspaceSettings{InviteHash: "h", IsPublicInviteLinkEnabled: true, WorkspaceMembersCount: 2,
		SettingsJson: `{"allowImpersonation":false,"trashRetentionDays":7,"notAField":1}`})
	for k, want := range map[string]any{"inviteHash": "h", "isPublicInviteLinkEnabled": true, "workspaceMembersCount": float64(2),
		"allowImpersonation": false, "trashRetentionDays": float64(7), "eventLogRetentionDays": float64(1095), "isPasswordAuthEnabled": true} {
		if !cmp.Equal(got[k], want) {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, ok := got["notAField"]; ok {
		t.Error("an unknown stored setting is answered")
	}
	// Every Workspace field of workspaceSDL has a value.
	for _, k := range []string{"workspaceDiscoverability", "aiModelIdByTier", "hasValidSignedEnterpriseKey", "workspaceCustomApplicationId", "metadataVersion", "createdAt"} {
		if _, ok := got[k]; !ok {
			t.Errorf("%s has no value", k)
		}
	}
}
