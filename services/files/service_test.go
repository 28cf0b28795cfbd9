package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"

	filesv1 "github.com/twentyworkers/twenty/shared/gen/twenty/files/v1"
)

const (
	wsA = "11111111-1111-4111-8111-111111111111"
	wsB = "22222222-2222-4222-8222-222222222222"
)

// do sends a request to the Worker's public file routes.
func do(t *testing.T, s *server, method, target string, header http.Header) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	s.fileRoutes(mux, parseCORS("*"))
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	cleanPaths(mux).ServeHTTP(rec, req)
	return rec
}

// upload runs a direct upload through the server as the gateway and the entry would.
func upload(t *testing.T, s *server, obj *memObjects, ws, name string, body []byte) *filesv1.File {
	t.Helper()
	ctx := context.Background()
	target, err := s.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{
		WorkspaceId: ws, Filename: name, Size: int64(len(body)), FileFolder: "FilesField", ServerUrl: "https://api.test/",
	})
	if err != nil {
		t.Fatalf("CreateFileUpload: %v", err)
	}
	u, err := url.Parse(target.GetUploadUrl())
	if err != nil || u.Host != "api.test" || u.Path != "/file-upload/"+target.GetFileId() || target.GetContentType() != "application/octet-stream" {
		t.Fatalf("upload target = %+v", target)
	}
	rec := do(t, s, http.MethodPut, u.RequestURI(), http.Header{"Content-Length": {itoa(len(body))}})
	key := rec.Header().Get(headerPut)
	if rec.Code != http.StatusOK || key == "" {
		t.Fatalf("PUT authorize = %d %s", rec.Code, rec.Body)
	}
	_ = obj.Put(ctx, key, body, rec.Header().Get(headerPutType)) // what entry.mjs streams
	done, err := s.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{WorkspaceId: ws, FileId: target.GetFileId(), ServerUrl: "https://api.test"})
	if err != nil {
		t.Fatalf("CompleteFileUpload: %v", err)
	}
	return done.GetFile()
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestDirectUploadAndDownload(t *testing.T) {
	obj := newMemObjects()
	s := newTestServer(t, obj)
	body := []byte(strings.Repeat("0123456789", 100))
	f := upload(t, s, obj, wsA, "../../Quarterly report.pdf", body)
	if !strings.HasPrefix(f.GetPath(), "files-field/") || !strings.HasSuffix(f.GetPath(), ".pdf") || f.GetSize() != 1000 ||
		f.GetName() != "Quarterly report.pdf" || f.GetMimeType() != "application/pdf" || f.GetCreatedAt() != "2026-12-06T12:00:00.000Z" {
		t.Errorf("completed file = %+v", f)
	}
	u, _ := url.Parse(f.GetUrl())
	if u.Path != "/file/files-field/"+f.GetId() {
		t.Fatalf("url = %s", f.GetUrl())
	}
	tests := []struct {
		name                 string
		header               http.Header
		status               int
		get, rng, cr, length string
	}{
		{"whole", nil, 200, wsA + "/" + f.GetPath(), "", "", "1000"},
		{"range", http.Header{"Range": {"bytes=10-19"}}, 206, wsA + "/" + f.GetPath(), "10,10", "bytes 10-19/1000", "10"},
		{"suffix range", http.Header{"Range": {"bytes=-5"}}, 206, wsA + "/" + f.GetPath(), "995,5", "bytes 995-999/1000", "5"},
		{"open range past end clamps", http.Header{"Range": {"bytes=990-5000"}}, 206, wsA + "/" + f.GetPath(), "990,10", "bytes 990-999/1000", "10"},
		{"unsatisfiable", http.Header{"Range": {"bytes=1000-"}}, 416, "", "", "bytes */1000", ""},
		{"multi range serves all", http.Header{"Range": {"bytes=0-1,5-6"}}, 200, wsA + "/" + f.GetPath(), "", "", "1000"},
		{"if-range mismatch serves all", http.Header{"Range": {"bytes=0-1"}, "If-Range": {`"other"`}}, 200, wsA + "/" + f.GetPath(), "", "", "1000"},
		{"not modified", http.Header{"If-None-Match": {`W/"x", "` + f.GetId() + `"`}}, 304, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, u.RequestURI(), tc.header)
			h := rec.Header()
			got := []any{rec.Code, h.Get(headerGet), h.Get(headerRange), h.Get("Content-Range"), h.Get("Content-Length")}
			if diff := cmp.Diff([]any{tc.status, tc.get, tc.rng, tc.cr, tc.length}, got); diff != "" {
				t.Errorf("GET (-want +got):\n%s", diff)
			}
		})
	}
	rec := do(t, s, http.MethodGet, u.RequestURI(), http.Header{"Origin": {"https://app.test"}})
	h := rec.Header()
	got := map[string]string{}
	for _, k := range []string{"Content-Type", "Content-Disposition", "ETag", "Cache-Control", "Accept-Ranges", "X-Content-Type-Options", "Access-Control-Allow-Origin"} {
		got[k] = h.Get(k)
	}
	want := map[string]string{
		"Content-Type": "application/pdf", "Content-Disposition": `inline; filename="Quarterly report.pdf"`,
		"ETag": `"` + f.GetId() + `"`, "Cache-Control": "private, max-age=86400", "Accept-Ranges": "bytes",
		"X-Content-Type-Options": "nosniff", "Access-Control-Allow-Origin": "*",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("download headers (-want +got):\n%s", diff)
	}
	if rec := do(t, s, http.MethodHead, u.RequestURI(), nil); rec.Code != 200 || rec.Header().Get(headerGet) != "" || rec.Header().Get("Content-Length") != "1000" {
		t.Errorf("HEAD = %d %v", rec.Code, rec.Header())
	}
	// The legacy route, by path, with the same FILE token.
	if rec := do(t, s, http.MethodGet, "/files/"+f.GetPath()+"?token="+url.QueryEscape(f.GetToken()), nil); rec.Code != 200 || rec.Header().Get(headerGet) != wsA+"/"+f.GetPath() {
		t.Errorf("GET /files/ = %d %s", rec.Code, rec.Body)
	}
}

