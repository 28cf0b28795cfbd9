//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/infra/devstack"
	"github.com/twentyworkers/twenty/shared/s3presign"
)

// TestPresignedURLsOnARealS3Server checks the files Worker's presigner (shared/s3presign) against a
// real S3 server that validates SigV4 signatures, versitygw (pinned in infra/s3server): a
// presigned PUT stores the bytes and a presigned GET reads them back, keys with spaces and
// non-ASCII letters included; a tampered signature, a wrong secret, an expired URL and a URL
// signed for another method are refused by the server.
func TestPresignedURLsOnARealS3Server(t *testing.T) {
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tool := exec.Command("go", "tool", "-n", "versitygw")
	tool.Dir = filepath.Join(root, "infra", "s3server")
	tool.Env = append(os.Environ(), "GOWORK=off")
	bin, err := tool.Output()
	if err != nil {
		t.Fatalf("building versitygw (infra/s3server): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const bucket, access, secret = "twenty-files", "AKIDTWENTYTEST", "twenty-test-secret"
	data := t.TempDir()
	if err := os.Mkdir(filepath.Join(data, bucket), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(strings.TrimSpace(string(bin)), "--access", access, "--secret", secret, "--region", "auto", "--port", addr, "posix", data)
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := "http://" + addr
	eventually(t, 20*time.Second, "versitygw", func() bool {
		res, err := http.Get(endpoint + "/" + bucket)
		if err == nil {
			res.Body.Close()
		}
		return err == nil
	})

	presigner := func(secret string) *s3presign.Presigner {
		p, err := s3presign.New(endpoint, bucket, "auto", s3presign.Credentials{AccessKeyID: access, SecretAccessKey: secret})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	do := func(method, url string, body []byte) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v (versitygw: %s)", method, url, err, logs.String())
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}

	good := presigner(secret)
	for _, key := range []string{"workspace-1/files-field/3f1c.txt", "workspace-1/attachment/a file with spaces & ünïcödé (1).pdf"} {
		body := []byte("bytes of " + key)
		put, err := good.PresignPut(key, 15*time.Minute, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if status, b := do(http.MethodPut, put, body); status != http.StatusOK {
			t.Fatalf("presigned PUT of %q = %d %s", key, status, b)
		}
		get, err := good.Presign(http.MethodGet, key, 15*time.Minute, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if status, b := do(http.MethodGet, get, nil); status != http.StatusOK || !bytes.Equal(b, body) {
			t.Errorf("presigned GET of %q = %d %q, want the bytes PUT", key, status, b)
		}
	}

	key := "workspace-1/files-field/3f1c.txt"
	get, _ := good.Presign(http.MethodGet, key, 15*time.Minute, time.Now())
	flip := byte('0')
	if get[len(get)-1] == '0' {
		flip = '1'
	}
	wrongSecret, _ := presigner("not-the-secret").Presign(http.MethodGet, key, 15*time.Minute, time.Now())
	expired, _ := good.Presign(http.MethodGet, key, time.Minute, time.Now().Add(-2*time.Hour))
	for what, url := range map[string]string{
		"a tampered signature": get[:len(get)-1] + string(flip),
		"a wrong secret":       wrongSecret,
		"an expired URL":       expired,
	} {
		if status, b := do(http.MethodGet, url, nil); status != http.StatusForbidden {
			t.Errorf("%s: GET = %d %.300s, want 403", what, status, b)
		}
	}
	if status, b := do(http.MethodPut, get, []byte("overwrite")); status != http.StatusForbidden {
		t.Errorf("PUT with a URL signed for GET = %d %.300s, want 403", status, b)
	}
}
