package twentyimport

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/infra/devstack"
	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
)

const s3Access, s3Secret, s3Region = "AKIDTWENTYIMPORT", "twenty-import-secret", "eu-west-3"

// versitygw starts a real S3 server that validates SigV4 (versitygw, pinned in infra/s3server)
// with the given buckets, and answers its endpoint.
func versitygw(t *testing.T, buckets ...string) string {
	t.Helper()
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
	data := t.TempDir()
	for _, b := range buckets {
		if err := os.Mkdir(filepath.Join(data, b), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(strings.TrimSpace(string(bin)), "--access", s3Access, "--secret", s3Secret, "--region", s3Region, "--port", addr, "posix", data)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	endpoint := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(endpoint)
		if err == nil {
			res.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer: %v\n%s", err, logs.String())
		}
	}
}

// putObjects uploads objects (key → bytes) with signed PUTs, as Twenty's S3 driver writes them.
func putObjects(t *testing.T, s *S3Source, objects map[string][]byte) {
	t.Helper()
	for key, body := range objects {
		res, err := s.do(t.Context(), http.MethodPut, key, nil, body)
		if err != nil {
			t.Fatalf("PUT %s: %v", key, err)
		}
		res.Body.Close()
	}
}

func newTestS3(t *testing.T, endpoint, bucket, prefix, secret string) *S3Source {
	t.Helper()
	s, err := NewS3Source(S3Config{Bucket: bucket, Prefix: prefix, Endpoint: endpoint, Region: s3Region, AccessKeyID: s3Access, SecretAccessKey: secret})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestS3SourceOnARealS3Server lists (page after page) and reads a bucket laid out as Twenty's S3
// driver lays it out, on a server that checks every signature; a wrong secret, a wrong region
// and a missing bucket fail with S3's answer and what to check.
func TestS3SourceOnARealS3Server(t *testing.T) {
	endpoint := versitygw(t, "twenty-storage")
	const ws = "20202020-1c25-4d02-bf25-6aeccf7ea419"
	objects := map[string][]byte{
		"tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/3f1c.txt":                      []byte("new layout\n"),
		"tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/a file & ünïcödé (1).pdf":      bytes.Repeat([]byte{0, 1, 2, 0xff}, 70000),
		"tenant/workspace-" + ws + "/person-picture/old.png":                                              []byte("old layout"),
		"tenant/" + ws + "/files-field/bare.txt":                                                          []byte("bare layout"),
		"tenant/other-workspace/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/not-mine.txt":             []byte("another workspace"),
		"elsewhere/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/outside-the-prefix.txt":     []byte("outside"),
		"tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/workflow/step/deep/nested/file.json":      []byte(`{"a":1}`),
		"tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/" + strings.Repeat("x", 90):    []byte("long name"),
		"tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/+plus=equals;semi,comma'q.txt": []byte("punctuation"),
	}
	putObjects(t, newTestS3(t, endpoint, "twenty-storage", "", s3Secret), objects)

	s := newTestS3(t, endpoint, "twenty-storage", "/tenant/", s3Secret)
	s.pageSize = 3
	s.tmp = t.TempDir()
	if err := s.List(t.Context()); err != nil {
		t.Fatal(err)
	}
	if s.Keys() != 8 {
		t.Errorf("listed %d keys under tenant/, want 8", s.Keys())
	}
	for _, tc := range []struct {
		path, key string
	}{
		{"attachment/3f1c.txt", "tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/3f1c.txt"},
		{"attachment/a file & ünïcödé (1).pdf", "tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/a file & ünïcödé (1).pdf"},
		{"person-picture/old.png", "tenant/workspace-" + ws + "/person-picture/old.png"},
		{"files-field/bare.txt", "tenant/" + ws + "/files-field/bare.txt"},
		{"workflow/step/deep/nested/file.json", "tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/workflow/step/deep/nested/file.json"},
		{"attachment/" + strings.Repeat("x", 90), "tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/" + strings.Repeat("x", 90)},
		{"attachment/+plus=equals;semi,comma'q.txt", "tenant/" + ws + "/20202020-64aa-4b6f-b003-9c74b97cee20/attachment/+plus=equals;semi,comma'q.txt"},
	} {
		key, err := s.Locate(t.Context(), ws, tc.path)
		if err != nil || key != tc.key {
			t.Errorf("Locate(%q) = %q, %v, want %q", tc.path, key, err, tc.key)
			continue
		}
		file, done, err := s.Fetch(t.Context(), key)
		if err != nil {
			t.Errorf("Fetch(%q): %v", key, err)
			continue
		}
		got, _ := os.ReadFile(file)
		done()
		if !bytes.Equal(got, objects[key]) {
			t.Errorf("Fetch(%q) = %d bytes, want the %d bytes put", key, len(got), len(objects[key]))
		}
		if _, err := os.Stat(file); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("done left %s behind", file)
		}
	}
	for _, p := range []string{"attachment/not-mine.txt", "attachment/outside-the-prefix.txt", "attachment/none.txt"} {
		if key, err := s.Locate(t.Context(), ws, p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Locate(%q) = %q, %v, want fs.ErrNotExist", p, key, err)
		}
	}
	if _, err := s.Locate(t.Context(), ws, "../other-workspace/x"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Locate of a path leaving the workspace = %v, want refused", err)
	}
	if _, _, err := s.Fetch(t.Context(), "tenant/gone"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Fetch of a missing key = %v, want fs.ErrNotExist", err)
	}

	wrongRegion := newTestS3(t, endpoint, "twenty-storage", "", s3Secret)
	wrongRegion.cfg.Region = "us-east-1"
	for _, tc := range []struct {
		name string
		s    *S3Source
		want []string
	}{
		{"wrong secret", newTestS3(t, endpoint, "twenty-storage", "", "not-the-secret"), []string{"403", "SignatureDoesNotMatch", "check STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY"}},
		{"wrong region", wrongRegion, []string{"400", "AuthorizationHeaderMalformed", "check STORAGE_S3_REGION"}},
		{"missing bucket", newTestS3(t, endpoint, "no-such-bucket", "", s3Secret), []string{"404", "NoSuchBucket", "no bucket no-such-bucket"}},
	} {
		err := tc.s.List(t.Context())
		if err == nil {
			t.Errorf("%s: List succeeded", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: List = %v, want it to say %q", tc.name, err, w)
			}
		}
	}
}

func TestOpenFileSourceChecksItsSettings(t *testing.T) {
	for _, tc := range []struct {
		storage string
		env     map[string]string
		want    string
	}{
		{"s3://", nil, "no bucket name"},
		{"s3://bucket", map[string]string{"STORAGE_S3_ACCESS_KEY_ID": "a"}, "set STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY"},
		{"s3://bucket", map[string]string{"STORAGE_S3_ACCESS_KEY_ID": "a", "STORAGE_S3_SECRET_ACCESS_KEY": "b", "STORAGE_S3_ENDPOINT": "minio:9000"}, "is not an http(s) URL"},
		{filepath.Join(t.TempDir(), "absent"), nil, "storage folder"},
	} {
		for _, k := range []string{"STORAGE_S3_ACCESS_KEY_ID", "STORAGE_S3_SECRET_ACCESS_KEY", "STORAGE_S3_ENDPOINT", "STORAGE_S3_REGION"} {
			t.Setenv(k, tc.env[k])
		}
		if _, err := OpenFileSource(t.Context(), tc.storage); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("OpenFileSource(%q) = %v, want %q", tc.storage, err, tc.want)
		}
	}
}

