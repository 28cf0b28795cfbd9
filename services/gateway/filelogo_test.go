package main

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	authv1 "github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/auth/v1/authv1connect"
	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// logoAuth is auth holding one workspace's logo; member "u-2" may not change it.
type logoAuth struct {
	fakeAuth
	member string // the Authorization of a member who may not change the logo
	mu     sync.Mutex
	logo   string
}

func (a *logoAuth) CurrentUser(context.Context, *authv1.CurrentUserRequest) (*authv1.CurrentUserResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return &authv1.CurrentUserResponse{User: &authv1.User{Id: "u-1", Email: "tim@apple.dev",
		CurrentWorkspace: &authv1.Workspace{Id: "ws-1", Subdomain: "apple", ActivationStatus: "ACTIVE", LogoFileId: a.logo}}}, nil
}

func (a *logoAuth) SetWorkspaceLogo(ctx context.Context, req *authv1.SetWorkspaceLogoRequest) (*authv1.SetWorkspaceLogoResponse, error) {
	if rpc.Authorization(ctx) == a.member {
		return nil, connect.NewError(connect.CodePermissionDenied, errors.New("User does not have permission"))
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	old := a.logo
	a.logo = req.GetLogoFileId()
	return &authv1.SetWorkspaceLogoResponse{Workspace: &authv1.Workspace{Id: "ws-1", LogoFileId: a.logo}, ReplacedLogoFileId: old}, nil
}

// logoFiles signs core pictures by id and records deletions.
type logoFiles struct {
	*fakeFiles
	mu      sync.Mutex
	deleted []string
}

func (f *logoFiles) SignFiles(_ context.Context, req *filesv1.SignFilesRequest) (*filesv1.SignFilesResponse, error) {
	out := &filesv1.SignFilesResponse{Files: map[string]*filesv1.File{}}
	for _, id := range req.GetPaths() {
		out.Files[id] = &filesv1.File{Id: id, Url: req.GetServerUrl() + "/file/core-picture/" + id + "?token=t-" + req.GetWorkspaceId()}
	}
	return out, nil
}

func (f *logoFiles) DeleteFiles(_ context.Context, req *filesv1.DeleteFilesRequest) (*filesv1.DeleteFilesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleted = append(f.deleted, req.GetPaths()...)
	return &filesv1.DeleteFilesResponse{Deleted: int64(len(req.GetPaths()))}, nil
}

// server answers a function serving one Connect handler (as its constructor returns it) and
// answering a client of it.
func server(t *testing.T) func(string, http.Handler) connect.HTTPClient {
	return func(path string, h http.Handler) connect.HTTPClient {
		mux := http.NewServeMux()
		mux.Handle(path, h)
		srv := httptest.NewServer(rpc.Middleware(mux))
		t.Cleanup(srv.Close)
		return rewriteHost{srv.URL, srv.Client()}
	}
}

// TestWorkspaceLogo: completing a logo upload makes it the workspace's logo (the replaced one
// deleted), currentWorkspace answers it signed, and a member who may not change it keeps no file.
func TestWorkspaceLogo(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	auth := &logoAuth{fakeAuth: fakeAuth{checker: up("auth", &s.probes)}}
	files := &logoFiles{fakeFiles: newFakeFiles(up("files", &s.probes))}
	clients := maps.Clone(s.clients)
	clients["auth"] = server(t)(authv1connect.NewAuthServiceHandler(auth, rpc.HandlerOptions()...))
	clients["files"] = server(t)(filesv1connect.NewFilesServiceHandler(files, rpc.HandlerOptions()...))
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	memberToken := sign(t, authtoken.AccessClaims("u-2", "ws-1", "m-2", "uw-2", "password", time.Now(), 0))
	auth.member = "Bearer " + memberToken

	var ids []string
	for range 2 {
		target := s.gqlPost(t, token, `mutation { createFileUpload(filename: "logo.png", size: 10, fileFolder: CorePicture) { fileId } }`, nil)
		id := jsonOf(t, string(target.Data)).(map[string]any)["createFileUpload"].(map[string]any)["fileId"].(string)
		if got := s.gqlPost(t, token, `mutation($id: String!) { completeWorkspaceLogoUpload(fileId: $id) { id } }`, map[string]any{"id": id}); len(got.Errors) > 0 {
			t.Fatalf("completeWorkspaceLogoUpload: %+v", got.Errors)
		}
		ids = append(ids, id)
	}
	got := s.gqlPost(t, token, `{ currentUser { currentWorkspace { logo logoFileId } } }`, nil)
	want := `{"currentUser":{"currentWorkspace":{"logo":"http://example.com/file/core-picture/` + ids[1] + `?token=t-ws-1","logoFileId":"` + ids[1] + `"}}}`
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))); diff != "" || len(got.Errors) > 0 {
		t.Errorf("currentWorkspace (-want +got):\n%s\n%+v", diff, got.Errors)
	}

	target := s.gqlPost(t, memberToken, `mutation { createFileUpload(filename: "mine.png", size: 10, fileFolder: CorePicture) { fileId } }`, nil)
	mine := jsonOf(t, string(target.Data)).(map[string]any)["createFileUpload"].(map[string]any)["fileId"].(string)
	refused := s.gqlPost(t, memberToken, `mutation($id: String!) { completeWorkspaceLogoUpload(fileId: $id) { id } }`, map[string]any{"id": mine})
	if len(refused.Errors) == 0 || refused.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("a member's logo = %s %+v, want FORBIDDEN", refused.Data, refused.Errors)
	}
	if diff := cmp.Diff([]string{ids[0], mine}, files.deleted); diff != "" {
		t.Errorf("deleted (-want +got):\n%s", diff)
	}
}

