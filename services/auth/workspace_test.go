package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"github.com/twentyworkers/twenty/shared/queue/queuemem"
	"github.com/twentyworkers/twenty/shared/rpc"
	"google.golang.org/protobuf/proto"
)

// fakeMemberRecords adds DeleteMany to fakeRecords: the workspaceMember records removed.
type fakeMemberRecords struct {
	*fakeRecords
	mu      sync.Mutex
	deleted []*recordsv1.DeleteManyRequest
}

func (f *fakeMemberRecords) DeleteMany(_ context.Context, req *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, req)
	return &recordsv1.MutationResponse{RecordsJson: []byte("[]")}, nil
}

type wsHarness struct {
	*harness
	ws      authv1connect.WorkspaceServiceClient
	members *fakeMemberRecords
	queue   *queuemem.Memory
}

func newWorkspaceHarness(t *testing.T) *wsHarness {
	t.Helper()
	h := newHarness(t)
	w := &wsHarness{harness: h, members: &fakeMemberRecords{fakeRecords: h.records}, queue: queuemem.New()}
	d := h.deps
	d.members, d.jobs, d.frontendURL = w.members, w.queue, "https://app.example.com"
	srv := httptest.NewServer(newHandler(d, nil))
	t.Cleanup(srv.Close)
	h.client = authv1connect.NewAuthServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
	w.ws = authv1connect.NewWorkspaceServiceClient(srv.Client(), srv.URL, rpc.ClientOptions()...)
	return w
}

// sentEmail is an email.send job taken from the queue, with its link's parts.
type sentEmail struct {
	job                 emailJob
	link                *url.URL
	token, hash, emailQ string
}

// emails answers the email jobs queued since the n-th message.
func (w *wsHarness) emails(t *testing.T, from int) []sentEmail {
	t.Helper()
	var out []sentEmail
	for _, body := range w.queue.Sent()[from:] {
		job, err := jobqueue.Decode(body)
		if err != nil || job.GetType() != emailJobType {
			t.Fatalf("queued %v (%v), want an %s job", job, err, emailJobType)
		}
		var e sentEmail
		if err := json.Unmarshal(job.GetPayload(), &e.job); err != nil {
			t.Fatalf("email payload: %v", err)
		}
		i := strings.Index(e.job.Text, "https://")
		link, err := url.Parse(strings.Fields(e.job.Text[i:])[0])
		if err != nil {
			t.Fatalf("link in %q: %v", e.job.Text, err)
		}
		e.link, e.token, e.emailQ = link, link.Query().Get("inviteToken"), link.Query().Get("email")
		e.hash = strings.TrimPrefix(link.Path, "/invite/")
		out = append(out, e)
	}
	return out
}

func (w *wsHarness) current(t *testing.T, access string) *authv1.WorkspaceSettings {
	t.Helper()
	res, err := w.ws.GetCurrentWorkspace(as(access), &authv1.GetCurrentWorkspaceRequest{})
	if err != nil {
		t.Fatalf("GetCurrentWorkspace: %v", err)
	}
	return res.GetWorkspace()
}

// join signs up in the workspace through a link's token and answers the new member's access token.
func (w *wsHarness) join(t *testing.T, req *authv1.SignUpInWorkspaceRequest) string {
	t.Helper()
	res, err := w.ws.SignUpInWorkspace(context.Background(), req)
	if err != nil {
		t.Fatalf("SignUpInWorkspace(%s): %v", req.GetEmail(), err)
	}
	tokens, err := w.client.GetAuthTokensFromLoginToken(context.Background(), &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: res.GetLoginToken().GetToken()})
	if err != nil {
		t.Fatalf("GetAuthTokensFromLoginToken: %v", err)
	}
	return tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
}