func TestDownloadRefusals(t *testing.T) {
	obj := newMemObjects()
	s := newTestServer(t, obj)
	f := upload(t, s, obj, wsA, "a.png", []byte("png"))
	other := upload(t, s, obj, wsB, "b.png", []byte("png"))
	token := url.QueryEscape(f.GetToken())
	expired := tokens{secret: s.tokens.secret, now: func() time.Time { return testNow.Add(-48 * time.Hour) }}
	oldToken, _, _ := expired.sign(typeFile, wsA, f.GetId(), fileTokenTTL)
	forged := tokens{secret: "another-secret-0123456789", now: s.now}
	forgedToken, _, _ := forged.sign(typeFile, wsA, f.GetId(), fileTokenTTL)
	uploadToken, _, _ := s.tokens.sign(typeFileUpload, wsA, f.GetId(), uploadTTL)
	// B's token names A's file id: the signature holds (B's secret) but the file is not B's.
	crossToken, _, _ := s.tokens.sign(typeFile, wsB, f.GetId(), fileTokenTTL)
	parts := strings.Split(f.GetToken(), ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]
	tests := []struct {
		name, target string
		status       int
	}{
		{"no token", "/file/files-field/" + f.GetId(), 403},
		{"expired", "/file/files-field/" + f.GetId() + "?token=" + oldToken, 403},
		{"forged", "/file/files-field/" + f.GetId() + "?token=" + forgedToken, 403},
		{"tampered", "/file/files-field/" + f.GetId() + "?token=" + tampered, 403},
		{"upload token", "/file/files-field/" + f.GetId() + "?token=" + uploadToken, 403},
		{"other file's token", "/file/files-field/" + other.GetId() + "?token=" + token, 403},
		{"unsupported folder", "/file/attachment/" + f.GetId() + "?token=" + token, 403},
		{"unknown folder", "/file/secrets/" + f.GetId() + "?token=" + token, 403},
		{"wrong folder", "/file/core-picture/" + f.GetId() + "?token=" + token, 404},
		{"another workspace", "/file/files-field/" + f.GetId() + "?token=" + crossToken, 404},
		{"legacy: another workspace", "/files/" + f.GetPath() + "?token=" + url.QueryEscape(other.GetToken()), 404},
		{"legacy: traversal", "/files/files-field/../" + f.GetPath() + "?token=" + token, 404},
		{"legacy: unknown folder", "/files/etc/passwd?token=" + token, 404},
		{"legacy: no token", "/files/" + f.GetPath(), 403},
		{"legacy: folder listing", "/files/files-field/?token=" + token, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, s, http.MethodGet, tc.target, nil)
			if rec.Code != tc.status || rec.Header().Get(headerGet) != "" || !strings.Contains(rec.Body.String(), `"statusCode":`+fmtInt(tc.status)) {
				t.Errorf("GET %s = %d %s %v, want %d", tc.target, rec.Code, rec.Body, rec.Header(), tc.status)
			}
		})
	}
}