// TestNewWorkspaceLogoIsAUsers: the new workspace's logo operations are a user's (Twenty's
// UserAuthGuard): an API key gets Twenty's "Forbidden resource" and no upload is started, while
// the workspace logo's own operations reach auth, which checks the key's role.
func TestNewWorkspaceLogoIsAUsers(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	auth := &logoAuth{fakeAuth: fakeAuth{checker: up("auth", &s.probes)}}
	files := &logoFiles{fakeFiles: newFakeFiles(up("files", &s.probes))}
	clients := maps.Clone(s.clients)
	clients["auth"] = server(t)(authv1connect.NewAuthServiceHandler(auth, rpc.HandlerOptions()...))
	clients["files"] = server(t)(filesv1connect.NewFilesServiceHandler(files, rpc.HandlerOptions()...))
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})
	key := sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))

	for _, q := range []string{
		`mutation { createNewWorkspaceLogoUpload(workspaceId: "ws-1", filename: "logo.png", size: 10) { fileId } }`,
		`mutation { completeNewWorkspaceLogoUpload(workspaceId: "ws-1", fileId: "00000000-0000-4000-8000-000000000001") { id } }`,
	} {
		got := s.gqlPost(t, key, q, nil)
		if len(got.Errors) != 1 || got.Errors[0].Extensions["code"] != "FORBIDDEN" || got.Errors[0].Message != "Forbidden resource" {
			t.Errorf("%s = %s %+v, want FORBIDDEN Forbidden resource", q, got.Data, got.Errors)
		}
	}
	if n := len(files.pending) + len(files.complete); n != 0 {
		t.Errorf("%d uploads started or completed for an API key", n)
	}

	target := s.gqlPost(t, key, `mutation { createFileUpload(filename: "logo.png", size: 10, fileFolder: CorePicture) { fileId } }`, nil)
	id := jsonOf(t, string(target.Data)).(map[string]any)["createFileUpload"].(map[string]any)["fileId"].(string)
	if got := s.gqlPost(t, key, `mutation($id: String!) { completeWorkspaceLogoUpload(fileId: $id) { id } }`, map[string]any{"id": id}); len(got.Errors) > 0 {
		t.Fatalf("completeWorkspaceLogoUpload by an API key: %+v", got.Errors)
	}
	if auth.logo != id {
		t.Errorf("logo = %q, want %q", auth.logo, id)
	}
}

// availableAuth answers CurrentUser with available workspaces when asked, recording whether it was.
type availableAuth struct {
	logoAuth
	asked []bool
}

func (a *availableAuth) CurrentUser(_ context.Context, req *authv1.CurrentUserRequest) (*authv1.CurrentUserResponse, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, req.GetWithAvailableWorkspaces())
	u := &authv1.User{Id: "u-1", Email: "tim@apple.dev", CurrentWorkspace: &authv1.Workspace{Id: "ws-1", Subdomain: "apple", ActivationStatus: "ACTIVE"}}
	if req.GetWithAvailableWorkspaces() {
		u.AvailableWorkspacesForSignIn = []*authv1.AvailableWorkspace{
			{Id: "ws-1", DisplayName: "Apple", Subdomain: "apple", LogoFileId: "logo-1", LoginToken: &authv1.Token{Token: "login-1"}},
			{Id: "ws-2", DisplayName: "Bare", Subdomain: "bare", LoginToken: &authv1.Token{Token: "login-2"}},
		}
		u.AvailableWorkspacesForSignUp = []*authv1.AvailableWorkspace{{Id: "ws-3", DisplayName: "Invited", Subdomain: "invited", LogoFileId: "logo-3"}}
	}
	return &authv1.CurrentUserResponse{User: u}, nil
}

