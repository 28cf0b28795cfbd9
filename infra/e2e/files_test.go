//go:build e2e

package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// fileUploadTarget and fileWithSignedURL are Twenty's FileUploadTarget and FileWithSignedUrl.
type fileUploadTarget struct{ FileID, UploadURL, ContentType, ExpiresAt string }
type fileWithSignedURL struct {
	ID, Path, CreatedAt, URL string
	Size                     float64
}

const uploadTargetFields = `fileId uploadUrl contentType expiresAt`
const signedFileFields = `id path size createdAt url`

// requestURI is a URL the stack answered, as a path for call (which adds the stack's base URL);
// the URL must be on the stack.
func requestURI(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Scheme+"://"+u.Host != need(t).BaseURL {
		t.Fatalf("URL %q is not on the stack (%s)", raw, need(t).BaseURL)
	}
	return u.RequestURI()
}

// directUpload runs createFileUpload, the PUT of body to the upload URL and completeFileUpload.
func directUpload(t *testing.T, token, name string, body []byte) fileWithSignedURL {
	t.Helper()
	target := data[struct{ CreateFileUpload fileUploadTarget }](t, gql(t, "/metadata", token,
		`mutation($n: String!, $s: Float!) { createFileUpload(filename: $n, size: $s, fileFolder: FilesField) { `+uploadTargetFields+` } }`,
		map[string]any{"n": name, "s": len(body)})).CreateFileUpload
	if target.ContentType != "application/octet-stream" || len(target.FileID) != 36 {
		t.Fatalf("createFileUpload = %+v", target)
	}
	start := time.Now()
	if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), bytes.NewReader(body), "Content-Type", target.ContentType); r.status != http.StatusNoContent {
		t.Fatalf("PUT %d bytes = %d %s", len(body), r.status, r.body)
	}
	t.Logf("PUT of %d bytes took %s", len(body), time.Since(start).Round(time.Millisecond))
	return data[struct{ CompleteFileUpload fileWithSignedURL }](t, gql(t, "/metadata", token,
		`mutation($id: String!) { completeFileUpload(fileId: $id) { `+signedFileFields+` } }`, map[string]any{"id": target.FileID})).CompleteFileUpload
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFilesDirectUploadAttachmentAndDownload is issue #16's first scenario on the real stack: a
// 20 MB file uploaded as current Twenty does it (createFileUpload, PUT, completeFileUpload), an
// attachment created with it on a company, the company's attachments read back, and the file
// downloaded byte for byte, whole and by range.
func TestFilesDirectUploadAttachmentAndDownload(t *testing.T) {
	a := onboard(t, "/metadata")
	body := randomBytes(t, 20<<20)
	f := directUpload(t, a.access, "Quarterly report.pdf", body)
	if f.Size != float64(len(body)) || !strings.HasPrefix(f.Path, "files-field/"+f.ID) || !strings.HasSuffix(f.Path, ".pdf") || !strings.Contains(f.URL, "/file/files-field/"+f.ID+"?token=") {
		t.Fatalf("completeFileUpload = %+v", f)
	}

	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	company := decode[struct {
		Data struct{ CreateCompany struct{ ID string } }
	}](t, post(t, "/rest/companies", `{"name":"Files Inc"}`, auth...)).Data.CreateCompany.ID
	att := post(t, "/rest/attachments", `{"name":"Quarterly report.pdf","fullPath":"`+f.Path+`","fileCategory":"TEXT_DOCUMENT","companyId":"`+company+`"}`, auth...)
	if att.status != http.StatusCreated {
		t.Fatalf("create attachment = %d %s", att.status, att.body)
	}
	list := decode[struct {
		Data struct {
			Attachments []struct{ ID, Name, FullPath, CompanyID string }
		}
	}](t, get(t, "/rest/attachments?filter=companyId[eq]:"+company, auth...)).Data.Attachments
	if len(list) != 1 || !strings.HasPrefix(list[0].FullPath, f.Path+"?token=") {
		t.Fatalf("the company's attachments = %+v, want fullPath signed", list)
	}
	// The attachment's signed path downloads through Twenty's /files/ route.
	if r := get(t, "/files/"+list[0].FullPath); r.status != http.StatusOK || !bytes.Equal(r.body, body) {
		t.Fatalf("GET /files/<signed fullPath> = %d, %d bytes", r.status, len(r.body))
	}

	start := time.Now()
	r := get(t, requestURI(t, f.URL))
	t.Logf("GET of %d bytes took %s", len(body), time.Since(start).Round(time.Millisecond))
	if r.status != http.StatusOK || !bytes.Equal(r.body, body) {
		t.Fatalf("download = %d, %d bytes, equal %v", r.status, len(r.body), bytes.Equal(r.body, body))
	}
	got := map[string]string{}
	for _, k := range []string{"Content-Type", "Content-Disposition", "Content-Length", "Accept-Ranges", "Cache-Control", "X-Content-Type-Options"} {
		got[k] = r.header.Get(k)
	}
	want := map[string]string{"Content-Type": "application/pdf", "Content-Disposition": `inline; filename="Quarterly report.pdf"`,
		"Content-Length": strconv.Itoa(len(body)), "Accept-Ranges": "bytes", "Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("download header %s = %q, want %q", k, got[k], v)
		}
	}
	etag := r.header.Get("ETag")
	if etag != `"`+f.ID+`"` || r.header.Get("X-Twenty-R2-Get") != "" {
		t.Errorf("ETag = %q, internal headers %v", etag, r.header)
	}
	rg := get(t, requestURI(t, f.URL), "Range", "bytes=1048576-1048675")
	if rg.status != http.StatusPartialContent || !bytes.Equal(rg.body, body[1048576:1048676]) || rg.header.Get("Content-Range") != "bytes 1048576-1048675/"+strconv.Itoa(len(body)) {
		t.Errorf("range = %d %q, %d bytes", rg.status, rg.header.Get("Content-Range"), len(rg.body))
	}
	if nm := get(t, requestURI(t, f.URL), "If-None-Match", etag); nm.status != http.StatusNotModified || len(nm.body) != 0 {
		t.Errorf("If-None-Match = %d, %d bytes", nm.status, len(nm.body))
	}
	if past := get(t, requestURI(t, f.URL), "Range", "bytes=999999999-"); past.status != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("range past the end = %d %s", past.status, past.body)
	}
	if c := get(t, requestURI(t, f.URL), "Origin", "https://app.example"); c.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("download CORS = %v", c.header)
	}
	if h := call(t, http.MethodHead, requestURI(t, f.URL), nil); h.status != http.StatusOK || len(h.body) != 0 || h.header.Get("ETag") != etag {
		t.Errorf("HEAD = %d, %d bytes, %v", h.status, len(h.body), h.header)
	}

	// Destroying the attachment removes its file: the attachment.destroyed event reaches the jobs
	// Worker's file cleanup through the outbox and the queue, which has the files Worker delete it.
	object := "/__dev/svc/files/objects/" + a.workspaceID + "/" + f.Path
	if r := get(t, object); r.status != http.StatusOK {
		t.Fatalf("the object in R2 before the destroy: %d", r.status)
	}
	attID := decode[struct {
		Data struct{ CreateAttachment struct{ ID string } }
	}](t, att).Data.CreateAttachment.ID
	if r := call(t, http.MethodDelete, "/rest/attachments/"+attID, nil, auth...); r.status != http.StatusOK {
		t.Fatalf("destroy the attachment = %d %s", r.status, r.body)
	}
	destroyed := time.Now()
	eventually(t, 30*time.Second, "the destroyed attachment's object leaves R2", func() bool { return get(t, object).status == http.StatusNotFound })
	t.Logf("object removed %s after the destroy", time.Since(destroyed).Round(time.Millisecond))
	if r := get(t, requestURI(t, f.URL)); r.status != http.StatusNotFound {
		t.Errorf("download after the destroy = %d, want 404", r.status)
	}
}