func TestUploadRefusals(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	for _, tc := range []struct {
		name string
		req  *filesv1.CreateFileUploadRequest
		code connect.Code
	}{
		{"unknown folder", &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "a.txt", Size: 1, FileFolder: "Secrets"}, connect.CodeInvalidArgument},
		{"name of dots", &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "../..", Size: 1, FileFolder: "FilesField"}, connect.CodeInvalidArgument},
		{"over 1 GB", &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "a.bin", Size: maxDirectSize + 1, FileFolder: "FilesField"}, connect.CodeResourceExhausted},
		{"negative size", &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "a.bin", Size: -1, FileFolder: "FilesField"}, connect.CodeInvalidArgument},
	} {
		if _, err := s.CreateFileUpload(ctx, tc.req); connect.CodeOf(err) != tc.code {
			t.Errorf("%s: CreateFileUpload = %v, want %v", tc.name, err, tc.code)
		}
	}
	if _, err := s.UploadFile(ctx, &filesv1.UploadFileRequest{WorkspaceId: wsA, Filename: "a.bin", FileFolder: "Attachment", Body: make([]byte, maxMultipartSize+1)}); connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("UploadFile over 100 MB = %v", err)
	}

	target, err := s.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "a.txt", Size: 10, FileFolder: "FilesField", ServerUrl: "https://api.test"})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(target.GetUploadUrl())
	complete := func() error {
		_, err := s.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{WorkspaceId: wsA, FileId: target.GetFileId()})
		return err
	}
	if err := complete(); connect.CodeOf(err) != connect.CodeFailedPrecondition || !errors.Is(err, errNotUploaded) {
		t.Errorf("complete before upload = %v", err)
	}
	if _, err := s.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{WorkspaceId: wsB, FileId: target.GetFileId()}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("complete from another workspace = %v", err)
	}
	otherToken, _, _ := s.tokens.sign(typeFileUpload, wsA, "33333333-3333-4333-8333-333333333333", uploadTTL)
	for _, tc := range []struct {
		name, target string
		header       http.Header
		status       int
	}{
		{"no length", u.RequestURI(), nil, 411},
		{"longer than declared", u.RequestURI(), http.Header{"Content-Length": {"11"}}, 413},
		{"no token", u.Path, http.Header{"Content-Length": {"10"}}, 403},
		{"another file's token", u.Path + "?token=" + otherToken, http.Header{"Content-Length": {"10"}}, 403},
	} {
		if rec := do(t, s, http.MethodPut, tc.target, tc.header); rec.Code != tc.status || rec.Header().Get(headerPut) != "" {
			t.Errorf("%s: PUT = %d %s, want %d", tc.name, rec.Code, rec.Body, tc.status)
		}
	}
	_ = obj.Put(ctx, wsA+"/files-field/"+target.GetFileId()+".txt", []byte("short"), "")
	if err := complete(); connect.CodeOf(err) != connect.CodeFailedPrecondition || !errors.Is(err, errSizeMismatch) {
		t.Errorf("complete with 5 of 10 bytes = %v", err)
	}
	_ = obj.Put(ctx, wsA+"/files-field/"+target.GetFileId()+".txt", []byte("0123456789"), "")
	if err := complete(); err != nil {
		t.Errorf("complete = %v", err)
	}
	if rec := do(t, s, http.MethodPut, u.RequestURI(), http.Header{"Content-Length": {"10"}}); rec.Code != http.StatusConflict {
		t.Errorf("PUT after completion = %d", rec.Code)
	}
	if _, err := s.CompleteFileUpload(ctx, &filesv1.CompleteFileUploadRequest{WorkspaceId: wsA, FileId: target.GetFileId(), FileFolder: "CorePicture"}); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("complete as a logo of a FilesField file = %v", err)
	}
}

