//go:build e2e

package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFilesMultipartStreams60MB: a 60 MB file sent as apollo-upload-client sends it (the GraphQL
// multipart request spec, the file as the last part) is stored and downloads byte for byte, and
// the gateway's Go instance does not grow by it: the file streamed from the client to R2 through
// the entry's JavaScript, past Go (filestream.mjs).
func TestFilesMultipartStreams60MB(t *testing.T) {
	a := onboard(t, "/metadata")
	body := randomBytes(t, 60<<20)
	form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file, fileFolder: Attachment) { path token } }","variables":{"file":null}}`, "big.bin", body)
	before := instanceMemory(t, "/__dev/instance")
	start := time.Now()
	r := post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access)
	elapsed := time.Since(start)
	if r.status != http.StatusOK {
		t.Fatalf("multipart uploadFile of 60 MB = %d %s", r.status, r.body)
	}
	signed := data[struct{ UploadFile struct{ Path, Token string } }](t, decode[gqlReply](t, r)).UploadFile
	if !strings.HasPrefix(signed.Path, "attachment/") || signed.Token == "" {
		t.Fatalf("uploadFile = %+v", signed)
	}
	t.Logf("multipart upload of %d bytes took %s (%.0f MB/s)", len(body), elapsed.Round(time.Millisecond), float64(len(body))/(1<<20)/elapsed.Seconds())
	after := instanceMemory(t, "/__dev/instance")
	if before.InstanceID == after.InstanceID {
		grew := int64(after.Memory.TotalBytes) - int64(before.Memory.TotalBytes)
		t.Logf("gateway Go memory %d -> %d bytes", before.Memory.TotalBytes, after.Memory.TotalBytes)
		if grew > 20<<20 {
			t.Errorf("the gateway's Go memory grew by %d bytes for a 60 MB upload: the file went through Go", grew)
		}
	}
	d := get(t, "/files/"+signed.Path+"?token="+url.QueryEscape(signed.Token))
	if d.status != http.StatusOK || !bytes.Equal(d.body, body) {
		t.Fatalf("GET the 60 MB file = %d, %d bytes, equal %v", d.status, len(d.body), bytes.Equal(d.body, body))
	}

	// A body whose file is not its last part is refused and stores nothing under the name.
	form2, contentType2 := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path } }","variables":{"file":null}}`, "x.bin", body[:1000])
	form2 = strings.TrimSuffix(form2, "--\r\n") + "\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\nx\r\n" + form2[strings.LastIndex(form2, "--"+boundaryOf(t, contentType2)):]
	bad := post(t, "/metadata", form2, "Content-Type", contentType2, "Authorization", "Bearer "+a.access)
	if reply := decode[gqlReply](t, bad); len(reply.Errors) == 0 || reply.Errors[0].Message != "Invalid multipart request body." {
		t.Errorf("a file part followed by another = %d %s", bad.status, bad.body)
	}
}

func boundaryOf(t *testing.T, contentType string) string {
	t.Helper()
	_, b, ok := strings.Cut(contentType, "boundary=")
	if !ok {
		t.Fatalf("no boundary in %q", contentType)
	}
	return b
}
