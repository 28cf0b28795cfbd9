package main

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	"github.com/twentyworkers/twenty/shared/gen/twenty/files/v1/filesv1connect"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeStreams is the entry's store of file parts: it records what Go asked it to pipe where.
type fakeStreams struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (f *fakeStreams) Stream(_ context.Context, key, uploadURL string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, key+" -> "+uploadURL)
	return f.err
}

func streamStack(t *testing.T) (*stack, *fakeFiles, *fakeStreams) {
	t.Helper()
	s := newStack(t, config{CORS: parseCORS("*")}, "", "")
	fake, streams := newFakeFiles(up("files", &s.probes)), &fakeStreams{}
	mux := http.NewServeMux()
	mux.Handle(filesv1connect.NewFilesServiceHandler(fake, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	clients := maps.Clone(s.clients)
	clients["files"] = rewriteHost{srv.URL, srv.Client()}
	s.gateway, s.gw = newGateway(deps{cfg: s.gw.cfg, clients: clients, cache: s.cache, uploads: streams})
	return s, fake, streams
}

// TestStreamedMultipartUpload: a file part the entry streams is uploaded as a direct upload of
// its exact size, piped by the entry, then completed; Go never holds its bytes.
func TestStreamedMultipartUpload(t *testing.T) {
	s, fake, streams := streamStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	ops := `{"query":"mutation($f: Upload!) { uploadFile(file: $f, fileFolder: Attachment) { path token } }","variables":{"f":null}}`
	send := func(described string) *httptest.ResponseRecorder {
		return s.do(t, http.MethodPost, "/metadata", ops, "Content-Type", "application/json", "Authorization", "Bearer "+token, uploadStreamHeader, described)
	}
	rec := send(`{"key":"k-1","name":"r\u00e9sum\u00e9.pdf","contentType":"application/pdf","size":62914560,"paths":["variables.f"]}`)
	got := decode[gqlAnswer](t, rec)
	if rec.Code != http.StatusOK || len(got.Errors) > 0 {
		t.Fatalf("streamed uploadFile = %d %s %+v", rec.Code, got.Data, got.Errors)
	}
	id := "00000000-0000-4000-8000-000000000001"
	if diff := cmp.Diff(jsonOf(t, `{"uploadFile":{"path":"files-field/`+id+`.pdf","token":""}}`), jsonOf(t, string(got.Data))); diff != "" {
		t.Errorf("uploadFile (-want +got):\n%s", diff)
	}
	created := fake.pending[id]
	if created.GetSize() != 62914560 || created.GetFilename() != "résumé.pdf" || created.GetFileFolder() != "Attachment" || created.GetWorkspaceId() != "ws-1" {
		t.Errorf("CreateFileUpload = %v", created)
	}
	if diff := cmp.Diff([]string{"k-1 -> http://example.com/file-upload/" + id + "?token=t"}, streams.calls); diff != "" {
		t.Errorf("streamed (-want +got):\n%s", diff)
	}
	if len(fake.uploads) != 0 || len(fake.complete) != 1 || fake.complete[0].GetFileId() != id {
		t.Errorf("UploadFile calls %d, CompleteFileUpload %v", len(fake.uploads), fake.complete)
	}

	streams.err = fmt.Errorf("%w: cut short", errBadStream)
	if got := decode[gqlAnswer](t, send(`{"key":"k-2","name":"a.pdf","size":10,"paths":["variables.f"]}`)); len(got.Errors) == 0 ||
		got.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || got.Errors[0].Message != "Invalid multipart request body." {
		t.Errorf("a part that was not what it announced = %s %+v", got.Data, got.Errors)
	}
	for name, tc := range map[string]struct {
		described string
		status    int
		message   string
	}{
		"over 100 MB":   {`{"key":"k","name":"a","size":104857601,"paths":["variables.f"]}`, 413, "File truncated as it exceeds the 104857600 byte size limit."},
		"not JSON":      {`forged`, 400, "Invalid multipart request body."},
		"no paths":      {`{"key":"k","name":"a","size":1}`, 400, "Invalid multipart request body."},
		"a path astray": {`{"key":"k","name":"a","size":1,"paths":["query"]}`, 400, `Invalid multipart request: the map path "query" does not name a variable.`},
	} {
		rec := send(tc.described)
		got := decode[gqlAnswer](t, rec)
		if rec.Code != tc.status || len(got.Errors) != 1 || !strings.Contains(got.Errors[0].Message, tc.message) {
			t.Errorf("%s = %d %+v, want %d %q", name, rec.Code, got.Errors, tc.status, tc.message)
		}
	}
}