// TestAvailableWorkspacesLogo: currentUser.availableWorkspaces answers each workspace's logo as a
// signed URL of its own workspace ("" without one), as Twenty's castWorkspaceToAvailableWorkspace,
// and auth is asked for them only when they are selected.
func TestAvailableWorkspacesLogo(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*"), FrontendURL: "https://app.example.com"}, "", "")
	auth := &availableAuth{logoAuth: logoAuth{fakeAuth: fakeAuth{checker: up("auth", &s.probes)}}}
	files := &logoFiles{fakeFiles: newFakeFiles(up("files", &s.probes))}
	clients := maps.Clone(s.clients)
	clients["auth"] = server(t)(authv1connect.NewAuthServiceHandler(auth, rpc.HandlerOptions()...))
	clients["files"] = server(t)(filesv1connect.NewFilesServiceHandler(files, rpc.HandlerOptions()...))
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))

	got := s.gqlPost(t, token, `{ currentUser { availableWorkspaces {
  availableWorkspacesForSignIn { id displayName loginToken personalInviteToken logo sso { id } workspaceUrls { subdomainUrl } }
  availableWorkspacesForSignUp { id loginToken logo } } } }`, nil)
	want := `{"currentUser":{"availableWorkspaces":{
  "availableWorkspacesForSignIn":[
    {"id":"ws-1","displayName":"Apple","loginToken":"login-1","personalInviteToken":null,"logo":"http://example.com/file/core-picture/logo-1?token=t-ws-1","sso":[],"workspaceUrls":{"subdomainUrl":"https://apple.app.example.com"}},
    {"id":"ws-2","displayName":"Bare","loginToken":"login-2","personalInviteToken":null,"logo":"","sso":[],"workspaceUrls":{"subdomainUrl":"https://bare.app.example.com"}}],
  "availableWorkspacesForSignUp":[{"id":"ws-3","loginToken":null,"logo":"http://example.com/file/core-picture/logo-3?token=t-ws-3"}]}}}`
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))); diff != "" || len(got.Errors) > 0 {
		t.Errorf("availableWorkspaces (-want +got):\n%s\n%+v", diff, got.Errors)
	}
	if got := s.gqlPost(t, token, `{ currentUser { id } }`, nil); len(got.Errors) > 0 {
		t.Fatalf("currentUser: %+v", got.Errors)
	}
	if diff := cmp.Diff([]bool{true, false}, auth.asked); diff != "" {
		t.Errorf("asked for available workspaces (-want +got):\n%s", diff)
	}
}

func (a *availableAuth) SignUp(context.Context, *authv1.SignUpRequest) (*authv1.SignUpResponse, error) {
	return &authv1.SignUpResponse{Tokens: &authv1.TokenPair{AccessOrWorkspaceAgnosticToken: &authv1.Token{Token: "a"}, RefreshToken: &authv1.Token{Token: "r"}},
		AvailableWorkspaces: []*authv1.AvailableWorkspace{{Id: "ws-3", DisplayName: "Invited", Subdomain: "invited", LogoFileId: "logo-3"}}}, nil
}

// TestSignUpAvailableWorkspacesLogo: signUp answers the workspaces the new user is invited to for
// sign-up, each logo signed in its own workspace, and none for sign-in.
func TestSignUpAvailableWorkspacesLogo(t *testing.T) {
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	auth := &availableAuth{logoAuth: logoAuth{fakeAuth: fakeAuth{checker: up("auth", &s.probes)}}}
	files := &logoFiles{fakeFiles: newFakeFiles(up("files", &s.probes))}
	clients := maps.Clone(s.clients)
	clients["auth"] = server(t)(authv1connect.NewAuthServiceHandler(auth, rpc.HandlerOptions()...))
	clients["files"] = server(t)(filesv1connect.NewFilesServiceHandler(files, rpc.HandlerOptions()...))
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})

	got := s.gqlPost(t, "", `mutation { signUp(email: "new@apple.dev", password: "correct horse") { availableWorkspaces {
  availableWorkspacesForSignIn { id } availableWorkspacesForSignUp { id displayName logo loginToken } } } }`, nil)
	want := `{"signUp":{"availableWorkspaces":{"availableWorkspacesForSignIn":[],
  "availableWorkspacesForSignUp":[{"id":"ws-3","displayName":"Invited","logo":"http://example.com/file/core-picture/logo-3?token=t-ws-3","loginToken":null}]}}}`
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))); diff != "" || len(got.Errors) > 0 {
		t.Errorf("signUp (-want +got):\n%s\n%+v", diff, got.Errors)
	}
}
