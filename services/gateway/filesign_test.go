package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

func TestSignFileURLs(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle(filesv1connect.NewFilesServiceHandler(newFakeFiles(nil), rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	client := rewriteHost{srv.URL, srv.Client()}
	tests := []struct {
		name, workspace, body, want string
	}{
		{"attachments", "ws-1",
			`{"data":{"attachments":[{"id":"1","fullPath":"attachment/a.png","name":"a"},{"fullPath":"attachment/a.png"},{"fullPath":"attachment/b.pdf"}]}}`,
			`{"data":{"attachments":[{"id":"1","fullPath":"attachment/a.png?token=tok.attachment-a.png","name":"a"},{"fullPath":"attachment/a.png?token=tok.attachment-a.png"},{"fullPath":"attachment/b.pdf?token=tok.attachment-b.pdf"}]}}`},
		{"avatar", "ws-1", `{"data":{"person":{"avatarUrl":"core-picture/x.jpg"}}}`, `{"data":{"person":{"avatarUrl":"core-picture/x.jpg?token=tok.core-picture-x.jpg"}}}`},
		{"external avatar and signed path stay", "ws-1",
			`{"avatarUrl":"https://img.example/a.png","fullPath":"attachment/a.png?token=old","x":"attachment/a.png"}`,
			`{"avatarUrl":"https://img.example/a.png","fullPath":"attachment/a.png?token=old","x":"attachment/a.png"}`},
		{"unknown file stays bare", "ws-1", `{"fullPath":"files-field/none.txt"}`, `{"fullPath":"files-field/none.txt"}`},
		{"another workspace's path stays bare", "ws-2", `{"fullPath":"attachment/a.png"}`, `{"fullPath":"attachment/a.png"}`},
		{"files field", "ws-1",
			`{"data":{"companies":{"edges":[{"node":{"id":"c","docs":[{"fileId":"f0000000-0000-4000-8000-000000000001","label":"<a>.pdf","extension":"pdf"},{"label":"b","fileId":"f0000000-0000-4000-8000-000000000002","url":"stale"}],"n":1.50}}]}}}`,
			`{"data":{"companies":{"edges":[{"node":{"id":"c","docs":[{"fileId":"f0000000-0000-4000-8000-000000000001","label":"<a>.pdf","extension":"pdf","url":"http://example.com/file/files-field/f0000000-0000-4000-8000-000000000001?token=t"},{"label":"b","fileId":"f0000000-0000-4000-8000-000000000002","url":"http://example.com/file/files-field/f0000000-0000-4000-8000-000000000002?token=t"}],"n":1.50}}]}}}`},
		{"unknown file id stays", "ws-1", `{"docs":[{"fileId":"00000000-0000-4000-8000-000000000009","label":"x"}]}`, `{"docs":[{"fileId":"00000000-0000-4000-8000-000000000009","label":"x"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := signFileURLs(client, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				w.Write([]byte(tc.body))
			}))
			c := authtoken.AccessClaims("u", tc.workspace, "m", "uw", "password", time.Now(), 0)
			req := httptest.NewRequest(http.MethodGet, "/rest/attachments", nil)
			req = req.WithContext(context.WithValue(req.Context(), principalKey{}, &c))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if diff := cmp.Diff(tc.want, rec.Body.String()); diff != "" || rec.Code != 200 {
				t.Errorf("%d (-want +got):\n%s", rec.Code, diff)
			}
		})
	}
}

// TestMayHoldFilePath: the check before the expression passes over no value it would sign, and
// stops it on bodies that hold only empty or external paths.
func TestMayHoldFilePath(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`{"avatarUrl":"","fullPath":""}`, false},
		{`{"avatarUrl":"https://img.example/a.png"}`, false},
		{`{"name":"avatarUrl","x":"fullPath"}`, false},
		{`{"avatarUrl":"","b":{"avatarUrl":"core-picture/x.jpg"}}`, true},
		{`{"fullPath":"attachment/a.png"}`, true},
		{`{"fullPath":"Attachment/a.png"}`, false},
		{`{"avatarUrl":"`, false},
		{`{"avatarUrl":"core-picture/"}`, true},
		{`{"avatarUrl":"-a/x.png"}`, false},
	}
	for _, tc := range tests {
		got := mayHoldFilePath([]byte(tc.body))
		if got != tc.want {
			t.Errorf("mayHoldFilePath(%s) = %v, want %v", tc.body, got, tc.want)
		}
		if found := filePathValue.Match([]byte(tc.body)); found && !got {
			t.Errorf("%s: the expression finds a path the check passed over", tc.body)
		}
	}
}