// copiedObjects is an R2 bucket in memory that keeps the bytes put (the S3 source's files are
// temporary).
type copiedObjects map[string][]byte

func (c copiedObjects) Put(_ context.Context, key, file, _ string) error {
	b, err := os.ReadFile(file)
	c[key] = b
	return err
}

// TestImportFilesFromS3 imports a Twenty whose files are in its S3 bucket (STORAGE=s3://…, the
// settings in Twenty's STORAGE_S3_* variables) from a real S3 server: the files arrive byte for
// byte and verify, a second run copies nothing again, and wrong credentials stop the run before
// it writes, saying so.
func TestImportFilesFromS3(t *testing.T) {
	admin := pgURL(t)
	storage := t.TempDir()
	url, f, err := pgfixture.Build(t.Context(), admin, "twenty_import_s3", pgfixture.Sizes{People: 30, Companies: 10, Opportunities: 5, Notes: 5, Rockets: 2,
		Storage: storage, Files: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgfixture.Drop(context.Background(), admin, "twenty_import_s3") })

	// Twenty's S3 driver keys are its local folder's paths: upload the fixture's folder as is.
	endpoint := versitygw(t, "twenty")
	want := map[string][]byte{}
	objects := map[string][]byte{}
	if err := filepath.WalkDir(storage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(storage, p)
		b, err := os.ReadFile(p)
		objects["prod/"+filepath.ToSlash(rel)] = b
		_, path, _ := strings.Cut(strings.TrimPrefix(filepath.ToSlash(rel), f.WorkspaceID+"/"), "/")
		want[f.WorkspaceID+"/"+path] = b
		return err
	}); err != nil {
		t.Fatal(err)
	}
	putObjects(t, newTestS3(t, endpoint, "twenty", "", s3Secret), objects)
	t.Setenv("STORAGE_S3_ENDPOINT", endpoint)
	t.Setenv("STORAGE_S3_REGION", s3Region)
	t.Setenv("STORAGE_S3_ACCESS_KEY_ID", s3Access)

	state := migratedState(t)
	t.Setenv("STORAGE_S3_SECRET_ACCESS_KEY", "not-the-secret")
	var out bytes.Buffer
	_, err = Run(t.Context(), Options{PG: url, State: state, Storage: "s3://twenty/prod", objects: copiedObjects{}, Out: &out})
	if err == nil || !strings.Contains(err.Error(), "403 SignatureDoesNotMatch") || !strings.Contains(err.Error(), "STORAGE_S3_SECRET_ACCESS_KEY") {
		t.Errorf("run with a wrong secret = %v, want a 403 naming the key to check", err)
	}
	if _, err := os.Stat(LocalD1File(state, ShardDatabaseID)); err == nil {
		t.Error("the run with a wrong secret wrote the shard")
	}

	t.Setenv("STORAGE_S3_SECRET_ACCESS_KEY", s3Secret)
	put := copiedObjects{}
	out.Reset()
	res, err := Run(t.Context(), Options{PG: url, State: state, Storage: "s3://twenty/prod", objects: put, Out: &out})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, line := range []string{"storage s3://twenty/prod: 4 objects listed", "3 files", "copy file attachment/"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("the report lacks %q:\n%s", line, out.String())
		}
	}
	var files *Result
	for i := range res {
		if res[i].Table == "core.file" {
			files = &res[i]
		}
	}
	if files == nil || files.SourceRows != 3 || files.TargetRows != 3 || files.SourceSum != files.TargetSum {
		t.Errorf("core.file verification = %+v, want 3 rows that match", files)
	}
	// Three uploaded files arrive byte for byte; the soft-deleted fourth stays behind.
	if len(put) != 3 {
		t.Errorf("%d objects put, want 3", len(put))
	}
	for key, got := range put {
		if diff := cmp.Diff(want[key], got); diff != "" {
			t.Errorf("object %s differs from Twenty's (-want +got):\n%s", key, diff)
		}
	}
	again := copiedObjects{}
	out.Reset()
	if _, err := Run(t.Context(), Options{PG: url, State: state, Storage: "s3://twenty/prod", objects: again, Out: &out}); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	if len(again) != 0 {
		t.Errorf("the second run put %d objects again", len(again))
	}
}