func TestInviteAndJoin(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	other := w.onboard(t, "satya@microsoft.dev")
	ws := w.current(t, admin.access)
	if ws.GetInviteHash() == "" || !ws.GetIsPublicInviteLinkEnabled() || ws.GetWorkspaceMembersCount() != 1 || ws.GetSettingsJson() != "{}" {
		t.Fatalf("current workspace = %v", ws)
	}

	for _, bad := range [][]string{{"not an email"}, {"Grace <grace@apple.dev>"}, {"grace@apple.dev", "GRACE@apple.dev"}} {
		_, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: bad})
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("SendInvitations(%q) = %v, want InvalidArgument", bad, err)
		}
	}
	_, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"grace@apple.dev"}, RoleId: "nope"})
	wantCode(t, "SendInvitations with an unknown role", err, connect.CodeNotFound, "Role not found")

	sent, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"Grace@Apple.dev", "tim@apple.dev"}})
	if err != nil {
		t.Fatalf("SendInvitations: %v", err)
	}
	if sent.GetSuccess() || len(sent.GetResult()) != 1 || sent.GetResult()[0].GetEmail() != "grace@apple.dev" ||
		!cmp.Equal(sent.GetErrors(), []string{"This user is already a member of the workspace."}) {
		t.Fatalf("SendInvitations = %v", sent)
	}
	if exp := sent.GetResult()[0].GetExpiresAt().AsTime(); exp.Sub(w.clock.Now()) > invitationTTL || exp.Sub(w.clock.Now()) < invitationTTL-time.Millisecond {
		t.Errorf("invitation expires at %v, want 30 days from now", exp)
	}
	again, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"grace@apple.dev"}})
	if err != nil || again.GetSuccess() || !cmp.Equal(again.GetErrors(), []string{"An invitation has already been sent to this email."}) {
		t.Fatalf("SendInvitations again = %v, %v", again, err)
	}

	emails := w.emails(t, 0)
	if len(emails) != 1 {
		t.Fatalf("queued %d emails, want 1", len(emails))
	}
	e := emails[0]
	if e.link.Host != ws.GetWorkspace().GetSubdomain()+".app.example.com" || e.hash != ws.GetInviteHash() || e.emailQ != "grace@apple.dev" || len(e.token) != 64 ||
		e.job.Subject != "Join your team on Twenty" || !cmp.Equal(e.job.To, []string{"grace@apple.dev"}) || !strings.Contains(e.job.HTML, "Apple Inc") {
		t.Errorf("email = %+v, link %v", e.job, e.link)
	}

	// Another workspace sees none of it.
	if list, err := w.ws.ListInvitations(as(other.access), &authv1.ListInvitationsRequest{}); err != nil || len(list.GetInvitations()) != 0 {
		t.Errorf("another workspace's ListInvitations = %v, %v", list, err)
	}
	if del, err := w.ws.DeleteInvitation(as(other.access), &authv1.DeleteInvitationRequest{Id: sent.GetResult()[0].GetId()}); err != nil || del.GetResult() != "error" {
		t.Errorf("another workspace's DeleteInvitation = %v, %v", del, err)
	}
	if _, err := w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906",
		WorkspaceId: other.workspace.GetId(), WorkspacePersonalInviteToken: e.token}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("joining another workspace with the token = %v, want PermissionDenied", err)
	}
	list, err := w.ws.ListInvitations(as(admin.access), &authv1.ListInvitationsRequest{})
	if err != nil || len(list.GetInvitations()) != 1 || !proto.Equal(list.GetInvitations()[0], sent.GetResult()[0]) {
		t.Fatalf("ListInvitations = %v, %v", list, err)
	}

	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "eve@apple.dev", Password: "hopper1906",
		WorkspaceInviteHash: e.hash, WorkspacePersonalInviteToken: e.token})
	wantCode(t, "joining with another email", err, connect.CodePermissionDenied, "Email does not match the invitation")

	access := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceInviteHash: e.hash, WorkspacePersonalInviteToken: e.token})
	me, err := w.client.CurrentUser(as(access), &authv1.CurrentUserRequest{})
	if err != nil || me.GetUser().GetCurrentWorkspace().GetId() != admin.workspace.GetId() || me.GetUser().GetEmail() != "grace@apple.dev" {
		t.Fatalf("CurrentUser of the new member = %v, %v", me, err)
	}
	init := w.records.calls[len(w.records.calls)-1]
	if init.GetWorkspaceId() != admin.workspace.GetId() || init.GetWorkspaceMemberId() != me.GetUser().GetWorkspaceMember().GetId() || init.GetMemberEmail() != "grace@apple.dev" {
		t.Errorf("InitWorkspace for the new member = %v", init)
	}
	roles, err := w.client.GetRoles(as(admin.access), &authv1.GetRolesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.store().membership(context.Background(), me.GetUser().GetId(), admin.workspace.GetId())
	if err != nil || m.RoleStandardID != "member" {
		t.Errorf("new member's membership = %+v, %v (roles %v)", m, err, roles)
	}
	if list, err := w.ws.ListInvitations(as(admin.access), &authv1.ListInvitationsRequest{}); err != nil || len(list.GetInvitations()) != 0 {
		t.Errorf("ListInvitations after joining = %v, %v", list, err)
	}
	if _, err := w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906",
		WorkspaceInviteHash: e.hash, WorkspacePersonalInviteToken: e.token}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reusing a used invitation = %v, want PermissionDenied", err)
	}
	if got := w.current(t, admin.access).GetWorkspaceMembersCount(); got != 2 {
		t.Errorf("workspaceMembersCount = %d, want 2", got)
	}
}

