package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/d1"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"golang.org/x/crypto/bcrypt"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// bcryptCost is Twenty's (saltRounds = 10): hashes from a Twenty database verify as they are.
const bcryptCost = 10

// refreshCoolDown is how long a rotated refresh token still works (two tabs renewing at once);
// reusing it later is taken as theft and revokes all of the user's sessions, as Twenty does.
const refreshCoolDown = time.Minute

// minPasswordLength is Twenty's password policy (PASSWORD_REGEX /^.{8,}$/).
const minPasswordLength = 8

func normalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n") {
		return "", errInvalidEmail
	}
	return email, nil
}

func (s *server) SignUp(ctx context.Context, req *authv1.SignUpRequest) (*authv1.SignUpResponse, error) {
	email, err := normalizeEmail(req.GetEmail())
	if err != nil {
		return nil, toConnect(err)
	}
	if len([]rune(req.GetPassword())) < minPasswordLength {
		return nil, toConnect(errPasswordTooWeak)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.GetPassword()), bcryptCost)
	if err != nil {
		return nil, toConnect(errPasswordTooWeak) // longer than bcrypt's 72 bytes
	}
	u := user{ID: ids.NewUUID(), Email: email, PasswordHash: string(hash)}
	if err := s.store.createUser(ctx, u); err != nil {
		return nil, toConnect(err)
	}
	tokens, err := s.startSession(ctx, session{ID: ids.NewUUID(), User: u})
	if err != nil {
		return nil, toConnect(err)
	}
	// A new user is a member of no workspace: its available workspaces are those it is invited to,
	// for sign-up (availableworkspaces.go).
	invited, err := s.store.invitedWorkspaces(ctx, email, formatTime(s.now()))
	if err != nil {
		return nil, toConnect(err)
	}
	res := &authv1.SignUpResponse{Tokens: tokens}
	for _, ws := range invited {
		res.AvailableWorkspaces = append(res.AvailableWorkspaces, availableWorkspaceProto(ws))
	}
	return res, nil
}

// startSession issues a session's first token pair and stores its refresh token.
func (s *server) startSession(ctx context.Context, ses session) (*authv1.TokenPair, error) {
	p, err := s.issue(ctx, ses)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.db.Batch(ctx, insertRefreshStmt(p.refreshRow)); err != nil {
		return nil, err
	}
	return p.proto(), nil
}

func (p issuedPair) proto() *authv1.TokenPair {
	return &authv1.TokenPair{
		AccessOrWorkspaceAgnosticToken: &authv1.Token{Token: p.access, ExpiresAt: timestamppb.New(p.accessExp)},
		RefreshToken:                   &authv1.Token{Token: p.refresh, ExpiresAt: timestamppb.New(p.refreshRow.ExpiresAt)},
	}
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// newSubdomain derives a workspace's subdomain from its name, with a random suffix so it is unique.
func newSubdomain(displayName string) string {
	slug := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(displayName), "-"), "-")
	if len(slug) > 30 {
		slug = strings.Trim(slug[:30], "-")
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	if slug == "" {
		slug = "workspace"
	}
	return slug + "-" + hex.EncodeToString(b[:])
}

func (s *server) SignUpInNewWorkspace(ctx context.Context, req *authv1.SignUpInNewWorkspaceRequest) (*authv1.SignUpInNewWorkspaceResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeWorkspaceAgnostic, authtoken.TypeAccess)
	if err != nil {
		return nil, toConnect(err)
	}
	u, err := s.store.userByID(ctx, c.UserID)
	if err != nil {
		return nil, toConnect(err)
	}
	ws := workspace{ID: ids.NewUUID(), DisplayName: strings.TrimSpace(req.GetDisplayName()), ActivationStatus: "PENDING_CREATION", Subdomain: newSubdomain(req.GetDisplayName())}
	m := membership{UserWorkspaceID: ids.NewUUID(), WorkspaceMemberID: ids.NewUUID()}
	if err := s.store.createWorkspace(ctx, ws, ids.NewUUID(), ids.NewUUID(), u.ID, m); err != nil {
		return nil, toConnect(err)
	}
	login, err := s.loginToken(ctx, u.Email, ws.ID)
	if err != nil {
		return nil, toConnect(err)
	}
	return &authv1.SignUpInNewWorkspaceResponse{LoginToken: login, Workspace: workspaceProto(ws)}, nil
}