// TestFilesMultipartUpload sends a file the way apollo-upload-client does (the GraphQL multipart
// request spec): uploadFile answers Twenty's SignedFile, and the legacy /files/{path}?token=
// route serves it.
func TestFilesMultipartUpload(t *testing.T) {
	a := onboard(t, "/metadata")
	body := randomBytes(t, 2<<20)
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file, fileFolder: Attachment) { path token } }","variables":{"file":null}}`, "photo.png", body)
	r := post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access)
	if r.status != http.StatusOK {
		t.Fatalf("multipart uploadFile = %d %s", r.status, r.body)
	}
	signed := data[struct{ UploadFile struct{ Path, Token string } }](t, decode[gqlReply](t, r)).UploadFile
	if !strings.HasPrefix(signed.Path, "attachment/") || !strings.HasSuffix(signed.Path, ".png") || signed.Token == "" {
		t.Fatalf("uploadFile = %+v", signed)
	}
	d := get(t, "/files/"+signed.Path+"?token="+url.QueryEscape(signed.Token))
	if d.status != http.StatusOK || !bytes.Equal(d.body, body) || d.header.Get("Content-Type") != "image/png" {
		t.Errorf("GET /files/%s = %d %q, %d bytes", signed.Path, d.status, d.header.Get("Content-Type"), len(d.body))
	}

	form, contentType = multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadWorkspaceMemberProfilePicture(file: $file) { `+signedFileFields+` } }","variables":{"file":null}}`, "me.jpg", body[:1000])
	r = post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access)
	p := data[struct{ UploadWorkspaceMemberProfilePicture fileWithSignedURL }](t, decode[gqlReply](t, r)).UploadWorkspaceMemberProfilePicture
	if got := get(t, requestURI(t, p.URL)); got.status != 200 || !bytes.Equal(got.body, body[:1000]) || !strings.Contains(p.URL, "/file/core-picture/") {
		t.Errorf("profile picture %+v downloads %d, %d bytes", p, got.status, len(got.body))
	}
}

