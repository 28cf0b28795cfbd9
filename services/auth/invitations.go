package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"log/slog"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/jobqueue"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// invitationTTL is how long an invitation's link works (Twenty's INVITATION_TOKEN_EXPIRES_IN, 30d).
const invitationTTL = 30 * 24 * time.Hour

// emailJobType is the jobs queue's job that sends one email through the email API (the jobs
// Worker's email.go, the sender SEND_EMAIL steps use), retried by the queue until it is accepted.
const emailJobType = "email.send"

// emailJob is the payload of an email.send job.
type emailJob struct {
	To []string `json:"to"`
	// FromName is the sender's display name; the address is the jobs Worker's EMAIL_FROM.
	FromName string `json:"fromName,omitempty"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html"`
}

// newInvitationToken answers a token for an invitation link (32 random bytes, hex, as Twenty's)
// and the SHA-256 it is stored as.
func newInvitationToken() (token, sum string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	token = hex.EncodeToString(b[:])
	return token, invitationTokenSHA256(token)
}

func invitationTokenSHA256(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

func invitationProto(inv invitation) *authv1.Invitation {
	return &authv1.Invitation{Id: inv.ID, Email: inv.Email, RoleId: inv.RoleID, ExpiresAt: timestamppb.New(inv.ExpiresAt)}
}

// inviteEmails checks the emails as Twenty's SendInvitationsInput does (each an email, no two
// alike) and answers them lowercased.
func inviteEmails(emails []string) ([]string, error) {
	out := make([]string, 0, len(emails))
	seen := map[string]bool{}
	for _, e := range emails {
		a, err := mail.ParseAddress(e)
		if err != nil || a.Name != "" || a.Address != strings.TrimSpace(e) || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@'):], ".") {
			return nil, errInviteEmails
		}
		addr := strings.ToLower(a.Address)
		if seen[addr] {
			return nil, errInviteEmailsUnique
		}
		seen[addr] = true
		out = append(out, addr)
	}
	return out, nil
}

// sender is who sends invitations: the calling member, with their workspace.
type sender struct {
	user      user
	workspace workspaceSettings
}

func (s *workspaceServer) sender(ctx context.Context) (sender, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess)
	if err != nil {
		return sender{}, err
	}
	u, err := s.store.userByID(ctx, c.UserID)
	if err != nil {
		return sender{}, err
	}
	if _, err := s.store.membership(ctx, u.ID, c.WorkspaceID); err != nil {
		return sender{}, err
	}
	ws, err := s.store.workspaceSettings(ctx, c.WorkspaceID)
	if err != nil {
		return sender{}, err
	}
	return sender{user: u, workspace: ws}, nil
}

