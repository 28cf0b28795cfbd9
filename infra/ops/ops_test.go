package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
)

// messageArg is a version's message: the commit and its subject, which change with HEAD.
var messageArg = regexp.MustCompile(`(?m)(--tag <commit> --message ).*$`)

// tempDir is verify's temporary folder.
var tempDir = regexp.MustCompile(`<tmp>/ops-verify-[0-9]+`)

var update = flag.Bool("update", false, "rewrite the golden files")

// fakeRunner answers scripted outputs by command line and records what ran; an unscripted read
// answers empty, as a dry run does.
type fakeRunner struct {
	answers map[string]string
	ran     []string
	out     io.Writer
}

func (f *fakeRunner) Run(_ context.Context, c cloudflare.Command) ([]byte, error) {
	line := c.String()
	f.ran = append(f.ran, line)
	fmt.Fprintln(f.out, "  $ "+line)
	return []byte(f.answers[line]), nil
}

func (f *fakeRunner) Stream(ctx context.Context, c cloudflare.Command, w io.Writer) error {
	out, err := f.Run(ctx, c)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func fixedClock() func() time.Time {
	t := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	return func() time.Time { return t }
}

// TestDryRunGolden: deploy and rollback dry runs, per environment and per service, print the
// exact wrangler commands (testdata/*.golden; go test -update rewrites them).
func TestDryRunGolden(t *testing.T) {
	root := repoRoot(t)
	st, err := loadStack(root)
	if err != nil {
		t.Fatal(err)
	}
	head := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).Output()
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	commit, subject := head("rev-parse", "--short=12", "HEAD"), head("log", "-1", "--format=%s")
	tests := []struct {
		name, command, env, service string
		o                           opts
	}{
		{"provision-staging", "provision", "staging", "", opts{}},
		{"backup-production", "backup", "production", "", opts{}},
		{"restore-staging-backup", "restore", "staging", "", opts{backup: "20261207T020629Z"}},
		{"restore-staging-bookmark", "restore", "staging", "", opts{bookmark: "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683"}},
		{"verify-staging", "verify", "staging", "", opts{}},
		{"logs-production-records", "logs", "production", "records", opts{status: "5xx", requestID: "req-1"}},
		{"metrics-staging", "metrics", "staging", "", opts{since: "15m"}},
		{"deploy-staging-records", "deploy", "staging", "records", opts{}},
		{"deploy-production-gateway", "deploy", "production", "gateway", opts{}},
		{"deploy-staging-all", "deploy", "staging", "", opts{}},
		{"rollback-staging-records", "rollback", "staging", "records", opts{}},
		{"rollback-production-all", "rollback", "production", "", opts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			a := newApp(root, st, cloudflare.DryRun{Out: &out}, true, &out)
			a.now = fixedClock()
			o := tt.o
			o.env, o.service = tt.env, tt.service
			if err := a.run(context.Background(), tt.command, o); err != nil {
				t.Fatal(err)
			}
			got := out.String()
			got = strings.ReplaceAll(got, commit, "<commit>")
			got = strings.ReplaceAll(got, root, "<root>")
			got = strings.ReplaceAll(got, os.TempDir(), "<tmp>")
			got = tempDir.ReplaceAllString(got, "<tmp>/ops-verify")
			got = strings.ReplaceAll(got, subject, "<subject>")
			got = messageArg.ReplaceAllString(got, "$1<commit and subject>")
			got = strings.ReplaceAll(got, "note: uncommitted changes; a real deploy refuses them\n", "")
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-golden +got):\n%s", tt.name, diff)
			}
		})
	}
}

