// Command ops runs the stack in its environments (docs/operations.md): deploy, rollback, logs,
// metrics, backup, restore and verify, for the local stack (-env local: D1 state under -state)
// and the deployed environments (staging, production). Everything that talks to Cloudflare goes
// through infra/ops/cloudflare: without CLOUDFLARE_API_TOKEN, or with -dry-run, the commands are
// printed, not run.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
)

// app is one run of the CLI.
type app struct {
	root    string // the repository
	st      *stack
	cf      cloudflare.Runner
	dry     bool
	out     io.Writer
	state   string // the local stack's state folder (--persist-to)
	backups string // the local folder of backups
	buf     string // the buf binary
	stdin   io.Reader
	baseURL string // the local stack, for metrics
	now     func() time.Time
}

// opts are the flags of every command.
type opts struct {
	env, service, version, bookmark, backup, database string
	status, workspace, requestID, since               string
	force                                             bool
}

func main() {
	var o opts
	var dry bool
	var root, state, backups, port string
	fs := flag.NewFlagSet("ops", flag.ExitOnError)
	fs.StringVar(&o.env, "env", "local", "local, staging or production")
	fs.StringVar(&o.service, "service", "", "one Worker (deploy, rollback, logs); empty: every Worker")
	fs.StringVar(&o.version, "version", "", "rollback: the Worker version id to return to (default: the previous deployment)")
	fs.StringVar(&o.bookmark, "bookmark", "", "restore: a D1 Time Travel bookmark")
	fs.StringVar(&o.database, "database", "", "restore -bookmark: the database (default: the control database)")
	fs.StringVar(&o.backup, "backup", "", "restore, verify: a backup folder (with manifest.json)")
	fs.StringVar(&o.status, "status", "", "logs: an HTTP status (500), a class (5xx) or error")
	fs.StringVar(&o.workspace, "workspace", "", "logs: a workspace id")
	fs.StringVar(&o.requestID, "request-id", "", "logs: a request id")
	fs.StringVar(&o.since, "since", "1h", "metrics: the window (Go duration)")
	fs.BoolVar(&o.force, "force", false, "rollback: proceed although a migration since makes it unsafe")
	fs.BoolVar(&dry, "dry-run", false, "print the Cloudflare commands instead of running them")
	fs.StringVar(&root, "root", "..", "the repository root")
	fs.StringVar(&state, "state", ".state", "the local stack's state folder (relative to -root)")
	fs.StringVar(&backups, "backups", "build/backups", "the local folder of backups (relative to -root)")
	fs.StringVar(&port, "port", "8787", "the local stack's port (metrics -env local)")
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ops provision|deploy|rollback|logs|metrics|backup|restore|verify [flags]")
		os.Exit(2)
	}
	command := os.Args[1]
	_ = fs.Parse(os.Args[2:])
	root, _ = filepath.Abs(root)
	st, err := loadStack(root)
	if err != nil {
		fatal(err)
	}
	if o.env == "local" {
		o.env = ""
	}
	if o.env != "" && os.Getenv("CLOUDFLARE_API_TOKEN") == "" && !dry {
		fmt.Println("dry run: CLOUDFLARE_API_TOKEN is not set, so nothing is sent to Cloudflare; these are the commands:")
		dry = true
	}
	var runner cloudflare.Runner = cloudflare.Exec{Root: root, Log: os.Stdout}
	if dry {
		runner = cloudflare.DryRun{Out: os.Stdout}
	}
	a := newApp(root, st, runner, dry, os.Stdout)
	a.state, a.backups, a.baseURL = abs(root, state), abs(root, backups), "http://127.0.0.1:"+port
	ctx := context.Background()
	if err := a.run(ctx, command, o); err != nil {
		fatal(err)
	}
}

func (a *app) run(ctx context.Context, command string, o opts) error {
	switch command {
	case "deploy":
		return a.deploy(ctx, o.env, o.service)
	case "rollback":
		return a.rollback(ctx, o.env, o.service, o.version, o.force)
	case "logs":
		return a.logs(ctx, o)
	case "metrics":
		return a.metrics(ctx, o.env, o.since)
	case "backup":
		_, err := a.backup(ctx, o.env, "backup")
		return err
	case "restore":
		return a.restore(ctx, o.env, o.backup, o.bookmark, o.database)
	case "verify":
		return a.verify(ctx, o.env, o.backup)
	case "provision":
		return a.provision(ctx, o.env)
	}
	return fmt.Errorf("unknown command %q: provision, deploy, rollback, logs, metrics, backup, restore or verify", command)
}

func newApp(root string, st *stack, runner cloudflare.Runner, dry bool, out io.Writer) *app {
	return &app{root: root, st: st, cf: runner, dry: dry, out: out, state: filepath.Join(root, ".state"),
		backups: filepath.Join(root, "build", "backups"), buf: filepath.Join(root, "node_modules", ".bin", "buf"),
		stdin: os.Stdin, baseURL: "http://127.0.0.1:8787", now: time.Now}
}

func abs(root, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "ops:", err)
	os.Exit(1)
}

func (a *app) printf(format string, args ...any) { fmt.Fprintf(a.out, format, args...) }

// git runs git in the repository and answers its trimmed output.
func (a *app) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = a.root
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		return "", fmt.Errorf("git %s: %w %s", strings.Join(args, " "), err, stderr)
	}
	return strings.TrimSpace(string(out)), nil
}

// worker is svc's config in env.
func (a *app) worker(svc, env string) cloudflare.Worker {
	return cloudflare.Worker{Config: a.st.configPath(svc), Env: env, PersistTo: a.state}
}