// store reads the harness's database directly.
func (w *wsHarness) store() *store { return &store{db: w.deps.control} }

func TestInvitationExpiryResendDelete(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	sent, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"grace@apple.dev", "ada@apple.dev"}})
	if err != nil || !sent.GetSuccess() || len(sent.GetResult()) != 2 {
		t.Fatalf("SendInvitations = %v, %v", sent, err)
	}
	first := w.emails(t, 0)

	resent, err := w.ws.ResendInvitation(as(admin.access), &authv1.ResendInvitationRequest{Id: sent.GetResult()[0].GetId()})
	if err != nil || !resent.GetSuccess() || len(resent.GetResult()) != 1 || resent.GetResult()[0].GetEmail() != "grace@apple.dev" || resent.GetResult()[0].GetId() == sent.GetResult()[0].GetId() {
		t.Fatalf("ResendInvitation = %v, %v", resent, err)
	}
	second := w.emails(t, 2)
	if len(second) != 1 || second[0].token == first[0].token {
		t.Fatalf("resent emails = %+v", second)
	}
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906",
		WorkspaceInviteHash: first[0].hash, WorkspacePersonalInviteToken: first[0].token})
	wantCode(t, "the replaced token", err, connect.CodePermissionDenied, "Invalid invitation token")
	_, err = w.ws.ResendInvitation(as(admin.access), &authv1.ResendInvitationRequest{Id: sent.GetResult()[0].GetId()})
	wantCode(t, "resending a replaced invitation", err, connect.CodeInvalidArgument, "Invalid appToken")

	if del, err := w.ws.DeleteInvitation(as(admin.access), &authv1.DeleteInvitationRequest{Id: sent.GetResult()[1].GetId()}); err != nil || del.GetResult() != "success" {
		t.Fatalf("DeleteInvitation = %v, %v", del, err)
	}
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "ada@apple.dev", Password: "lovelace1815",
		WorkspaceInviteHash: first[1].hash, WorkspacePersonalInviteToken: first[1].token})
	wantCode(t, "a deleted invitation's token", err, connect.CodePermissionDenied, "Invalid invitation token")

	w.clock.advance(invitationTTL + time.Minute)
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906",
		WorkspaceInviteHash: second[0].hash, WorkspacePersonalInviteToken: second[0].token})
	wantCode(t, "an expired invitation", err, connect.CodePermissionDenied, "Invitation expired")
}