// gitRepo makes a repository with the stack's configs and a records contract, and commits
// each step; it answers the commits.
func gitRepo(t *testing.T, steps ...map[string]string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	repo := repoRoot(t)
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q")
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if body == "" {
			os.Remove(p)
			return
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range services {
		b, err := os.ReadFile(filepath.Join(repo, "services", s, "wrangler.jsonc"))
		if err != nil {
			t.Fatal(err)
		}
		write("services/"+s+"/wrangler.jsonc", string(b))
	}
	write("buf.yaml", "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use:\n    - WIRE_JSON\n")
	write("proto/twenty/common/v1/common.proto", "syntax = \"proto3\";\npackage twenty.common.v1;\nmessage Empty {}\n")
	var commits []string
	for i, step := range steps {
		for rel, body := range step {
			write(rel, body)
		}
		run("add", "-A")
		run("commit", "-q", "-m", fmt.Sprintf("step %d", i+1))
		commits = append(commits, run("rev-parse", "--short=12", "HEAD"))
	}
	return dir, commits
}

const recordsV1 = "syntax = \"proto3\";\npackage twenty.records.v1;\nmessage FindRequest {\n  string object = 1;\n  int32 limit = 2;\n}\nservice RecordsService {\n  rpc Find(FindRequest) returns (FindRequest);\n}\n"

// deployedAt scripts a fake where every Worker of env runs a version tagged commit (gateway at
// gatewayCommit), records' previous deployment being prevCommit.
func deployedAt(env, commit, gatewayCommit, prevCommit string) map[string]string {
	answers := map[string]string{}
	for _, s := range services {
		w := cloudflare.Worker{Config: "services/" + s + "/wrangler.jsonc", Env: env}
		c := commit
		if s == "gateway" {
			c = gatewayCommit
		}
		answers[cloudflare.DeploymentsList(w).String()] = fmt.Sprintf(`[{"id":"d1","created_on":"2026-12-01T00:00:00Z","versions":[{"version_id":"%s-old","percentage":100}]},{"id":"d2","created_on":"2026-12-02T00:00:00Z","versions":[{"version_id":"%s-cur","percentage":100}]}]`, s, s)
		answers[cloudflare.VersionsView(w, s+"-cur").String()] = fmt.Sprintf(`{"id":"%s-cur","annotations":{"workers/tag":"%s"}}`, s, c)
		answers[cloudflare.VersionsView(w, s+"-old").String()] = fmt.Sprintf(`{"id":"%s-old","annotations":{"workers/tag":"%s"}}`, s, prevCommit)
	}
	return answers
}

func TestDeployAndRollbackRefusals(t *testing.T) {
	if _, err := os.Stat(filepath.Join(repoRoot(t), "node_modules", ".bin", "buf")); err != nil {
		t.Skip("buf not installed (make tools)")
	}
	dir, c := gitRepo(t,
		map[string]string{"proto/twenty/records/v1/records.proto": recordsV1, "migrations/0001_a.sql": "CREATE TABLE a (id TEXT PRIMARY KEY);\n"},
		map[string]string{"migrations/0002_b.sql": "-- a new table and column\nCREATE TABLE b (id TEXT);\nALTER TABLE a ADD COLUMN note TEXT;\n"},
		map[string]string{"migrations/0003_c.sql": "ALTER TABLE a RENAME COLUMN note TO remark;\n"},
		map[string]string{"proto/twenty/records/v1/records.proto": strings.Replace(recordsV1, "  int32 limit = 2;\n", "", 1)},
	)
	tests := []struct {
		name, command, service string
		answers                map[string]string
		wantErr                string // "" for success
		wantRan                string // a command that must have run
	}{
		{"rollback over an additive migration", "rollback", "records", deployedAt("staging", c[1], c[1], c[0]), "",
			"wrangler rollback records-old --env staging -c services/records/wrangler.jsonc --message 'rollback to " + c[0] + "' --yes"},
		{"rollback over a renamed column is refused", "rollback", "records", deployedAt("staging", c[2], c[2], c[1]),
			"0003_c.sql: not only additive: ALTER TABLE a RENAME COLUMN note TO remark", ""},
		{"a records contract dropping a field its deployed caller sends is refused", "deploy", "records", deployedAt("staging", c[2], c[2], c[1]),
			"records's contract at HEAD breaks its caller auth", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := loadStack(dir)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			f := &fakeRunner{answers: tt.answers, out: &out}
			a := newApp(dir, st, f, false, &out)
			a.buf = filepath.Join(repoRoot(t), "node_modules", ".bin", "buf")
			a.now = fixedClock()
			// The configs' ids are placeholders: a real deploy refuses them; these tests are
			// about the checks before it, so they fill them.
			for svc, cfg := range st.configs {
				for env, b := range cfg.Env {
					for i := range b.D1Databases {
						b.D1Databases[i].DatabaseID = "1" + b.D1Databases[i].DatabaseID[1:]
					}
					for i := range b.KV {
						b.KV[i].ID = "1" + b.KV[i].ID[1:]
					}
					cfg.Env[env] = b
				}
				st.configs[svc] = cfg
			}
			err = a.run(context.Background(), tt.command, opts{env: "staging", service: tt.service})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one containing %q\n%s", err, tt.wantErr, out.String())
			}
			if tt.wantRan != "" && !strings.Contains(strings.Join(f.ran, "\n"), tt.wantRan) {
				t.Errorf("did not run %q; ran:\n%s", tt.wantRan, strings.Join(f.ran, "\n"))
			}
			if tt.wantErr != "" {
				for _, r := range f.ran {
					if strings.Contains(r, "rollback ") || strings.Contains(r, "versions deploy") || strings.Contains(r, "migrations apply") {
						t.Errorf("a refused %s still ran %s", tt.command, r)
					}
				}
			}
		})
	}
}