func TestMultipartUploadAndSign(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	res, err := s.UploadFile(ctx, &filesv1.UploadFileRequest{WorkspaceId: wsA, Filename: "photo.JPG", ContentType: "text/html", FileFolder: "Attachment", Body: []byte("jpeg"), ServerUrl: "https://api.test"})
	if err != nil {
		t.Fatal(err)
	}
	f := res.GetFile()
	if !strings.HasPrefix(f.GetPath(), "attachment/") || !strings.HasSuffix(f.GetPath(), ".jpg") || f.GetMimeType() != "image/jpeg" || !obj.has(wsA+"/"+f.GetPath()) {
		t.Errorf("UploadFile = %+v", f)
	}
	signed, err := s.SignFiles(ctx, &filesv1.SignFilesRequest{WorkspaceId: wsA, Paths: []string{f.GetPath(), "attachment/missing.png", f.GetId()}, ServerUrl: "https://api.test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(signed.GetFiles()) != 2 || signed.GetFiles()[f.GetPath()].GetId() != f.GetId() || signed.GetFiles()[f.GetId()].GetPath() != f.GetPath() {
		t.Errorf("SignFiles = %v", signed.GetFiles())
	}
	if other, _ := s.SignFiles(ctx, &filesv1.SignFilesRequest{WorkspaceId: wsB, Paths: []string{f.GetPath()}}); len(other.GetFiles()) != 0 {
		t.Errorf("another workspace signed A's file: %v", other.GetFiles())
	}
}

func TestDeleteAndSweep(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	a := upload(t, s, obj, wsA, "a.txt", []byte("a"))
	b := upload(t, s, obj, wsA, "b.txt", []byte("b"))
	c := upload(t, s, obj, wsB, "c.txt", []byte("c"))
	// B's delete names A's path: nothing of A goes.
	if res, err := s.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: wsB, Paths: []string{a.GetPath()}}); err != nil || res.GetDeleted() != 0 {
		t.Errorf("cross-workspace DeleteFiles = %v, %v", res, err)
	}
	obj.failDelete[wsA+"/"+b.GetPath()] = true
	res, err := s.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: wsA, Paths: []string{a.GetPath(), b.GetPath()}})
	if err == nil || res != nil {
		t.Errorf("DeleteFiles with a failing object = %v, %v; want the error", res, err)
	}
	if rec := do(t, s, http.MethodGet, "/file/files-field/"+b.GetId()+"?token="+url.QueryEscape(b.GetToken()), nil); rec.Code != 404 {
		t.Errorf("a deleted file downloads: %d", rec.Code)
	}
	// A pending upload two days old, whose bytes came but never completed.
	s.now = func() time.Time { return testNow.Add(-48 * time.Hour) }
	stale, _ := s.CreateFileUpload(ctx, &filesv1.CreateFileUploadRequest{WorkspaceId: wsA, Filename: "s.txt", Size: 1, FileFolder: "FilesField"})
	_ = obj.Put(ctx, wsA+"/files-field/"+stale.GetFileId()+".txt", []byte("s"), "")
	s.now = func() time.Time { return testNow }
	delete(obj.failDelete, wsA+"/"+b.GetPath())
	sweep, err := s.SweepFiles(ctx, &filesv1.SweepFilesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if sweep.GetExpiredPending() != 1 || sweep.GetRemoved() != 2 {
		t.Errorf("SweepFiles = %v, want 1 expired and 2 removed (b, the stale upload)", sweep)
	}
	got := []bool{obj.has(wsA + "/" + a.GetPath()), obj.has(wsA + "/" + b.GetPath()), obj.has(wsB + "/" + c.GetPath()), obj.has(wsA + "/files-field/" + stale.GetFileId() + ".txt")}
	if diff := cmp.Diff([]bool{false, false, true, false}, got); diff != "" {
		t.Errorf("objects left (a, b, c, stale) (-want +got):\n%s", diff)
	}
	var rows int
	_ = s.store.db.QueryRowContext(ctx, `SELECT count(*) FROM files`).Scan(&rows)
	if rows != 1 {
		t.Errorf("%d rows left, want 1 (c)", rows)
	}
	if res, err := s.DeleteFiles(ctx, &filesv1.DeleteFilesRequest{WorkspaceId: wsB, All: true}); err != nil || res.GetRemoved() != 1 || obj.has(wsB+"/"+c.GetPath()) {
		t.Errorf("DeleteFiles(all) = %v, %v", res, err)
	}
}

func TestSanitizeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\me\photo.png`, "photo.png"},
		{"  .hidden", "hidden"},
		{"a\x00b\nc.txt", "abc.txt"},
		{"50%?#.txt", "50.txt"},
		{"ünïcødé.txt", "ünïcødé.txt"},
		{"..", ""},
		{"", ""},
		{"bad\xff", ""},
		{strings.Repeat("a", 256), ""},
	} {
		got, err := sanitizeName(tc.in)
		if got != tc.want || (tc.want == "") != (err != nil) {
			t.Errorf("sanitizeName(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tk := tokens{secret: "s-0123456789abcdef", now: func() time.Time { return testNow }}
	tok, exp, err := tk.sign(typeFile, wsA, "f", fileTokenTTL)
	if err != nil || !exp.Equal(testNow.Add(24*time.Hour)) {
		t.Fatalf("sign = %v, %v", exp, err)
	}
	c, err := tk.verify(tok, typeFile, false)
	if err != nil || c.WorkspaceID != wsA || c.FileID != "f" || c.Subject != wsA {
		t.Errorf("verify = %+v, %v", c, err)
	}
	later := tokens{secret: tk.secret, now: func() time.Time { return testNow.Add(25 * time.Hour) }}
	if _, err := later.verify(tok, typeFile, false); !errors.Is(err, errTokenExpired) {
		t.Errorf("expired verify = %v", err)
	}
	if _, err := later.verify(tok, typeFile, true); err != nil {
		t.Errorf("expired verify ignoring expiry = %v", err)
	}
	if _, err := tk.verify(tok, typeFileUpload, false); !errors.Is(err, errTokenInvalid) {
		t.Errorf("FILE token as FILE_UPLOAD = %v", err)
	}
}

func newCreateRequest(ws, name string, size int64) *filesv1.CreateFileUploadRequest {
	return &filesv1.CreateFileUploadRequest{WorkspaceId: ws, Filename: name, Size: size, FileFolder: "FilesField", ServerUrl: "https://api.test"}
}

// TestMetadataCache: a download finds an uploaded file's row in KV (here after the row left D1
// behind its back), and a deleted file's cached row goes with it.
func TestMetadataCache(t *testing.T) {
	obj := newMemObjects()
	s := newTestServer(t, obj)
	f := upload(t, s, obj, wsA, "a.txt", []byte("abc"))
	byID := "/file/files-field/" + f.GetId() + "?token=" + url.QueryEscape(f.GetToken())
	byPath := "/files/" + f.GetPath() + "?token=" + url.QueryEscape(f.GetToken())
	if _, err := s.store.db.ExecContext(context.Background(), `UPDATE files SET name = 'changed.txt' WHERE id = ?`, f.GetId()); err != nil {
		t.Fatal(err)
	}
	if rec := do(t, s, http.MethodGet, byID, nil); rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), "filename=a.txt") {
		t.Errorf("cached download by id = %d %v", rec.Code, rec.Header())
	}
	if rec := do(t, s, http.MethodGet, byPath, nil); rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Disposition"), "filename=a.txt") {
		t.Errorf("cached download by path = %d %v", rec.Code, rec.Header())
	}
	if _, err := s.DeleteFiles(context.Background(), &filesv1.DeleteFilesRequest{WorkspaceId: wsA, Paths: []string{f.GetPath()}}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{byID, byPath} {
		if rec := do(t, s, http.MethodGet, target, nil); rec.Code != 404 {
			t.Errorf("GET %s after delete = %d, want 404", target[:20], rec.Code)
		}
	}
}

// TestOrphanSweep: objects no row names, a day old, go; young ones, named ones and keys that are
// not the files Worker's stay; the sweep pages through the bucket with a cursor kept in KV.
func TestOrphanSweep(t *testing.T) {
	ctx := context.Background()
	obj := newMemObjects()
	s := newTestServer(t, obj)
	kept := upload(t, s, obj, wsA, "kept.txt", []byte("k"))
	old := testNow.Add(-48 * time.Hour)
	obj.putAt(wsA+"/attachment/orphan-1.png", []byte("o"), old)
	obj.putAt(wsB+"/files-field/orphan-2.pdf", []byte("o"), old)
	obj.putAt(wsA+"/files-field/young.pdf", []byte("y"), testNow.Add(-time.Hour))
	obj.putAt("conformance/files/x", []byte("c"), old)
	obj.putAt(wsA+"/"+kept.GetPath(), []byte("k"), old) // the named object, as if old
	var removed int64
	for range 3 { // one page per call; every page of a 5-object bucket fits in one
		res, err := s.SweepFiles(ctx, &filesv1.SweepFilesRequest{})
		if err != nil {
			t.Fatal(err)
		}
		removed += res.GetOrphansRemoved()
	}
	got := []bool{obj.has(wsA + "/attachment/orphan-1.png"), obj.has(wsB + "/files-field/orphan-2.pdf"), obj.has(wsA + "/files-field/young.pdf"),
		obj.has("conformance/files/x"), obj.has(wsA + "/" + kept.GetPath())}
	if diff := cmp.Diff([]bool{false, false, true, true, true}, got); diff != "" || removed != 2 {
		t.Errorf("after the sweep (orphan-1, orphan-2, young, conformance, kept), %d removed (-want +got):\n%s", removed, diff)
	}
}

func TestSweepRoute(t *testing.T) {
	obj := newMemObjects()
	s := newTestServer(t, obj)
	obj.putAt(wsA+"/attachment/lost.png", []byte("x"), testNow.Add(-time.Minute))
	dev := http.NewServeMux()
	sweepRoute(dev, s)
	rec := httptest.NewRecorder()
	dev.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__dev/sweep", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"orphansRemoved":1`) || obj.has(wsA+"/attachment/lost.png") {
		t.Errorf("POST /__dev/sweep = %d %s", rec.Code, rec.Body)
	}
}