func workspaceProto(ws workspace) *authv1.Workspace {
	return &authv1.Workspace{Id: ws.ID, DisplayName: ws.DisplayName, ActivationStatus: ws.ActivationStatus, Subdomain: ws.Subdomain, LogoFileId: ws.LogoFileID}
}

func (s *server) loginToken(ctx context.Context, email, workspaceID string) (*authv1.Token, error) {
	c := authtoken.LoginClaims(email, workspaceID, authProvider, s.now(), 0)
	// A jti tells apart two login tokens issued in the same second, which are each single use.
	c.ID = ids.NewUUID()
	t, err := s.keys.sign(ctx, c)
	if err != nil {
		return nil, err
	}
	return &authv1.Token{Token: t, ExpiresAt: timestamppb.New(c.ExpiresAt.Time)}, nil
}

func (s *server) ActivateWorkspace(ctx context.Context, req *authv1.ActivateWorkspaceRequest) (*authv1.ActivateWorkspaceResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess)
	if err != nil {
		return nil, toConnect(err)
	}
	u, err := s.store.userByID(ctx, c.UserID)
	if err != nil {
		return nil, toConnect(err)
	}
	m, err := s.store.membership(ctx, u.ID, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	ws, err := s.store.workspace(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	if ws.ActivationStatus == "ACTIVE" {
		return nil, toConnect(errAlreadyActive)
	}
	// Records first: if it fails the workspace stays pending and activation can be retried.
	if _, err := s.records.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{
		WorkspaceId: ws.ID, WorkspaceMemberId: m.WorkspaceMemberID, UserId: u.ID,
		MemberFirstName: u.FirstName, MemberLastName: u.LastName, MemberEmail: u.Email,
	}); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(req.GetDisplayName())
	if name == "" {
		name = ws.DisplayName
	}
	if err := s.store.activate(ctx, ws.ID, name, s.now()); err != nil {
		return nil, toConnect(err)
	}
	ws.DisplayName, ws.ActivationStatus = name, "ACTIVE"
	return &authv1.ActivateWorkspaceResponse{Workspace: workspaceProto(ws)}, nil
}

// originSubdomain is the workspace subdomain an origin names: the first label of a host with more
// than one ("http://apple.localhost:3000/" → "apple"), or "".
func originSubdomain(origin string) string {
	u, err := url.Parse(origin)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	first, rest, ok := strings.Cut(host, ".")
	if !ok || rest == "" || net4(host) {
		return ""
	}
	return first
}

// net4 reports whether host is an IPv4 address, which has no subdomain.
func net4(host string) bool {
	return strings.Count(host, ".") == 3 && strings.Trim(host, "0123456789.") == ""
}

func (s *server) GetLoginTokenFromCredentials(ctx context.Context, req *authv1.GetLoginTokenFromCredentialsRequest) (*authv1.GetLoginTokenFromCredentialsResponse, error) {
	email, err := normalizeEmail(req.GetEmail())
	if err != nil {
		return nil, toConnect(err)
	}
	now := s.now()
	emailKey, addressKey := "email:"+email, "address:"+req.GetClientAddress()
	if n, err := s.store.failures(ctx, emailKey, now); err != nil {
		return nil, err
	} else if n >= maxFailuresPerEmail {
		return nil, toConnect(errTooManyLogins)
	}
	if req.GetClientAddress() != "" {
		if n, err := s.store.failures(ctx, addressKey, now); err != nil {
			return nil, err
		} else if n >= maxFailuresPerAddress {
			return nil, toConnect(errTooManyLogins)
		}
	}
	fail := func(cause error) (*authv1.GetLoginTokenFromCredentialsResponse, error) {
		keys := []string{emailKey}
		if req.GetClientAddress() != "" {
			keys = append(keys, addressKey)
		}
		if err := s.store.recordFailure(ctx, now, keys...); err != nil {
			return nil, err
		}
		return nil, toConnect(cause)
	}
	u, err := s.store.userByEmail(ctx, email)
	if err != nil {
		if err == errUserNotFound {
			return fail(err)
		}
		return nil, err
	}
	if u.PasswordHash == "" {
		return fail(errNoPassword)
	}
	// bcrypt compares in constant time.
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(req.GetPassword())) != nil {
		return fail(errWrongPassword)
	}
	if err := s.store.clearFailures(ctx, emailKey); err != nil {
		return nil, err
	}
	wsID, err := s.store.loginWorkspace(ctx, u.ID, originSubdomain(req.GetOrigin()))
	if err != nil {
		return nil, toConnect(err)
	}
	login, err := s.loginToken(ctx, u.Email, wsID)
	if err != nil {
		return nil, err
	}
	return &authv1.GetLoginTokenFromCredentialsResponse{LoginToken: login}, nil
}