func TestUnsafeMigration(t *testing.T) {
	tests := []struct{ sql, want string }{
		{"CREATE TABLE x (id TEXT);\nCREATE INDEX x_id ON x (id);", ""},
		{"-- comment; with a semicolon\nALTER TABLE x ADD COLUMN y TEXT;", ""},
		{"ALTER TABLE x ADD COLUMN y TEXT NOT NULL DEFAULT '';", ""},
		{"ALTER TABLE x ADD COLUMN y TEXT NOT NULL;", "adds a NOT NULL column without a default (older code's inserts fail): ALTER TABLE x ADD COLUMN y TEXT NOT NULL"},
		{"DROP TABLE x;", "not only additive: DROP TABLE x"},
		{"UPDATE x SET y = 1;", "not only additive: UPDATE x SET y = 1"},
	}
	for _, tt := range tests {
		if got := unsafeMigration(tt.sql); got != tt.want {
			t.Errorf("unsafeMigration(%q) = %q, want %q", tt.sql, got, tt.want)
		}
	}
}

func TestStackOrder(t *testing.T) {
	st, err := loadStack(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"realtime", "records", "auth", "files", "jobs", "gateway"}, st.deployOrder()); diff != "" {
		t.Errorf("deploy order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"auth", "gateway", "jobs"}, st.callers("records")); diff != "" {
		t.Errorf("callers of records (-want +got):\n%s", diff)
	}
	dbs, err := st.databases("production")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]database{{"CONTROL", "twenty-control-production", "00000000-0000-4000-8000-000000000201"}, {"DB_0", "twenty-shard-0-production", "00000000-0000-4000-8000-000000000203"}}, dbs); diff != "" {
		t.Errorf("production databases (-want +got):\n%s", diff)
	}
}

func TestLogFilter(t *testing.T) {
	lines := []string{
		`{"level":"ERROR","msg":"request","status":503,"workspace":"w1","request_id":"r1"}`,
		`{"level":"DEBUG","msg":"request","status":200,"workspace":"w2","request_id":"r2"}`,
		`{"level":"WARN","msg":"request","status":404,"workspace":"w1","request_id":"r3"}`,
	}
	tests := []struct {
		f    logFilter
		want []int
	}{
		{logFilter{status: "5xx"}, []int{0}},
		{logFilter{status: "error"}, []int{0}},
		{logFilter{status: "404"}, []int{2}},
		{logFilter{workspace: "w1"}, []int{0, 2}},
		{logFilter{requestID: "r2"}, []int{1}},
		{logFilter{workspace: "w1", status: "4xx"}, []int{2}},
	}
	for _, tt := range tests {
		var got []int
		for i, l := range lines {
			if tt.f.line(l) {
				got = append(got, i)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.f, diff)
		}
	}
}

func TestProvisionFillsIDs(t *testing.T) {
	dir, _ := gitRepo(t, map[string]string{"README": "x\n"})
	st, err := loadStack(dir)
	if err != nil {
		t.Fatal(err)
	}
	w := cloudflare.Worker{Config: "services/records/wrangler.jsonc", Env: "production"}
	var out bytes.Buffer
	f := &fakeRunner{out: &out, answers: map[string]string{
		cloudflare.D1Create(w, "twenty-control-production").String(): `{"d1_databases": [{"binding": "twenty_control_production", "database_name": "twenty-control-production", "database_id": "7f1c9b2e-3d4a-4b5c-8d6e-0f1a2b3c4d5e"}]}`,
		cloudflare.D1Create(w, "twenty-shard-0-production").String(): `"database_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"`,
		cloudflare.KVCreate(w, "twenty-cache-production").String():   `{"kv_namespaces": [{"binding": "twenty_cache_production", "id": "e29b263ab50e42ce9b637fa8370175e8"}]}`,
	}}
	a := newApp(dir, st, f, false, &out)
	if err := a.run(context.Background(), "provision", opts{env: "production"}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	st, err = loadStack(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ph := st.placeholders("production"); len(ph) != 0 {
		t.Errorf("placeholders left in production: %v", ph)
	}
	if ph := st.placeholders("staging"); len(ph) == 0 {
		t.Errorf("staging's placeholders were replaced too")
	}
	dbs, _ := st.databases("production")
	if diff := cmp.Diff([]database{{"CONTROL", "twenty-control-production", "7f1c9b2e-3d4a-4b5c-8d6e-0f1a2b3c4d5e"}, {"DB_0", "twenty-shard-0-production", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"}}, dbs); diff != "" {
		t.Errorf("production databases (-want +got):\n%s", diff)
	}
	b, _ := st.in("auth", "production")
	if b.KV[0].ID != "e29b263ab50e42ce9b637fa8370175e8" || b.D1Databases[0].DatabaseID != "7f1c9b2e-3d4a-4b5c-8d6e-0f1a2b3c4d5e" {
		t.Errorf("auth's production bindings not filled: %+v", b)
	}
}
