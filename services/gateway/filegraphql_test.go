package main

import (
	"bytes"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// filesStack is a stack whose files Worker is a fakeFiles it answers.
func filesStack(t *testing.T) (*stack, *fakeFiles) {
	t.Helper()
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake := newFakeFiles(up("files", &s.probes))
	mux := http.NewServeMux()
	mux.Handle(filesv1connect.NewFilesServiceHandler(fake, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	clients := maps.Clone(s.clients)
	clients["files"] = rewriteHost{srv.URL, srv.Client()}
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache})
	return s, fake
}

func TestFileUploadGraphQL(t *testing.T) {
	s, fake := filesStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	got := s.gqlPost(t, token, `mutation { createFileUpload(filename: "q.pdf", size: 20971520, fileFolder: FilesField) { fileId uploadUrl contentType expiresAt } }`, nil)
	if len(got.Errors) > 0 {
		t.Fatalf("createFileUpload: %+v", got.Errors)
	}
	id := "00000000-0000-4000-8000-000000000001"
	want := `{"createFileUpload":{"fileId":"` + id + `","uploadUrl":"http://example.com/file-upload/` + id + `?token=t","contentType":"application/octet-stream","expiresAt":"2026-12-06T12:15:00.000Z"}}`
	if diff := cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))); diff != "" {
		t.Errorf("createFileUpload (-want +got):\n%s", diff)
	}
	req := fake.pending[id]
	if req.GetWorkspaceId() != "ws-1" || req.GetSize() != 20971520 || req.GetFileFolder() != "FilesField" || req.GetUploader().GetWorkspaceMemberId() != "m-1" {
		t.Errorf("CreateFileUpload request = %v", req)
	}
	got = s.gqlPost(t, token, `mutation($id: String!) { completeFileUpload(fileId: $id) { id path size createdAt url } }`, map[string]any{"id": id})
	want = `{"completeFileUpload":{"id":"` + id + `","path":"files-field/` + id + `.pdf","size":20971520,"createdAt":"2026-12-06T12:00:00.000Z","url":"http://example.com/file/files-field/` + id + `?token=f"}}`
	if len(got.Errors) > 0 || cmp.Diff(jsonOf(t, want), jsonOf(t, string(got.Data))) != "" {
		t.Errorf("completeFileUpload = %s %+v", got.Data, got.Errors)
	}
	other := sign(t, authtoken.AccessClaims("u-2", "ws-2", "m-2", "uw-2", "password", time.Now(), 0))
	tests := []struct {
		name, token, query, code string
	}{
		{"another workspace completes", other, `mutation { completeFileUpload(fileId: "` + id + `") { id } }`, "NOT_FOUND"},
		{"no token", "", `mutation { createFileUpload(filename: "a", size: 1, fileFolder: FilesField) { fileId } }`, "UNAUTHENTICATED"},
		{"unknown folder", token, `mutation { createFileUpload(filename: "a", size: 1, fileFolder: Secrets) { fileId } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"refused folder", token, `mutation { createFileUpload(filename: "a", size: 1, fileFolder: Dpa) { fileId } }`, "BAD_USER_INPUT"},
		{"fractional size", token, `mutation { createFileUpload(filename: "a", size: 1.5, fileFolder: FilesField) { fileId } }`, "BAD_USER_INPUT"},
		{"another workspace's logo", token, `mutation { createNewWorkspaceLogoUpload(workspaceId: "ws-2", filename: "a.png", size: 1) { fileId } }`, "FORBIDDEN"},
		{"upload as JSON", token, `mutation { uploadFile(file: "x") { path } }`, "BAD_USER_INPUT"},
	}
	for _, tc := range tests {
		got := s.gqlAnswerAnyStatus(t, tc.token, tc.query)
		if len(got.Errors) == 0 || got.Errors[0].Extensions["code"] != tc.code {
			t.Errorf("%s: %s %+v, want %s", tc.name, got.Data, got.Errors, tc.code)
		}
	}
}

func (s *stack) gqlAnswerAnyStatus(t *testing.T, token, query string) gqlAnswer {
	t.Helper()
	headers := []string{"Content-Type", "application/json"}
	if token != "" {
		headers = append(headers, "Authorization", "Bearer "+token)
	}
	rec := s.do(t, http.MethodPost, "/metadata", `{"query":`+quote(query)+`}`, headers...)
	return decode[gqlAnswer](t, rec)
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// multipartBody is a GraphQL multipart request (the spec's layout) with one file.
func multipartBody(t *testing.T, operations, fileMap string, file []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range [][2]string{{"operations", operations}, {"map", fileMap}} {
		if p[1] == "" {
			continue
		}
		if err := w.WriteField(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := w.CreateFormFile("0", "photo.png")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(file); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	return buf.String(), w.FormDataContentType()
}

func TestFileMultipartUpload(t *testing.T) {
	s, fake := filesStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	post := func(path, body, contentType string) *httptest.ResponseRecorder {
		return s.do(t, http.MethodPost, path, body, "Content-Type", contentType, "Authorization", "Bearer "+token)
	}
	body, ct := multipartBody(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file, fileFolder: Attachment) { path token } }","variables":{"file":null}}`,
		`{"0":["variables.file"]}`, []byte("\x89PNG"))
	rec := post("/metadata", body, ct)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `{"data":{"uploadFile":{"path":"attachment/x.png","token":"tok"}}}`) {
		t.Errorf("uploadFile = %d %s", rec.Code, rec.Body)
	}
	body, ct = multipartBody(t, `{"query":"mutation($f: Upload!) { uploadWorkspaceMemberProfilePicture(file: $f) { id size url } }","variables":{"f":null}}`,
		`{"0":["variables.f"]}`, []byte("\x89PNG"))
	if rec := post("/graphql", body, ct); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"size":4`) {
		t.Errorf("uploadWorkspaceMemberProfilePicture on /graphql = %d %s", rec.Code, rec.Body)
	}
	if len(fake.uploads) != 2 {
		t.Fatalf("%d uploads reached the files Worker", len(fake.uploads))
	}
	got := []string{fake.uploads[0].GetFileFolder(), fake.uploads[0].GetFilename(), string(fake.uploads[0].GetBody()), fake.uploads[1].GetFileFolder(), fake.uploads[1].GetWorkspaceId()}
	if diff := cmp.Diff([]string{"Attachment", "photo.png", "\x89PNG", "CorePicture", "ws-1"}, got); diff != "" {
		t.Errorf("uploads (-want +got):\n%s", diff)
	}
	refusals := []struct {
		name, operations, fileMap string
		file                      []byte
		status                    int
	}{
		{"no map", `{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path } }","variables":{"file":null}}`, "", []byte("x"), 400},
		{"map outside variables", `{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path } }","variables":{"file":null}}`, `{"0":["query"]}`, []byte("x"), 400},
		{"file missing", `{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path } }","variables":{"file":null}}`, `{"0":["variables.file"]}`, nil, 400},
		{"batch", `[{"query":"{ __typename }"}]`, `{}`, nil, 400},
	}
	for _, tc := range refusals {
		body, ct := multipartBody(t, tc.operations, tc.fileMap, tc.file)
		if rec := post("/metadata", body, ct); rec.Code != tc.status || !strings.Contains(rec.Body.String(), `"errors"`) {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body, tc.status)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/metadata", strings.NewReader("x"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Authorization", "Bearer "+token)
	req.ContentLength = 200 << 20
	rec = httptest.NewRecorder()
	s.gateway.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a 200 MB multipart body = %d %s, want 413", rec.Code, rec.Body)
	}
}