func TestPublicInviteLink(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	other := w.onboard(t, "satya@microsoft.dev")
	hash := w.current(t, admin.access).GetInviteHash()

	found, err := w.ws.FindWorkspaceFromInviteHash(context.Background(), &authv1.FindWorkspaceFromInviteHashRequest{InviteHash: hash})
	if err != nil || found.GetWorkspace().GetWorkspace().GetDisplayName() != "Apple Inc" {
		t.Fatalf("FindWorkspaceFromInviteHash = %v, %v", found, err)
	}
	_, err = w.ws.FindWorkspaceFromInviteHash(context.Background(), &authv1.FindWorkspaceFromInviteHashRequest{InviteHash: "nope"})
	wantCode(t, "an unknown hash", err, connect.CodeNotFound, "Workspace not found")

	off := false
	if _, err := w.ws.UpdateWorkspace(as(admin.access), &authv1.UpdateWorkspaceRequest{IsPublicInviteLinkEnabled: &off}); err != nil {
		t.Fatalf("UpdateWorkspace: %v", err)
	}
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceInviteHash: hash})
	wantCode(t, "the disabled public link", err, connect.CodePermissionDenied, "Public invite link is disabled for this workspace")
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceId: admin.workspace.GetId()})
	wantCode(t, "no invitation at all", err, connect.CodePermissionDenied, "User does not have access to this workspace")

	on := true
	if _, err := w.ws.UpdateWorkspace(as(admin.access), &authv1.UpdateWorkspaceRequest{IsPublicInviteLinkEnabled: &on}); err != nil {
		t.Fatalf("UpdateWorkspace: %v", err)
	}
	// An existing user joins with their own password, which is checked.
	_, err = w.ws.SignUpInWorkspace(context.Background(), &authv1.SignUpInWorkspaceRequest{Email: other.email, Password: "wrong password", WorkspaceInviteHash: hash})
	wantCode(t, "an existing user's wrong password", err, connect.CodePermissionDenied, "Wrong password")
	access := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: other.email, Password: other.password, WorkspaceInviteHash: hash})
	if got := w.current(t, access).GetWorkspace().GetId(); got != admin.workspace.GetId() {
		t.Errorf("joined workspace = %s, want %s", got, admin.workspace.GetId())
	}
	// Their own workspace is still theirs.
	if got := w.current(t, other.access).GetWorkspace().GetId(); got != other.workspace.GetId() {
		t.Errorf("own workspace = %s, want %s", got, other.workspace.GetId())
	}
}

