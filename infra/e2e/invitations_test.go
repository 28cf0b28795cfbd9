//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

type invitationReply struct {
	ID, Email, ExpiresAt string
	RoleID               *string
}

type sendInvitationsReply struct {
	Success bool
	Errors  []string
	Result  []invitationReply
}

const invitationFields = `success errors result { id email roleId expiresAt }`

// invitationEmail waits for the invitation email to addr (the n-th one, from 1) and answers it
// with its link.
func invitationEmail(t *testing.T, addr string, n int) (emailSent, *url.URL) {
	t.Helper()
	var sent []emailSent
	eventually(t, 15*time.Second, "the invitation email to "+addr, func() bool { sent = emailProvider.to(addr); return len(sent) >= n })
	e := sent[n-1]
	text, _ := e.msg["text"].(string)
	i := strings.Index(text, "http")
	if i < 0 {
		t.Fatalf("invitation email without a link: %q", text)
	}
	link, err := url.Parse(strings.Fields(text[i:])[0])
	if err != nil {
		t.Fatalf("invitation link in %q: %v", text, err)
	}
	return e, link
}

func invitations(t *testing.T, token string) []invitationReply {
	t.Helper()
	return data[struct{ FindWorkspaceInvitations []invitationReply }](t, gql(t, "/metadata", token,
		`{ findWorkspaceInvitations { id email roleId expiresAt } }`, nil)).FindWorkspaceInvitations
}