// TestFilesRefusals is issue #16's item 6 on the stack: sizes refused before any byte is stored,
// unknown folders, traversing names, tokens that are missing, tampered, another file's or another
// workspace's, and nothing listable.
func TestFilesRefusals(t *testing.T) {
	a, b := onboard(t, "/metadata"), onboard(t, "/metadata")
	fa := directUpload(t, a.access, "a.txt", []byte("workspace A's secret"))
	fb := directUpload(t, b.access, "b.txt", []byte("workspace B's file"))
	ua, _ := url.Parse(fa.URL)
	tokenA, tokenB := ua.Query().Get("token"), mustQuery(t, fb.URL, "token")

	refusedGQL := func(name, query string, vars map[string]any, code string) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		r := decode[gqlReply](t, post(t, "/metadata", string(body), "Content-Type", "application/json", "Authorization", "Bearer "+a.access))
		if len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != code {
			t.Errorf("%s: %s %+v, want %s", name, r.Data, r.Errors, code)
		}
	}
	create := `mutation($n: String!, $s: Float!, $f: FileFolder!) { createFileUpload(filename: $n, size: $s, fileFolder: $f) { fileId } }`
	refusedGQL("over 1 GB", create, map[string]any{"n": "big.bin", "s": float64(1<<30 + 1), "f": "FilesField"}, "BAD_USER_INPUT")
	refusedGQL("unknown folder", create, map[string]any{"n": "a.txt", "s": 1, "f": "Secrets"}, "BAD_USER_INPUT")
	refusedGQL("a name of dots", create, map[string]any{"n": "../..", "s": 1, "f": "FilesField"}, "BAD_USER_INPUT")
	refusedGQL("another workspace completes", `mutation($id: String!) { completeFileUpload(fileId: $id) { id } }`, map[string]any{"id": fb.ID}, "NOT_FOUND")

	target := data[struct{ CreateFileUpload fileUploadTarget }](t, gql(t, "/metadata", a.access, strings.Replace(create, "{ fileId }", "{ "+uploadTargetFields+" }", 1),
		map[string]any{"n": "../../etc/passwd", "s": 5, "f": "FilesField"})).CreateFileUpload
	if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), strings.NewReader("123456")); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("PUT of 6 bytes for 5 declared = %d %s", r.status, r.body)
	}
	if r := call(t, http.MethodPut, "/file-upload/"+target.FileID+"?token="+tokenA, strings.NewReader("12345")); r.status != http.StatusForbidden {
		t.Errorf("PUT with a download token = %d %s", r.status, r.body)
	}
	refusedGQL("complete before the bytes", `mutation($id: String!) { completeFileUpload(fileId: $id) { id } }`, map[string]any{"id": target.FileID}, "BAD_USER_INPUT")
	// A browser's upload: the preflight, then the PUT, both answered for its origin.
	pre := call(t, http.MethodOptions, requestURI(t, target.UploadURL), nil, "Origin", "https://app.example",
		"Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "content-type")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "PUT") {
		t.Errorf("upload preflight = %d %v", pre.status, pre.header)
	}
	if r := call(t, http.MethodPut, requestURI(t, target.UploadURL), strings.NewReader("12345"), "Origin", "https://app.example", "Content-Type", "application/octet-stream"); r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("PUT = %d %s %v", r.status, r.body, r.header)
	}
	done := data[struct{ CompleteFileUpload fileWithSignedURL }](t, gql(t, "/metadata", a.access,
		`mutation($id: String!) { completeFileUpload(fileId: $id) { path } }`, map[string]any{"id": target.FileID})).CompleteFileUpload
	if !strings.HasPrefix(done.Path, "files-field/") || strings.Contains(done.Path, "..") || strings.Contains(done.Path, "passwd") {
		t.Errorf("a traversing name was stored at %q", done.Path)
	}

	// "../" and "%2e%2e/" in a URL are resolved by the URL parser before any Worker sees the path
	// (and the files Worker refuses an unclean one, services/files/download.go): a traversal can
	// only land on another route, where the token is checked again, never on a key.
	parts := strings.Split(tokenA, ".")
	tampered := parts[0] + "." + parts[1] + "x." + parts[2]
	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"no token", "/file/files-field/" + fa.ID, 403},
		{"tampered token", "/file/files-field/" + fa.ID + "?token=" + tampered, 403},
		{"B's token for A's file", "/file/files-field/" + fa.ID + "?token=" + tokenB, 403},
		{"unknown folder", "/file/secrets/" + fa.ID + "?token=" + tokenA, 403},
		{"legacy route with B's token", "/files/" + fa.Path + "?token=" + tokenB, 404},
		{"folder listing", "/files/files-field/?token=" + tokenA, 404},
		{"the bucket", "/files/?token=" + tokenA, 404},
	} {
		r := get(t, tc.path)
		if r.status != tc.status || strings.Contains(string(r.body), "secret") {
			t.Errorf("%s: GET %s = %d %s, want %d", tc.name, tc.path, r.status, r.body, tc.status)
		}
		if !json.Valid(r.body) {
			t.Errorf("%s: body %q is not Twenty's JSON envelope", tc.name, r.body)
		}
	}
}