func TestUpdateWorkspace(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	other := w.onboard(t, "satya@microsoft.dev")
	otherSub := w.current(t, other.access).GetWorkspace().GetSubdomain()
	s := func(v string) *string { return &v }
	tests := []struct {
		name    string
		req     *authv1.UpdateWorkspaceRequest
		code    connect.Code
		msg     string
		check   func(*authv1.WorkspaceSettings) bool
		checkOn string
	}{
		{"display name", &authv1.UpdateWorkspaceRequest{DisplayName: s(" Apple ")}, 0, "", func(ws *authv1.WorkspaceSettings) bool { return ws.GetWorkspace().GetDisplayName() == "Apple" }, "displayName"},
		{"empty display name", &authv1.UpdateWorkspaceRequest{DisplayName: s(" ")}, connect.CodeInvalidArgument, "Workspace name is required", nil, ""},
		{"subdomain", &authv1.UpdateWorkspaceRequest{Subdomain: s("apple")}, 0, "", func(ws *authv1.WorkspaceSettings) bool { return ws.GetWorkspace().GetSubdomain() == "apple" }, "subdomain"},
		{"subdomain too short", &authv1.UpdateWorkspaceRequest{Subdomain: s("ap")}, connect.CodeInvalidArgument, "Subdomain is reserved", nil, ""},
		{"subdomain uppercase", &authv1.UpdateWorkspaceRequest{Subdomain: s("Apple")}, connect.CodeInvalidArgument, "Subdomain is reserved", nil, ""},
		{"subdomain hyphen last", &authv1.UpdateWorkspaceRequest{Subdomain: s("apple-")}, connect.CodeInvalidArgument, "Subdomain is reserved", nil, ""},
		{"subdomain reserved", &authv1.UpdateWorkspaceRequest{Subdomain: s("api")}, connect.CodeInvalidArgument, "Subdomain is reserved", nil, ""},
		{"subdomain taken", &authv1.UpdateWorkspaceRequest{Subdomain: s(otherSub)}, connect.CodeInvalidArgument, "Subdomain already taken", nil, ""},
		{"invite hash", &authv1.UpdateWorkspaceRequest{InviteHash: s("apple-invite")}, 0, "", func(ws *authv1.WorkspaceSettings) bool { return ws.GetInviteHash() == "apple-invite" }, "inviteHash"},
		{"settings merge", &authv1.UpdateWorkspaceRequest{SettingsJson: `{"allowImpersonation":false,"trashRetentionDays":7}`}, 0, "",
			func(ws *authv1.WorkspaceSettings) bool {
				return ws.GetSettingsJson() == `{"allowImpersonation":false,"trashRetentionDays":7}`
			}, "settings"},
		{"settings merge again", &authv1.UpdateWorkspaceRequest{SettingsJson: `{"trashRetentionDays":30}`}, 0, "",
			func(ws *authv1.WorkspaceSettings) bool {
				return ws.GetSettingsJson() == `{"allowImpersonation":false,"trashRetentionDays":30}`
			}, "settings"},
		{"settings not an object", &authv1.UpdateWorkspaceRequest{SettingsJson: `[1]`}, connect.CodeInvalidArgument, "Workspace settings must be a JSON object", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := w.ws.UpdateWorkspace(as(admin.access), tt.req)
			if tt.code != 0 {
				wantCode(t, "UpdateWorkspace", err, tt.code, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("UpdateWorkspace: %v", err)
			}
			if !tt.check(res.GetWorkspace()) {
				t.Errorf("UpdateWorkspace %s = %v", tt.checkOn, res.GetWorkspace())
			}
		})
	}
	if got := w.current(t, other.access).GetWorkspace().GetSubdomain(); got != otherSub {
		t.Errorf("the other workspace's subdomain = %q, want %q", got, otherSub)
	}
	if _, err := w.ws.GetCurrentWorkspace(context.Background(), &authv1.GetCurrentWorkspaceRequest{}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("GetCurrentWorkspace without a token = %v, want Unauthenticated", err)
	}
}

