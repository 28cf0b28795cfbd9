package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// workspaceServer serves the WorkspaceService contract (workspace.proto): a workspace's settings,
// its members and its invitations, on the auth server's store, keys and revocations.
type workspaceServer struct {
	*server
	// members creates and removes workspaceMember records in the records Worker.
	members memberRecords
	// jobs is the jobs queue, which invitation emails go through (email.go in the jobs Worker).
	jobs jobqueue.Producer
	// frontendURL is the web app's URL (FRONTEND_URL), which invitation links point at.
	frontendURL string
}

// memberRecords is the part of the records contract members need: InitWorkspace creates a
// member's workspaceMember record (as it does the creator's), DeleteMany removes it.
type memberRecords interface {
	InitWorkspace(context.Context, *recordsv1.InitWorkspaceRequest) (*recordsv1.InitWorkspaceResponse, error)
	DeleteMany(context.Context, *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error)
}

// The failures of workspaces, invitations and members, with Twenty's messages.
var (
	errSubdomainTaken         = &authError{connect.CodeInvalidArgument, "Subdomain already taken"}
	errSubdomainReserved      = &authError{connect.CodeInvalidArgument, "Subdomain is reserved"}
	errInviteHashTaken        = &authError{connect.CodeInvalidArgument, "Invite hash already taken"}
	errDisplayNameEmpty       = &authError{connect.CodeInvalidArgument, "Workspace name is required"}
	errSettingsInvalid        = &authError{connect.CodeInvalidArgument, "Workspace settings must be a JSON object"}
	errInvitationExists       = &authError{connect.CodeAlreadyExists, "An invitation has already been sent to this email."}
	errAlreadyMember          = &authError{connect.CodeAlreadyExists, "This user is already a member of the workspace."}
	errInvalidInvitation      = &authError{connect.CodeInvalidArgument, "Invalid appToken"}
	errInvitationTokenInvalid = &authError{connect.CodePermissionDenied, "Invalid invitation token"}
	errInvitationEmail        = &authError{connect.CodePermissionDenied, "Email does not match the invitation"}
	errInvitationExpired      = &authError{connect.CodePermissionDenied, "Invitation expired"}
	errInviteEmails           = &authError{connect.CodeInvalidArgument, "each value in emails must be an email"}
	errInviteEmailsUnique     = &authError{connect.CodeInvalidArgument, "All emails's elements must be unique"}
	errPublicInviteDisabled   = &authError{connect.CodePermissionDenied, "Public invite link is disabled for this workspace"}
	errWorkspaceNotReady      = &authError{connect.CodePermissionDenied, "Workspace is not ready to welcome new members"}
	errMemberNotFound         = &authError{connect.CodeInvalidArgument, "Workspace member to delete not found in workspace"}
	errRoleNotAssignable      = &authError{connect.CodeInvalidArgument, "Role cannot be assigned to users"}
	errTooManyInvitations     = &authError{connect.CodeResourceExhausted, "Workspace invitation sending rate limit exceeded."}
	errLastAdmin              = &authError{connect.CodePermissionDenied, "Cannot delete account: user is the unique admin of a workspace"}
)