func (s *server) GetAuthTokensFromLoginToken(ctx context.Context, req *authv1.GetAuthTokensFromLoginTokenRequest) (*authv1.GetAuthTokensFromLoginTokenResponse, error) {
	c, err := s.keys.verify(ctx, req.GetLoginToken())
	if err != nil {
		return nil, toConnect(err)
	}
	if c.Type != authtoken.TypeLogin {
		return nil, toConnect(errWrongTokenType)
	}
	ws, err := s.store.workspace(ctx, c.WorkspaceID)
	if err != nil {
		return nil, toConnect(err)
	}
	if sub := originSubdomain(req.GetOrigin()); sub != "" && ws.Subdomain != "" && sub != ws.Subdomain {
		return nil, toConnect(errWorkspaceMismatch)
	}
	u, err := s.store.userByEmail(ctx, c.Subject)
	if err != nil {
		return nil, toConnect(err)
	}
	m, err := s.store.membership(ctx, u.ID, ws.ID)
	if err != nil {
		return nil, toConnect(err)
	}
	// Single use, used up only once the checks above pass; a used token is answered as an invalid one.
	if err := s.store.useLoginToken(ctx, loginTokenID(c), c.ExpiresAt.Time, s.now()); err != nil {
		return nil, toConnect(err)
	}
	tokens, err := s.startSession(ctx, session{ID: ids.NewUUID(), User: u, WorkspaceID: ws.ID, Member: m})
	if err != nil {
		return nil, err
	}
	return &authv1.GetAuthTokensFromLoginTokenResponse{Tokens: tokens}, nil
}