// TestInviteJoinAndRemoveMember: an admin invites a colleague, the email arrives with Twenty's
// link, the colleague joins through it and works in the workspace, resend and delete work, another
// workspace sees and touches none of it, and removing the member stops their tokens.
func TestInviteJoinAndRemoveMember(t *testing.T) {
	need(t)
	admin := onboard(t, "/metadata")
	other := onboard(t, "/metadata")
	ws := data[struct {
		CurrentWorkspace struct {
			ID, InviteHash, Subdomain string
			IsPublicInviteLinkEnabled bool
			WorkspaceMembersCount     float64
			AllowImpersonation        bool
			CreatedAt                 string
		}
	}](t, gql(t, "/metadata", admin.access,
		`{ currentWorkspace { id inviteHash subdomain isPublicInviteLinkEnabled workspaceMembersCount allowImpersonation createdAt } }`, nil)).CurrentWorkspace
	if ws.ID != admin.workspaceID || ws.InviteHash == "" || !ws.IsPublicInviteLinkEnabled || ws.WorkspaceMembersCount != 1 || ws.CreatedAt == "" {
		t.Fatalf("currentWorkspace = %+v", ws)
	}

	colleague := "grace." + randomHex(t, 4) + "@apple.dev"
	sent := data[struct{ SendInvitations sendInvitationsReply }](t, gql(t, "/metadata", admin.access,
		`mutation($e: [String!]!) { sendInvitations(emails: $e) { `+invitationFields+` } }`, map[string]any{"e": []string{colleague, admin.email}})).SendInvitations
	if sent.Success || len(sent.Result) != 1 || sent.Result[0].Email != colleague || strings.Join(sent.Errors, ",") != "This user is already a member of the workspace." {
		t.Fatalf("sendInvitations = %+v", sent)
	}
	wantGQLError(t, "an invalid email", gql(t, "/metadata", admin.access, `mutation { sendInvitations(emails: ["not an email"]) { success } }`, nil),
		"BAD_USER_INPUT", "each value in emails must be an email")

	mail, link := invitationEmail(t, colleague, 1)
	inviteToken, hash := link.Query().Get("inviteToken"), strings.TrimPrefix(link.Path, "/invite/")
	if hash != ws.InviteHash || link.Query().Get("email") != colleague || len(inviteToken) != 64 || !strings.HasPrefix(link.Host, ws.Subdomain+".") {
		t.Errorf("invitation link = %s", link)
	}
	if from, _ := mail.msg["from"].(string); !strings.Contains(from, "(via Twenty)") || mail.msg["subject"] != "Join your team on Twenty" || mail.auth != "Bearer re_e2e" {
		t.Errorf("invitation email = %+v", mail)
	}

	// Another workspace sees none of it and cannot delete it.
	if got := invitations(t, other.access); len(got) != 0 {
		t.Errorf("another workspace's findWorkspaceInvitations = %+v", got)
	}
	if r := data[struct{ DeleteWorkspaceInvitation string }](t, gql(t, "/metadata", other.access,
		`mutation($id: String!) { deleteWorkspaceInvitation(appTokenId: $id) }`, map[string]any{"id": sent.Result[0].ID})); r.DeleteWorkspaceInvitation != "error" {
		t.Errorf("another workspace's deleteWorkspaceInvitation = %q, want error", r.DeleteWorkspaceInvitation)
	}
	if got := invitations(t, admin.access); len(got) != 1 || got[0].ID != sent.Result[0].ID {
		t.Fatalf("findWorkspaceInvitations = %+v", got)
	}

	// The invite page: public, before signing in.
	valid := data[struct{ CheckWorkspaceInviteHashIsValid struct{ IsValid bool } }](t, gql(t, "/metadata", "",
		`query($h: String!) { checkWorkspaceInviteHashIsValid(inviteHash: $h) { isValid } }`, map[string]any{"h": hash}))
	found := data[struct {
		FindWorkspaceFromInviteHash struct{ ID, DisplayName string }
	}](t, gql(t, "/metadata", "",
		`query($h: String!) { findWorkspaceFromInviteHash(inviteHash: $h) { id displayName } }`, map[string]any{"h": hash}))
	if !valid.CheckWorkspaceInviteHashIsValid.IsValid || found.FindWorkspaceFromInviteHash.ID != admin.workspaceID || found.FindWorkspaceFromInviteHash.DisplayName != "Apple Inc" {
		t.Errorf("invite page: valid %+v, workspace %+v", valid, found)
	}

	// The colleague joins through the link.
	joined := data[struct {
		SignUpInWorkspace struct {
			LoginToken token
			Workspace  struct{ ID string }
		}
	}](t, gql(t, "/metadata", "", `mutation($e: String!, $p: String!, $h: String, $t: String) {
		signUpInWorkspace(email: $e, password: $p, workspaceInviteHash: $h, workspacePersonalInviteToken: $t) { loginToken { token } workspace { id } } }`,
		map[string]any{"e": colleague, "p": "hopper-1906", "h": hash, "t": inviteToken})).SignUpInWorkspace
	if joined.Workspace.ID != admin.workspaceID {
		t.Fatalf("signUpInWorkspace workspace = %+v", joined.Workspace)
	}
	tokens := data[struct{ GetAuthTokensFromLoginToken struct{ Tokens tokenPair } }](t, gql(t, "/metadata", "",
		`mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001") { `+tokenFields+` } }`,
		map[string]any{"t": joined.LoginToken.Token}))
	access := tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token
	me := data[struct {
		CurrentUser struct {
			Email            string
			CurrentWorkspace struct {
				ID                        string
				IsPublicInviteLinkEnabled bool
			}
			WorkspaceMember struct{ ID, UserEmail string }
		}
	}](t, gql(t, "/metadata", access, `{ currentUser { email currentWorkspace { id isPublicInviteLinkEnabled } workspaceMember { id userEmail } } }`, nil)).CurrentUser
	if me.Email != colleague || me.CurrentWorkspace.ID != admin.workspaceID || !me.CurrentWorkspace.IsPublicInviteLinkEnabled || me.WorkspaceMember.ID == "" {
		t.Fatalf("the colleague's currentUser = %+v", me)
	}
	send, expect := sender(t, []string{"Authorization", "Bearer " + access, "Content-Type", "application/json"})
	expect(send(http.MethodGet, "/rest/people", ""), http.StatusOK, "the colleague lists people")
	members := func(who string) []string {
		var body struct {
			Data struct {
				WorkspaceMembers []struct{ ID, UserEmail string }
			}
		}
		r := get(t, "/rest/workspaceMembers", "Authorization", "Bearer "+who)
		if r.status != http.StatusOK {
			t.Fatalf("GET /rest/workspaceMembers = %d %s", r.status, r.body)
		}
		if err := json.Unmarshal([]byte(r.body), &body); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range body.Data.WorkspaceMembers {
			out = append(out, m.UserEmail)
		}
		return out
	}
	if got := members(access); len(got) != 2 || !strings.Contains(strings.Join(got, ","), colleague) {
		t.Errorf("workspace members seen by the colleague = %v", got)
	}
	if got := invitations(t, admin.access); len(got) != 0 {
		t.Errorf("findWorkspaceInvitations after joining = %+v, want none", got)
	}
	listed := data[struct {
		CurrentUser struct {
			WorkspaceMembers []struct{ ID, UserEmail string }
		}
	}](t, gql(t, "/metadata", access, `{ currentUser { workspaceMembers { id userEmail name { firstName lastName } } } }`, nil)).CurrentUser.WorkspaceMembers
	if len(listed) != 2 || listed[0].UserEmail != admin.email || listed[1].UserEmail != colleague || listed[1].ID != me.WorkspaceMember.ID {
		t.Errorf("currentUser.workspaceMembers = %+v", listed)
	}

	// A Member has no WORKSPACE_MEMBERS or WORKSPACE permission: Twenty's settings guard.
	const denied = "Entity performing the request does not have permission"
	wantGQLError(t, "a Member inviting", gql(t, "/metadata", access, `mutation { sendInvitations(emails: ["x@apple.dev"]) { success } }`, nil), "FORBIDDEN", denied)
	wantGQLError(t, "a Member listing invitations", gql(t, "/metadata", access, `{ findWorkspaceInvitations { id } }`, nil), "FORBIDDEN", denied)
	wantGQLError(t, "a Member renaming the workspace", gql(t, "/metadata", access, `mutation { updateWorkspace(data: {displayName: "Mine"}) { id } }`, nil), "FORBIDDEN", denied)
	adminMember := data[currentUser](t, gql(t, "/metadata", admin.access, currentUserQuery, nil)).CurrentUser.WorkspaceMember.ID
	wantGQLError(t, "a Member removing the admin", gql(t, "/metadata", access,
		`mutation($id: String!) { deleteUserFromWorkspace(workspaceMemberIdToDelete: $id) { id } }`, map[string]any{"id": adminMember}), "FORBIDDEN", denied)
	renamed := data[struct{ UpdateWorkspace struct{ DisplayName string } }](t, gql(t, "/metadata", admin.access,
		`mutation { updateWorkspace(data: {displayName: "Apple"}) { displayName } }`, nil))
	if renamed.UpdateWorkspace.DisplayName != "Apple" {
		t.Errorf("updateWorkspace by the admin = %+v", renamed)
	}

	// Resend and delete.
	third := "ada." + randomHex(t, 4) + "@apple.dev"
	first := data[struct{ SendInvitations sendInvitationsReply }](t, gql(t, "/metadata", admin.access,
		`mutation($e: [String!]!) { sendInvitations(emails: $e) { `+invitationFields+` } }`, map[string]any{"e": []string{third}})).SendInvitations
	resent := data[struct{ ResendWorkspaceInvitation sendInvitationsReply }](t, gql(t, "/metadata", admin.access,
		`mutation($id: String!) { resendWorkspaceInvitation(appTokenId: $id) { `+invitationFields+` } }`, map[string]any{"id": first.Result[0].ID})).ResendWorkspaceInvitation
	if !first.Success || !resent.Success || len(resent.Result) != 1 || resent.Result[0].ID == first.Result[0].ID || resent.Result[0].Email != third {
		t.Fatalf("sendInvitations %+v, then resendWorkspaceInvitation %+v", first, resent)
	}
	_, firstLink := invitationEmail(t, third, 1)
	_, secondLink := invitationEmail(t, third, 2)
	if firstLink.Query().Get("inviteToken") == secondLink.Query().Get("inviteToken") {
		t.Error("the resent invitation has the first one's token")
	}
	if r := data[struct{ DeleteWorkspaceInvitation string }](t, gql(t, "/metadata", admin.access,
		`mutation($id: String!) { deleteWorkspaceInvitation(appTokenId: $id) }`, map[string]any{"id": resent.Result[0].ID})); r.DeleteWorkspaceInvitation != "success" {
		t.Errorf("deleteWorkspaceInvitation = %q", r.DeleteWorkspaceInvitation)
	}
	wantGQLError(t, "a deleted invitation's link", gql(t, "/metadata", "", `mutation($e: String!, $h: String, $t: String) {
		signUpInWorkspace(email: $e, password: "lovelace-1815", workspaceInviteHash: $h, workspacePersonalInviteToken: $t) { loginToken { token } } }`,
		map[string]any{"e": third, "h": hash, "t": secondLink.Query().Get("inviteToken")}), "FORBIDDEN", "Invalid invitation token")

	// Another workspace cannot remove the member; the admin can, and their tokens stop.
	wantGQLError(t, "another workspace removing the member", gql(t, "/metadata", other.access,
		`mutation($id: String!) { deleteUserFromWorkspace(workspaceMemberIdToDelete: $id) { id } }`, map[string]any{"id": me.WorkspaceMember.ID}),
		"BAD_USER_INPUT", "Workspace member to delete not found in workspace")
	removed := data[struct{ DeleteUserFromWorkspace struct{ ID, UserID string } }](t, gql(t, "/metadata", admin.access,
		`mutation($id: String!) { deleteUserFromWorkspace(workspaceMemberIdToDelete: $id) { id userId } }`, map[string]any{"id": me.WorkspaceMember.ID}))
	if removed.DeleteUserFromWorkspace.ID == "" {
		t.Errorf("deleteUserFromWorkspace = %+v", removed)
	}
	eventually(t, 5*time.Second, "the removed member's token to stop working", func() bool {
		return get(t, "/rest/people", "Authorization", "Bearer "+access).status == http.StatusUnauthorized
	})
	if got := members(admin.access); len(got) != 1 || got[0] != admin.email {
		t.Errorf("workspace members after the removal = %v", got)
	}
}

// TestInvitationsWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's
// MetadataApiClient, infra/e2e/sdk/invitations.mjs): currentWorkspace, sendInvitations and
// findWorkspaceInvitations.
func TestInvitationsWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	colleague := "sdk." + randomHex(t, 4) + "@apple.dev"
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "invitations.mjs"),
		s.BaseURL, a.access, colleague)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node invitations.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Workspace struct {
			ID, InviteHash            string
			IsPublicInviteLinkEnabled bool
		}
		Sent    sendInvitationsReply
		Listed  []invitationReply
		Members []struct{ ID, UserEmail string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node invitations.mjs printed %q: %v", out, err)
	}
	if got.Workspace.ID != a.workspaceID || got.Workspace.InviteHash == "" || !got.Workspace.IsPublicInviteLinkEnabled {
		t.Errorf("currentWorkspace through the SDK = %+v", got.Workspace)
	}
	if !got.Sent.Success || len(got.Sent.Result) != 1 || got.Sent.Result[0].Email != colleague {
		t.Errorf("sendInvitations through the SDK = %+v", got.Sent)
	}
	if len(got.Listed) != 1 || got.Listed[0].ID != got.Sent.Result[0].ID || got.Listed[0].ExpiresAt == "" {
		t.Errorf("findWorkspaceInvitations through the SDK = %+v", got.Listed)
	}
	if len(got.Members) != 1 || got.Members[0].UserEmail != a.email {
		t.Errorf("currentUser.workspaceMembers through the SDK = %+v", got.Members)
	}
	invitationEmail(t, colleague, 1)
}