// validSubdomain is Twenty's subdomain rule: 3 to 30 lowercase letters, digits and hyphens, neither
// first nor last a hyphen.
var validSubdomain = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,28}[a-z0-9]$`)

// reservedSubdomains cannot name a workspace (Twenty's RESERVED_SUBDOMAINS, the ones a URL needs).
var reservedSubdomains = []string{"api", "app", "www", "admin", "auth", "login", "signin", "signup", "static", "assets", "files", "metadata", "graphql", "rest", "webhooks", "status", "docs", "mail", "email"}

func settingsProto(ws workspaceSettings) *authv1.WorkspaceSettings {
	return &authv1.WorkspaceSettings{
		Workspace: workspaceProto(ws.workspace), InviteHash: ws.InviteHash, IsPublicInviteLinkEnabled: ws.PublicInviteEnabled,
		SettingsJson: ws.Settings, CreatedAt: timestamppb.New(ws.CreatedAt), UpdatedAt: timestamppb.New(ws.UpdatedAt),
		WorkspaceMembersCount: int32(ws.Members), DefaultRoleId: ws.DefaultRoleID,
	}
}

// GetCurrentWorkspace implements authv1connect.WorkspaceServiceHandler.
func (s *workspaceServer) GetCurrentWorkspace(ctx context.Context, _ *authv1.GetCurrentWorkspaceRequest) (*authv1.GetCurrentWorkspaceResponse, error) {
	c, err := s.member(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	ws, err := s.store.workspaceSettings(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	return &authv1.GetCurrentWorkspaceResponse{Workspace: settingsProto(ws)}, nil
}

// member verifies that the call comes from a member of a workspace (an access token; API keys
// read and change workspaces in Twenty too) and answers its claims.
func (s *workspaceServer) member(ctx context.Context) (*authtoken.Claims, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeAPIKey)
	if err != nil {
		return nil, err
	}
	if c.WorkspaceID == "" {
		return nil, errNoWorkspace
	}
	return c, nil
}

// UpdateWorkspace implements authv1connect.WorkspaceServiceHandler.
func (s *workspaceServer) UpdateWorkspace(ctx context.Context, req *authv1.UpdateWorkspaceRequest) (*authv1.UpdateWorkspaceResponse, error) {
	c, err := s.member(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	u := workspaceUpdate{InviteHash: req.InviteHash, PublicInviteEnabled: req.IsPublicInviteLinkEnabled}
	if req.DisplayName != nil {
		name := strings.TrimSpace(req.GetDisplayName())
		if name == "" {
			return nil, toConnect(errDisplayNameEmpty)
		}
		u.DisplayName = &name
	}
	if req.Subdomain != nil {
		sub := req.GetSubdomain()
		if !validSubdomain.MatchString(sub) || slices.Contains(reservedSubdomains, sub) {
			return nil, toConnect(errSubdomainReserved)
		}
		u.Subdomain = &sub
	}
	if req.InviteHash != nil && strings.TrimSpace(req.GetInviteHash()) == "" {
		return nil, toConnect(errInviteHashTaken)
	}
	if req.GetSettingsJson() != "" {
		var m map[string]any
		if json.Unmarshal([]byte(req.GetSettingsJson()), &m) != nil || m == nil {
			return nil, toConnect(errSettingsInvalid)
		}
		u.Settings = req.GetSettingsJson()
	}
	if err := s.store.updateWorkspace(ctx, c.WorkspaceID, u, s.now()); err != nil {
		return nil, toConnect(err)
	}
	ws, err := s.store.workspaceSettings(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	return &authv1.UpdateWorkspaceResponse{Workspace: settingsProto(ws)}, nil
}

// FindWorkspaceFromInviteHash implements authv1connect.WorkspaceServiceHandler. It is public, as
// Twenty's: the invite page shows the workspace's name and logo before anyone signs in.
func (s *workspaceServer) FindWorkspaceFromInviteHash(ctx context.Context, req *authv1.FindWorkspaceFromInviteHashRequest) (*authv1.FindWorkspaceFromInviteHashResponse, error) {
	ws, err := s.store.workspaceByInviteHash(ctx, strings.TrimSpace(req.GetInviteHash()))
	if err != nil {
		return nil, toConnect(err)
	}
	return &authv1.FindWorkspaceFromInviteHashResponse{Workspace: settingsProto(ws)}, nil
}

// SignUpInWorkspace implements authv1connect.WorkspaceServiceHandler: Twenty's signUpInWorkspace
// with a password.
func (s *workspaceServer) SignUpInWorkspace(ctx context.Context, req *authv1.SignUpInWorkspaceRequest) (*authv1.SignUpInWorkspaceResponse, error) {
	email, err := normalizeEmail(req.GetEmail())
	if err != nil {
		return nil, toConnect(err)
	}
	var ws workspaceSettings
	switch {
	case req.GetWorkspaceInviteHash() != "":
		ws, err = s.store.workspaceByInviteHash(ctx, req.GetWorkspaceInviteHash())
	case req.GetWorkspaceId() != "":
		ws, err = s.store.workspaceSettings(ctx, req.GetWorkspaceId())
	default:
		err = errWorkspaceNotFound
	}
	if err != nil {
		return nil, toConnect(err)
	}
	var inv *invitation
	if token := req.GetWorkspacePersonalInviteToken(); token != "" {
		found, err := s.store.invitationByToken(ctx, ws.ID, invitationTokenSHA256(token))
		if err != nil {
			return nil, toConnect(err)
		}
		switch {
		case !strings.EqualFold(found.Email, email):
			return nil, toConnect(errInvitationEmail)
		case s.now().After(found.ExpiresAt):
			return nil, toConnect(errInvitationExpired)
		}
		inv = &found
	}
	if inv == nil && req.GetWorkspaceInviteHash() != "" && !ws.PublicInviteEnabled {
		return nil, toConnect(errPublicInviteDisabled)
	}
	u, err := s.signInOrUp(ctx, email, req.GetPassword())
	if err != nil {
		return nil, toConnect(err)
	}
	if inv == nil && req.GetWorkspaceInviteHash() == "" {
		// Neither invited nor through the public link: only a member signs in this way.
		if _, err := s.store.membership(ctx, u.ID, ws.ID); err != nil {
			return nil, toConnect(err)
		}
	}
	if ws.ActivationStatus != "ACTIVE" {
		return nil, toConnect(errWorkspaceNotReady)
	}
	role := "" // the workspace's default
	if inv != nil {
		role = inv.RoleID
	}
	m, err := s.store.join(ctx, u.ID, u.Email, ws.ID, role, membership{UserWorkspaceID: ids.NewUUID(), WorkspaceMemberID: ids.NewUUID()})
	if err != nil {
		return nil, toConnect(err)
	}
	// The member's record, through the path that made the creator's; it is idempotent, so a join
	// whose record failed is completed by signing in this way again.
	if _, err := s.members.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{
		WorkspaceId: ws.ID, WorkspaceMemberId: m.WorkspaceMemberID, UserId: u.ID,
		MemberFirstName: u.FirstName, MemberLastName: u.LastName, MemberEmail: u.Email,
	}); err != nil {
		return nil, err
	}
	login, err := s.loginToken(ctx, u.Email, ws.ID)
	if err != nil {
		return nil, err
	}
	return &authv1.SignUpInWorkspaceResponse{LoginToken: login, Workspace: workspaceProto(ws.workspace)}, nil
}

// signInOrUp answers the user of email after checking their password, or creates them with it.
// Failed passwords count against the email's login throttle, as a password login's do.
func (s *workspaceServer) signInOrUp(ctx context.Context, email, password string) (user, error) {
	u, err := s.store.userByEmail(ctx, email)
	if errors.Is(err, errUserNotFound) {
		if len([]rune(password)) < minPasswordLength {
			return user{}, errPasswordTooWeak
		}
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
		if err != nil {
			return user{}, errPasswordTooWeak
		}
		u = user{ID: ids.NewUUID(), Email: email, PasswordHash: string(hash)}
		if err := s.store.createUser(ctx, u); err != nil {
			return user{}, err
		}
		return u, nil
	}
	if err != nil {
		return user{}, err
	}
	key, now := "email:"+email, s.now()
	if n, err := s.store.failures(ctx, key, now); err != nil {
		return user{}, err
	} else if n >= maxFailuresPerEmail {
		return user{}, errTooManyLogins
	}
	if u.PasswordHash == "" {
		return user{}, errNoPassword
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		if err := s.store.recordFailure(ctx, now, key); err != nil {
			return user{}, err
		}
		return user{}, errWrongPassword
	}
	return u, nil
}

// DeleteUserFromWorkspace implements authv1connect.WorkspaceServiceHandler: Twenty's
// deleteUserFromWorkspace. The member's record goes first, so a failure leaves the membership for
// a retry to finish; then the membership and the member's sessions in the workspace go in one
// batch, and their access tokens are revoked.
func (s *workspaceServer) DeleteUserFromWorkspace(ctx context.Context, req *authv1.DeleteUserFromWorkspaceRequest) (*authv1.DeleteUserFromWorkspaceResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess)
	if err != nil {
		return nil, toConnect(err)
	}
	m, err := s.store.memberByWorkspaceMemberID(ctx, c.WorkspaceID, req.GetWorkspaceMemberId())
	if err != nil {
		return nil, toConnect(err)
	}
	members, admins, err := s.store.memberCounts(ctx, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	last := members == 1
	if !last && m.RoleStandardID == "admin" && admins <= 1 {
		return nil, toConnect(errLastAdmin)
	}
	if !last {
		_, err := s.members.DeleteMany(ctx, &recordsv1.DeleteManyRequest{
			WorkspaceId: c.WorkspaceID, ObjectNamePlural: "workspaceMembers", Destroy: true,
			Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: m.WorkspaceMemberID}},
			Actor:     &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: c.WorkspaceMemberID, UserId: c.UserID},
		})
		if err != nil && connect.CodeOf(err) != connect.CodeNotFound {
			return nil, err
		}
	}
	sessions, err := s.store.liveSessions(ctx, "user_id = ? AND workspace_id = ?", m.UserID, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if err := s.store.removeMember(ctx, c.WorkspaceID, m, last, s.now()); err != nil {
		return nil, err
	}
	for _, id := range sessions {
		if err := s.revoke(ctx, id, s.now().Add(authtoken.TypeAccess.DefaultTTL())); err != nil {
			return nil, err
		}
	}
	slog.InfoContext(ctx, "member removed", "workspace_id", c.WorkspaceID, "user_workspace_id", m.UserWorkspaceID, "sessions_revoked", len(sessions))
	return &authv1.DeleteUserFromWorkspaceResponse{UserWorkspaceId: m.UserWorkspaceID, UserId: m.UserID,
		CreatedAt: timestamppb.New(m.CreatedAt), RevokedSessionIds: sessions}, nil
}