func TestDeleteUserFromWorkspace(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	other := w.onboard(t, "satya@microsoft.dev")
	hash := w.current(t, admin.access).GetInviteHash()
	grace := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceInviteHash: hash})
	me, err := w.client.CurrentUser(as(grace), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	graceMember := me.GetUser().GetWorkspaceMember().GetId()
	adminMe, err := w.client.CurrentUser(as(admin.access), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}

	_, err = w.ws.DeleteUserFromWorkspace(as(other.access), &authv1.DeleteUserFromWorkspaceRequest{WorkspaceMemberId: graceMember})
	wantCode(t, "another workspace's member", err, connect.CodeInvalidArgument, "Workspace member to delete not found in workspace")
	_, err = w.ws.DeleteUserFromWorkspace(as(admin.access), &authv1.DeleteUserFromWorkspaceRequest{WorkspaceMemberId: adminMe.GetUser().GetWorkspaceMember().GetId()})
	wantCode(t, "the last admin", err, connect.CodePermissionDenied, "Cannot delete account: user is the unique admin of a workspace")

	res, err := w.ws.DeleteUserFromWorkspace(as(admin.access), &authv1.DeleteUserFromWorkspaceRequest{WorkspaceMemberId: graceMember})
	if err != nil || res.GetUserId() != me.GetUser().GetId() || len(res.GetRevokedSessionIds()) != 1 {
		t.Fatalf("DeleteUserFromWorkspace = %v, %v", res, err)
	}
	if got := w.members.deleted; len(got) != 1 || got[0].GetWorkspaceId() != admin.workspace.GetId() || got[0].GetSelection().GetId() != graceMember || !got[0].GetDestroy() {
		t.Errorf("records DeleteMany = %v", got)
	}
	_, err = w.client.CurrentUser(as(grace), &authv1.CurrentUserRequest{})
	wantCode(t, "the removed member's token", err, connect.CodeUnauthenticated, "Token has been revoked.")
	if got := w.current(t, admin.access).GetWorkspaceMembersCount(); got != 1 {
		t.Errorf("workspaceMembersCount = %d, want 1", got)
	}
	// Their login no longer enters the workspace.
	_, err = w.client.GetLoginTokenFromCredentials(context.Background(), &authv1.GetLoginTokenFromCredentialsRequest{Email: "grace@apple.dev", Password: "hopper1906"})
	wantCode(t, "the removed member's login", err, connect.CodePermissionDenied, "User does not have access to this workspace")
	// The admin's own sessions are untouched.
	if _, err := w.client.CurrentUser(as(admin.access), &authv1.CurrentUserRequest{}); err != nil {
		t.Errorf("admin's CurrentUser: %v", err)
	}
}

func TestInvitationRole(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	roles, err := w.client.GetRoles(as(admin.access), &authv1.GetRolesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var adminRole string
	for _, r := range roles.GetRoles() {
		if r.GetLabel() == "Admin" {
			adminRole = r.GetId()
		}
	}
	sent, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"grace@apple.dev"}, RoleId: adminRole})
	if err != nil || !sent.GetSuccess() || sent.GetResult()[0].GetRoleId() != adminRole {
		t.Fatalf("SendInvitations with the Admin role = %v, %v", sent, err)
	}
	e := w.emails(t, 0)[0]
	access := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "grace@apple.dev", Password: "hopper1906", WorkspaceInviteHash: e.hash, WorkspacePersonalInviteToken: e.token})
	me, err := w.client.CurrentUser(as(access), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.store().membership(context.Background(), me.GetUser().GetId(), admin.workspace.GetId()); err != nil || m.RoleID != adminRole {
		t.Errorf("membership = %+v, %v; want the Admin role %s", m, err, adminRole)
	}

	// An invitation whose role was deleted since joins with the workspace's default role.
	custom := "00000000-0000-4000-8000-00000000c001"
	if _, err := w.deps.control.ExecContext(context.Background(), `INSERT INTO roles (id, workspace_id, label) VALUES (?, ?, 'Sales')`, custom, admin.workspace.GetId()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"linus@apple.dev"}, RoleId: custom}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.deps.control.ExecContext(context.Background(), `DELETE FROM roles WHERE id = ?`, custom); err != nil {
		t.Fatal(err)
	}
	e = w.emails(t, 0)[1]
	linus := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "linus@apple.dev", Password: "torvalds1969", WorkspaceInviteHash: e.hash, WorkspacePersonalInviteToken: e.token})
	me, err = w.client.CurrentUser(as(linus), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.store().membership(context.Background(), me.GetUser().GetId(), admin.workspace.GetId()); err != nil || m.RoleStandardID != "member" {
		t.Errorf("membership with a deleted role = %+v, %v; want Member", m, err)
	}

	// The workspace's default role (updateWorkspace's defaultRoleId) is a public link's role.
	if _, err := w.ws.UpdateWorkspace(as(admin.access), &authv1.UpdateWorkspaceRequest{SettingsJson: `{"defaultRoleId":"` + adminRole + `"}`}); err != nil {
		t.Fatal(err)
	}
	if got := w.current(t, admin.access).GetDefaultRoleId(); got != adminRole {
		t.Errorf("default role = %s, want %s", got, adminRole)
	}
	ada := w.join(t, &authv1.SignUpInWorkspaceRequest{Email: "ada@apple.dev", Password: "lovelace1815", WorkspaceInviteHash: e.hash})
	me, err = w.client.CurrentUser(as(ada), &authv1.CurrentUserRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.store().membership(context.Background(), me.GetUser().GetId(), admin.workspace.GetId()); err != nil || m.RoleID != adminRole {
		t.Errorf("membership through the public link = %+v, %v; want the default role %s", m, err, adminRole)
	}

	if _, err := w.deps.control.ExecContext(context.Background(), `UPDATE roles SET can_be_assigned_to_users = 0 WHERE id = ?`, adminRole); err != nil {
		t.Fatal(err)
	}
	_, err = w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"ada@apple.dev"}, RoleId: adminRole})
	wantCode(t, "a role users cannot have", err, connect.CodeInvalidArgument, "Role cannot be assigned to users")
}