// SendInvitations implements authv1connect.WorkspaceServiceHandler: Twenty's sendInvitations. Each
// email gets its invitation and its email job, or a message in errors saying why not.
func (s *workspaceServer) SendInvitations(ctx context.Context, req *authv1.SendInvitationsRequest) (*authv1.SendInvitationsResponse, error) {
	from, err := s.sender(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	emails, err := inviteEmails(req.GetEmails())
	if err != nil {
		return nil, toConnect(err)
	}
	if role := req.GetRoleId(); role != "" {
		if err := s.store.assignableRole(ctx, from.workspace.ID, role); err != nil {
			return nil, toConnect(err)
		}
	}
	if err := s.store.takeInvitationBudget(ctx, from.workspace.ID, emails, s.now()); err != nil {
		return nil, toConnect(err)
	}
	out := &authv1.SendInvitationsResponse{Errors: []string{}, Result: []*authv1.Invitation{}}
	for _, email := range emails {
		inv := invitation{ID: ids.NewUUID(), WorkspaceID: from.workspace.ID, Email: email, RoleID: req.GetRoleId(), ExpiresAt: s.now().Add(invitationTTL).Truncate(time.Millisecond)}
		token, sum := newInvitationToken()
		if err := s.store.createInvitation(ctx, inv, sum); err != nil {
			var ae *authError
			if errors.As(err, &ae) {
				out.Errors = append(out.Errors, ae.msg)
				continue
			}
			return nil, err
		}
		if err := s.enqueueInvitationEmail(ctx, from, inv, token); err != nil {
			out.Errors = append(out.Errors, err.Error())
			continue
		}
		out.Result = append(out.Result, invitationProto(inv))
	}
	out.Success = len(out.Errors) == 0
	return out, nil
}

// ResendInvitation implements authv1connect.WorkspaceServiceHandler: the invitation is replaced by
// a new one (new token, new expiry, same email and role), whose email is sent.
func (s *workspaceServer) ResendInvitation(ctx context.Context, req *authv1.ResendInvitationRequest) (*authv1.SendInvitationsResponse, error) {
	from, err := s.sender(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	old, err := s.store.invitation(ctx, from.workspace.ID, req.GetId())
	if err != nil {
		return nil, toConnect(err)
	}
	if err := s.store.takeInvitationBudget(ctx, from.workspace.ID, []string{old.Email}, s.now()); err != nil {
		return nil, toConnect(err)
	}
	inv := invitation{ID: ids.NewUUID(), WorkspaceID: old.WorkspaceID, Email: old.Email, RoleID: old.RoleID, ExpiresAt: s.now().Add(invitationTTL).Truncate(time.Millisecond)}
	token, sum := newInvitationToken()
	if err := s.store.replaceInvitation(ctx, old, inv, sum); err != nil {
		return nil, toConnect(err)
	}
	if err := s.enqueueInvitationEmail(ctx, from, inv, token); err != nil {
		return &authv1.SendInvitationsResponse{Errors: []string{err.Error()}, Result: []*authv1.Invitation{}}, nil
	}
	return &authv1.SendInvitationsResponse{Success: true, Errors: []string{}, Result: []*authv1.Invitation{invitationProto(inv)}}, nil
}

// DeleteInvitation implements authv1connect.WorkspaceServiceHandler.
func (s *workspaceServer) DeleteInvitation(ctx context.Context, req *authv1.DeleteInvitationRequest) (*authv1.DeleteInvitationResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeAPIKey)
	if err != nil {
		return nil, toConnect(err)
	}
	deleted, err := s.store.deleteInvitation(ctx, c.WorkspaceID, req.GetId())
	if err != nil {
		return nil, err
	}
	if !deleted {
		return &authv1.DeleteInvitationResponse{Result: "error"}, nil
	}
	return &authv1.DeleteInvitationResponse{Result: "success"}, nil
}

// ListInvitations implements authv1connect.WorkspaceServiceHandler.
func (s *workspaceServer) ListInvitations(ctx context.Context, _ *authv1.ListInvitationsRequest) (*authv1.ListInvitationsResponse, error) {
	c, err := s.member(ctx)
	if err != nil {
		return nil, toConnect(err)
	}
	invs, err := s.store.invitations(ctx, c.WorkspaceID)
	if err != nil {
		return nil, err
	}
	out := &authv1.ListInvitationsResponse{Invitations: make([]*authv1.Invitation, len(invs))}
	for i, inv := range invs {
		out.Invitations[i] = invitationProto(inv)
	}
	return out, nil
}

// invitationLink is Twenty's link: the workspace's URL on the front end, path
// /invite/{workspaceInviteHash}, with the personal invitation's token and email.
func (s *workspaceServer) invitationLink(ws workspaceSettings, inv invitation, token string) string {
	base, err := url.Parse(s.frontendURL)
	if err != nil || base.Host == "" {
		base = &url.URL{Scheme: "http", Host: "localhost:3001"}
	}
	if ws.Subdomain != "" {
		base.Host = ws.Subdomain + "." + base.Host
	}
	base.Path = strings.TrimRight(base.Path, "/") + "/invite/" + url.PathEscape(ws.InviteHash)
	base.RawQuery = url.Values{"inviteToken": {token}, "email": {inv.Email}}.Encode()
	return base.String()
}

// enqueueInvitationEmail puts the invitation's email on the jobs queue: the queue, not this
// request, sends it, with its retries. An error is the message sendInvitations answers for the
// email (its invitation stays and can be resent).
func (s *workspaceServer) enqueueInvitationEmail(ctx context.Context, from sender, inv invitation, token string) error {
	link := s.invitationLink(from.workspace, inv, token)
	name := strings.TrimSpace(from.user.FirstName + " " + from.user.LastName)
	who := from.user.Email
	if name != "" {
		who = name + " (" + from.user.Email + ")"
	}
	wsName := from.workspace.DisplayName
	text := fmt.Sprintf("Join your team on Twenty\n\n%s has invited you to join a workspace called %s.\n\nAccept invite: %s\n", who, wsName, link)
	body := fmt.Sprintf(`<h1>Join your team on Twenty</h1><p>%s has invited you to join a workspace called <b>%s</b>.</p><p><a href="%s">Accept invite</a></p>`,
		html.EscapeString(who), html.EscapeString(wsName), html.EscapeString(link))
	fromName := strings.TrimSpace(name + " (via Twenty)")                                                                                          // Twenty's "{first} {last} (via Twenty)"
	payload, _ := json.Marshal(emailJob{To: []string{inv.Email}, FromName: fromName, Subject: "Join your team on Twenty", Text: text, HTML: body}) // strings only
	if s.jobs == nil {
		return &authError{connect.CodeFailedPrecondition, "Email sending is not configured"}
	}
	if _, err := jobqueue.Enqueue(ctx, s.jobs, &jobsv1.Job{Type: emailJobType, WorkspaceId: inv.WorkspaceID, Payload: payload}); err != nil {
		slog.ErrorContext(ctx, "invitation email not queued", "workspace_id", inv.WorkspaceID, "invitation_id", inv.ID, "error", err.Error())
		return &authError{connect.CodeUnavailable, "The invitation email to " + inv.Email + " could not be sent; resend it"}
	}
	return nil
}