func mustQuery(t *testing.T, raw, key string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}

// TestFilesWithTwentyClientSDK has Twenty's own client (twenty-client-sdk 2.43.0's
// MetadataApiClient) upload and complete files against the stack: its uploadFile helper and its
// typed createFileUpload / completeFileUpload, the signed URLs downloaded byte for byte.
func TestFilesWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "files.mjs"), s.BaseURL, a.access)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node files.mjs: %v\n%s", err, stderr.String())
	}
	type download struct {
		Status      int
		ContentType string
		Same        bool
		Length      int
	}
	var got struct {
		Helper                        fileWithSignedURL
		Target                        fileUploadTarget
		PutStatus                     int
		Completed                     fileWithSignedURL
		HelperDownload, TypedDownload download
		Refused                       *struct{ Message, Code string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node files.mjs printed %q: %v", out, err)
	}
	if got.Helper.Size != 3<<20 || !strings.HasPrefix(got.Helper.Path, "files-field/") || got.HelperDownload != (download{200, "application/octet-stream", true, 3 << 20}) {
		t.Errorf("uploadFile helper = %+v, download %+v", got.Helper, got.HelperDownload)
	}
	if got.PutStatus != 204 || got.Completed.ID != got.Target.FileID || got.Completed.Size != 1<<20 || got.TypedDownload != (download{200, "application/pdf", true, 1 << 20}) {
		t.Errorf("typed upload: target %+v, PUT %d, completed %+v, download %+v", got.Target, got.PutStatus, got.Completed, got.TypedDownload)
	}
	if got.Refused == nil || got.Refused.Code != "NOT_FOUND" {
		t.Errorf("completing an unknown file through the SDK = %+v, want NOT_FOUND", got.Refused)
	}
}

// TestFilesOrphanSweep: an object in the bucket that no file row names (as a lost upload leaves)
// is removed by the sweep; a stored file stays. The dev route sweeps orphans over a second old.
func TestFilesOrphanSweep(t *testing.T) {
	a := onboard(t, "/metadata")
	kept := directUpload(t, a.access, "kept.txt", []byte("kept"))
	orphan := "/__dev/svc/files/objects/" + a.workspaceID + "/attachment/" + newUUID(t) + ".png"
	if r := call(t, http.MethodPut, orphan, strings.NewReader("lost bytes")); r.status != http.StatusNoContent {
		t.Fatalf("PUT the orphan = %d %s", r.status, r.body)
	}
	time.Sleep(1100 * time.Millisecond)
	eventually(t, 20*time.Second, "the sweep removes the orphan", func() bool {
		if r := post(t, "/__dev/svc/files/sweep", ""); r.status != http.StatusOK {
			t.Fatalf("sweep = %d %s", r.status, r.body)
		}
		return get(t, orphan).status == http.StatusNotFound
	})
	if r := get(t, requestURI(t, kept.URL)); r.status != http.StatusOK || string(r.body) != "kept" {
		t.Errorf("the stored file after the sweep = %d %q", r.status, r.body)
	}
}

func newUUID(t *testing.T) string {
	t.Helper()
	b := randomBytes(t, 16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// multipartUpload builds a GraphQL multipart request (the spec apollo-upload-client speaks) with
// one file, mapped to variables.file, and answers the body and its content type.
func multipartUpload(t *testing.T, operations, filename string, content []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if err := w.WriteField("operations", operations); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteField("map", `{"0":["variables.file"]}`); err != nil {
		t.Fatal(err)
	}
	fw, err := w.CreateFormFile("0", filename)
	if err == nil {
		_, err = fw.Write(content)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}