func TestInvitationThrottles(t *testing.T) {
	w := newWorkspaceHarness(t)
	admin := w.onboard(t, "tim@apple.dev")
	sent, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"grace@apple.dev"}})
	if err != nil || !sent.GetSuccess() {
		t.Fatalf("SendInvitations = %v, %v", sent, err)
	}
	id := sent.GetResult()[0].GetId()
	for i := 2; i <= maxInvitationsPerEmail; i++ { // the first email and 9 resends: 10 in 7 days
		res, err := w.ws.ResendInvitation(as(admin.access), &authv1.ResendInvitationRequest{Id: id})
		if err != nil {
			t.Fatalf("resend %d: %v", i, err)
		}
		id = res.GetResult()[0].GetId()
	}
	_, err = w.ws.ResendInvitation(as(admin.access), &authv1.ResendInvitationRequest{Id: id})
	wantCode(t, "the 11th email to one address", err, connect.CodeResourceExhausted, "Workspace invitation sending rate limit exceeded.")
	if got := len(w.queue.Sent()); got != maxInvitationsPerEmail {
		t.Errorf("queued %d emails, want %d", got, maxInvitationsPerEmail)
	}
	// Other addresses are still invited; a week later the address is again.
	if res, err := w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: []string{"ada@apple.dev"}}); err != nil || !res.GetSuccess() {
		t.Errorf("another address = %v, %v", res, err)
	}
	w.clock.advance(invitationThrottleWindow + time.Minute)
	login, err := w.client.GetLoginTokenFromCredentials(context.Background(), &authv1.GetLoginTokenFromCredentialsRequest{Email: admin.email, Password: admin.password})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := w.client.GetAuthTokensFromLoginToken(context.Background(), &authv1.GetAuthTokensFromLoginTokenRequest{LoginToken: login.GetLoginToken().GetToken()})
	if err != nil {
		t.Fatal(err)
	}
	admin.access = tokens.GetTokens().GetAccessOrWorkspaceAgnosticToken().GetToken()
	if _, err := w.ws.ResendInvitation(as(admin.access), &authv1.ResendInvitationRequest{Id: id}); err != nil {
		t.Errorf("a week later: %v", err)
	}

	// The workspace's budget counts every address of a call at once.
	many := make([]string, maxInvitationsPerWorkspace)
	for i := range many {
		many[i] = fmt.Sprintf("user%d@apple.dev", i)
	}
	_, err = w.ws.SendInvitations(as(admin.access), &authv1.SendInvitationsRequest{Emails: many})
	wantCode(t, "more than the workspace's budget", err, connect.CodeResourceExhausted, "Workspace invitation sending rate limit exceeded.")
}