// loginTokenID identifies a login token by its verified claims, not its text: the same claims
// spelled with another valid ECDSA signature (r, n-s) or base64 are the same token. Ours carry a
// jti; a legacy one without has its claims, issued-at second included, as identity.
func loginTokenID(c *authtoken.Claims) string {
	payload, _ := json.Marshal(c) // a struct of strings, numbers and bools: cannot fail
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

func (s *server) RenewToken(ctx context.Context, req *authv1.RenewTokenRequest) (*authv1.RenewTokenResponse, error) {
	c, err := s.keys.verify(ctx, req.GetAppToken())
	if err != nil {
		return nil, toConnect(err)
	}
	if c.Type != authtoken.TypeRefresh || c.ID == "" {
		return nil, toConnect(errWrongTokenType)
	}
	row, err := s.store.refreshToken(ctx, c.ID)
	if err != nil {
		return nil, toConnect(err)
	}
	now := s.now()
	switch {
	case row.RevokedAt.IsZero():
	case !row.Rotated: // signed out
		return nil, toConnect(errTokenRevoked)
	case now.Sub(row.RevokedAt) > refreshCoolDown:
		if err := s.revokeAllSessions(ctx, row.UserID); err != nil {
			return nil, err
		}
		return nil, toConnect(errSuspiciousRefresh)
	}
	u, err := s.store.userByID(ctx, row.UserID)
	if err != nil {
		return nil, toConnect(err)
	}
	ses := session{ID: row.SessionID, User: u, WorkspaceID: row.WorkspaceID}
	if row.WorkspaceID != "" {
		if ses.Member, err = s.store.membership(ctx, u.ID, row.WorkspaceID); err != nil {
			return nil, toConnect(err)
		}
	}
	p, err := s.issue(ctx, ses)
	if err != nil {
		return nil, err
	}
	// Rotation: the old token is revoked and the new one stored in one batch.
	if _, err := s.store.db.Batch(ctx,
		d1.Stmt{SQL: `UPDATE refresh_tokens SET revoked_at = ?, replaced_by = ? WHERE id = ? AND revoked_at IS NULL`,
			Args: []any{formatTime(now), p.refreshRow.ID, row.ID}},
		insertRefreshStmt(p.refreshRow),
	); err != nil {
		return nil, err
	}
	return &authv1.RenewTokenResponse{Tokens: p.proto()}, nil
}

// revokeAllSessions revokes every refresh token of the user and the access tokens of their
// sessions.
func (s *server) revokeAllSessions(ctx context.Context, userID string) error {
	sessions, err := s.store.liveSessions(ctx, "user_id = ?", userID)
	if err != nil {
		return err
	}
	if _, err := s.store.db.Batch(ctx, d1.Stmt{
		SQL: `UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, Args: []any{formatTime(s.now()), userID},
	}); err != nil {
		return err
	}
	for _, id := range sessions {
		if err := s.revoke(ctx, id, s.now().Add(authtoken.TypeAccess.DefaultTTL())); err != nil {
			return err
		}
	}
	return nil
}

func (s *server) SignOut(ctx context.Context, _ *authv1.SignOutRequest) (*authv1.SignOutResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeWorkspaceAgnostic)
	if err != nil {
		return nil, toConnect(err)
	}
	if c.ID == "" { // a token without a session (legacy HS256): nothing of ours to revoke
		return &authv1.SignOutResponse{}, nil
	}
	if _, err := s.store.db.Batch(ctx, d1.Stmt{
		SQL: `UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL`, Args: []any{formatTime(s.now()), c.ID},
	}); err != nil {
		return nil, err
	}
	if err := s.revoke(ctx, c.ID, c.ExpiresAt.Time); err != nil {
		return nil, err
	}
	return &authv1.SignOutResponse{}, nil
}

func (s *server) CheckUserExists(ctx context.Context, req *authv1.CheckUserExistsRequest) (*authv1.CheckUserExistsResponse, error) {
	email, err := normalizeEmail(req.GetEmail())
	if err != nil {
		return &authv1.CheckUserExistsResponse{}, nil
	}
	u, err := s.store.userByEmail(ctx, email)
	if err == errUserNotFound {
		return &authv1.CheckUserExistsResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	wss, err := s.store.workspaces(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	// There is no email verification yet: every address counts as verified.
	return &authv1.CheckUserExistsResponse{Exists: true, AvailableWorkspacesCount: int32(len(wss)), IsEmailVerified: true}, nil
}

func (s *server) CurrentUser(ctx context.Context, req *authv1.CurrentUserRequest) (*authv1.CurrentUserResponse, error) {
	c, err := s.caller(ctx, authtoken.TypeAccess, authtoken.TypeWorkspaceAgnostic)
	if err != nil {
		return nil, toConnect(err)
	}
	u, err := s.store.userByID(ctx, c.UserID)
	if err != nil {
		return nil, toConnect(err)
	}
	out := &authv1.User{Id: u.ID, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
	if c.Type == authtoken.TypeAccess {
		ws, err := s.store.workspace(ctx, c.WorkspaceID)
		if err != nil {
			return nil, toConnect(err)
		}
		m, err := s.store.membership(ctx, u.ID, ws.ID)
		if err != nil {
			return nil, toConnect(err)
		}
		out.CurrentWorkspace = workspaceProto(ws)
		out.WorkspaceMember = &authv1.WorkspaceMember{Id: m.WorkspaceMemberID, FirstName: u.FirstName, LastName: u.LastName, UserEmail: u.Email}
		// user_workspaces keeps no update time: a membership changes only its role, which Twenty
		// keeps on the role's side.
		out.UserWorkspace = &authv1.UserWorkspace{Id: m.UserWorkspaceID, CreatedAt: timestamppb.New(m.CreatedAt), UpdatedAt: timestamppb.New(m.CreatedAt)}
	}
	if req.GetWithAvailableWorkspaces() {
		if out.AvailableWorkspacesForSignIn, out.AvailableWorkspacesForSignUp, err = s.availableWorkspaces(ctx, u); err != nil {
			return nil, toConnect(err)
		}
	}
	return &authv1.CurrentUserResponse{User: out}, nil
}
