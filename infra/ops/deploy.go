package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
)

// deployed is what an environment runs of a Worker: its version and the commit it was built from
// (the version's tag, which deploy sets). Both are "" when unknown: never deployed, deployed by
// hand, or a dry run.
type deployed struct {
	Version, Commit string
}

// current reads svc's deployed version and its commit.
func (a *app) current(ctx context.Context, env, svc string) (deployed, error) {
	out, err := a.cf.Run(ctx, cloudflare.DeploymentsList(a.worker(svc, env)))
	if err != nil {
		return deployed{}, err
	}
	ds, err := cloudflare.ParseDeployments(out)
	if err != nil || len(ds) == 0 {
		return deployed{}, err
	}
	return a.version(ctx, env, svc, ds[0].Main())
}

// version reads one version's commit.
func (a *app) version(ctx context.Context, env, svc, id string) (deployed, error) {
	out, err := a.cf.Run(ctx, cloudflare.VersionsView(a.worker(svc, env), id))
	if err != nil {
		return deployed{}, err
	}
	v, err := cloudflare.ParseVersion(out)
	if err != nil {
		return deployed{}, err
	}
	return deployed{Version: id, Commit: v.Annotations.Tag}, nil
}

// deploy deploys every Worker of env in dependency order (the control database's migrations
// first, the gateway last), or only svc, each as a version tagged with the commit.
func (a *app) deploy(ctx context.Context, env, only string) error {
	start := a.now()
	if env == "" {
		return errors.New("deploy: the local stack is `make dev`; ENV=staging or ENV=production")
	}
	targets := a.st.deployOrder()
	if only != "" {
		if !slices.Contains(services, only) {
			return fmt.Errorf("deploy: no Worker %q (%s)", only, strings.Join(services, ", "))
		}
		targets = []string{only}
	}
	commit, err := a.git(ctx, "rev-parse", "--short=12", "HEAD")
	if err != nil {
		return err
	}
	subject, err := a.git(ctx, "log", "-1", "--format=%s")
	if err != nil {
		return err
	}
	a.printf("deploy %s: %s at commit %s (%s)\n", env, strings.Join(targets, ", "), commit, subject)
	if ph := a.st.placeholders(env); len(ph) > 0 {
		if !a.dry {
			return fmt.Errorf("deploy: %s still holds placeholder ids (docs/operations.md, first deploy):\n  %s", env, strings.Join(ph, "\n  "))
		}
		a.printf("note: %d binding ids of %s are placeholders; a real deploy refuses them until they are filled\n", len(ph), env)
	}
	if dirty, err := a.git(ctx, "status", "--porcelain", "--", "services", "shared", "proto", "migrations"); err != nil {
		return err
	} else if dirty != "" {
		if !a.dry {
			return errors.New("deploy: uncommitted changes under services, shared, proto or migrations: a version must be a commit")
		}
		a.printf("note: uncommitted changes; a real deploy refuses them\n")
	}

	// What runs now, and whether the new contracts suit it.
	now := map[string]deployed{}
	for _, svc := range services {
		d, err := a.current(ctx, env, svc)
		if err != nil {
			return err
		}
		now[svc] = d
	}
	if err := a.checkContracts(ctx, "HEAD", targets, now); err != nil {
		return err
	}

	// Bookmarks before anything changes, then the migrations.
	if err := a.bookmarks(ctx, env, "before deploy of "+commit); err != nil {
		return err
	}
	if slices.ContainsFunc(targets, func(s string) bool { return a.bindsControl(env, s) }) {
		w := a.worker("auth", env)
		if _, err := a.cf.Run(ctx, cloudflare.D1MigrationsList(w, "CONTROL")); err != nil {
			return err
		}
		if _, err := a.cf.Run(ctx, cloudflare.D1MigrationsApply(w, "CONTROL")); err != nil {
			return err
		}
	}

	message := truncate(commit+" "+subject, 100)
	for _, svc := range targets {
		w := a.worker(svc, env)
		prev := now[svc]
		if prev.Commit == "" && a.dry {
			a.printf("%s: the deployed version's commit is read above; what changed is `git log <that commit>..HEAD -- services/%s shared proto migrations`\n", svc, svc)
			a.printf("%s: (a first deploy, with no version deployed, runs `wrangler deploy --tag --message` instead)\n", svc)
		} else if prev.Commit == "" {
			a.printf("%s: no deployed version with a commit known: first deploy\n", svc)
			out, err := a.cf.Run(ctx, cloudflare.Deploy(w, commit, message))
			if err != nil {
				return err
			}
			a.printf("%s: deployed version %s\n", svc, cloudflare.ParseUploadedVersion(out))
			if err := a.ensureSecrets(ctx, env, svc); err != nil {
				return err
			}
			continue
		}
		if prev.Commit != "" {
			changes, err := a.git(ctx, "log", "--oneline", "--no-decorate", prev.Commit+"..HEAD", "--", "services/"+svc, "shared", "proto", "migrations")
			if err != nil {
				return err
			}
			if changes == "" {
				changes = "(no commit touches services/" + svc + ", shared, proto or migrations)"
			}
			a.printf("%s: %s -> %s, what changed:\n  %s\n", svc, prev.Commit, commit, strings.ReplaceAll(changes, "\n", "\n  "))
		}
		out, err := a.cf.Run(ctx, cloudflare.VersionsUpload(w, commit, message))
		if err != nil {
			return err
		}
		id := orUnknown(cloudflare.ParseUploadedVersion(out), "<version id printed by the upload>")
		if _, err := a.cf.Run(ctx, cloudflare.VersionsDeploy(w, id, "deploy "+commit)); err != nil {
			return err
		}
	}
	a.printf("deploy %s: %d Worker(s) in %s\n", env, len(targets), a.now().Sub(start).Round(time.Millisecond))
	return nil
}

func (a *app) bindsControl(env, svc string) bool {
	b, err := a.st.in(svc, env)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(b.D1Databases, func(d struct {
		Binding      string `json:"binding"`
		DatabaseName string `json:"database_name"`
		DatabaseID   string `json:"database_id"`
	}) bool {
		return d.Binding == "CONTROL"
	})
}

func orUnknown(s, unknown string) string {
	if s == "" {
		return unknown
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}

// checkContracts refuses when a Worker of targets, at rev, breaks what the Workers around it
// speak: its own contract must still serve its callers' deployed version (callers not deployed
// with it), and the Workers it calls that are not deployed with it must serve what it calls.
func (a *app) checkContracts(ctx context.Context, rev string, targets []string, now map[string]deployed) error {
	var problems []string
	for _, svc := range targets {
		for _, caller := range a.st.callers(svc) {
			c := now[caller].Commit
			if c == "" || slices.Index(targets, caller) >= 0 && slices.Index(targets, caller) < slices.Index(targets, svc) {
				continue
			}
			if msg := a.breaking(ctx, svc, rev, c); msg != "" {
				problems = append(problems, fmt.Sprintf("%s's contract at %s breaks its caller %s (deployed at %s):\n%s", svc, rev, caller, c, msg))
			}
		}
		for _, callee := range a.st.callees(svc) {
			c := now[callee].Commit
			if c == "" || slices.Contains(targets, callee) {
				continue
			}
			if msg := a.breaking(ctx, callee, c, rev); msg != "" {
				problems = append(problems, fmt.Sprintf("%s at %s calls %s, whose deployed contract (%s) lacks it:\n%s", svc, rev, callee, c, msg))
			}
		}
	}
	checked := 0
	for _, svc := range targets {
		checked += len(a.st.callers(svc)) + len(a.st.callees(svc))
	}
	if len(problems) > 0 {
		return fmt.Errorf("refused: incompatible Connect contracts (buf breaking, WIRE_JSON):\n%s", strings.Join(problems, "\n"))
	}
	a.printf("contracts: compatible with every deployed caller and callee whose commit is known\n")
	return nil
}

// breaking runs buf breaking over svc's contract (proto/twenty/<svc> and common) at input
// against the one at against (revisions: HEAD is the working tree), answering its complaints.
func (a *app) breaking(ctx context.Context, svc, input, against string) string {
	ref := func(rev string) string {
		if rev == "HEAD" {
			return "."
		}
		return ".git#ref=" + rev + ",depth=1000"
	}
	args := []string{"breaking", ref(input), "--against", ref(against), "--path", "proto/twenty/" + svc, "--path", "proto/twenty/common"}
	cmd := exec.CommandContext(ctx, a.buf, args...)
	cmd.Dir = a.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "  buf " + strings.Join(args, " ") + "\n  " + strings.ReplaceAll(strings.TrimSpace(string(out)), "\n", "\n  ")
	}
	return ""
}

// bookmarks records every database's current Time Travel bookmark (deployed environments) in
// build/ops/<env>/bookmarks.log and prints it: the point a restore returns to.
func (a *app) bookmarks(ctx context.Context, env, reason string) error {
	if env == "" {
		return nil
	}
	dbs, err := a.st.databases(env)
	if err != nil {
		return err
	}
	for _, d := range dbs {
		out, err := a.cf.Run(ctx, cloudflare.D1Bookmark(a.worker("records", env), d.Name))
		if err != nil {
			return err
		}
		b, err := cloudflare.ParseBookmark(out)
		if err != nil {
			return err
		}
		a.printf("bookmark %s: %s (%s)\n", d.Name, orUnknown(b, "<printed by time-travel info>"), reason)
		if b != "" {
			if err := a.appendLog(env, "bookmarks.log", fmt.Sprintf("%s %s %s %s\n", a.now().UTC().Format(time.RFC3339), d.Name, b, reason)); err != nil {
				return err
			}
		}
	}
	return nil
}

// rollback returns svc (every Worker, the gateway first, when empty) of env to version (default:
// the one deployed before the current), refusing where a migration applied since would leave the
// older code on a schema it does not know, or where the older contract breaks the callers.
func (a *app) rollback(ctx context.Context, env, only, version string, force bool) error {
	if env == "" {
		return errors.New("rollback: ENV=staging or ENV=production")
	}
	targets := slices.Clone(a.st.deployOrder())
	slices.Reverse(targets)
	if only != "" {
		if !slices.Contains(services, only) {
			return fmt.Errorf("rollback: no Worker %q", only)
		}
		targets = []string{only}
	} else if version != "" {
		return errors.New("rollback: VERSION names one Worker's version: give SERVICE too")
	}
	now := map[string]deployed{}
	for _, svc := range services {
		d, err := a.current(ctx, env, svc)
		if err != nil {
			return err
		}
		now[svc] = d
	}
	for _, svc := range targets {
		w := a.worker(svc, env)
		cur := now[svc]
		to := version
		if to == "" {
			out, err := a.cf.Run(ctx, cloudflare.DeploymentsList(w))
			if err != nil {
				return err
			}
			ds, err := cloudflare.ParseDeployments(out)
			if err != nil {
				return err
			}
			for _, d := range ds {
				if m := d.Main(); m != "" && m != cur.Version {
					to = m
					break
				}
			}
		}
		if to == "" && a.dry {
			a.printf("%s: the previous version is read from the deployments above\n", svc)
			to = "<previous version id>"
		} else if to == "" {
			return fmt.Errorf("rollback %s: no earlier deployment to return to", svc)
		}
		target := deployed{Version: to}
		if !a.dry || version != "" {
			t, err := a.version(ctx, env, svc, to)
			if err != nil {
				return err
			}
			target = t
		}
		a.printf("rollback %s %s: %s (commit %s) -> %s (commit %s)\n", env, svc, orUnknown(cur.Version, "<current>"), orUnknown(cur.Commit, "?"), to, orUnknown(target.Commit, "?"))
		if err := a.rollbackSafe(ctx, svc, cur, target, now, force); err != nil {
			return err
		}
		if _, err := a.cf.Run(ctx, cloudflare.Rollback(w, to, truncate("rollback to "+orUnknown(target.Commit, to), 100))); err != nil {
			return err
		}
		now[svc] = target
	}
	return nil
}

// rollbackSafe refuses a rollback from cur to target when a migration added since target's
// commit is not additive, or when target's contract breaks svc's callers.
func (a *app) rollbackSafe(ctx context.Context, svc string, cur, target deployed, now map[string]deployed, force bool) error {
	if cur.Commit == "" || target.Commit == "" {
		if a.dry {
			a.printf("checks: migrations and contracts are compared once both versions' commits are read\n")
			return nil
		}
		if !force {
			return fmt.Errorf("refused: rollback of %s: a version carries no commit tag, so the migrations since cannot be checked (FORCE=1 to roll back anyway)", svc)
		}
		return nil
	}
	added, err := a.migrationsBetween(ctx, target.Commit, cur.Commit)
	if err != nil {
		return err
	}
	var unsafe []string
	for _, m := range added {
		if reason := unsafeMigration(m.sql); reason != "" {
			unsafe = append(unsafe, fmt.Sprintf("%s: %s", m.name, reason))
		} else {
			a.printf("migration %s (applied since %s) only adds: the older code ignores it\n", m.name, target.Commit)
		}
	}
	if len(unsafe) > 0 && !force {
		return fmt.Errorf("refused: rollback of %s to %s: migrations applied since then change what the older code reads:\n  %s\n"+
			"restore the databases to the bookmark taken before that deploy (make restore), or FORCE=1", svc, target.Commit, strings.Join(unsafe, "\n  "))
	}
	rest := map[string]deployed{}
	for k, v := range now {
		rest[k] = v
	}
	return a.checkContracts(ctx, target.Commit, []string{svc}, rest)
}

type migration struct{ name, sql string }

// migrationsBetween lists the migrations in migrations/ at to that are not at from.
func (a *app) migrationsBetween(ctx context.Context, from, to string) ([]migration, error) {
	list := func(rev string) ([]string, error) {
		out, err := a.git(ctx, "ls-tree", "--name-only", rev, "migrations/")
		if err != nil {
			return nil, err
		}
		var names []string
		for _, n := range strings.Split(out, "\n") {
			if strings.HasSuffix(n, ".sql") {
				names = append(names, n)
			}
		}
		return names, nil
	}
	old, err := list(from)
	if err != nil {
		return nil, err
	}
	cur, err := list(to)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range cur {
		if slices.Contains(old, n) {
			continue
		}
		body, err := a.git(ctx, "show", to+":"+n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{strings.TrimPrefix(n, "migrations/"), body})
	}
	return out, nil
}

var (
	sqlComment = regexp.MustCompile(`(?m)--.*$`)
	additive   = []*regexp.Regexp{
		regexp.MustCompile(`(?is)^CREATE\s+(TABLE|(UNIQUE\s+)?INDEX)\b`),
		regexp.MustCompile(`(?is)^INSERT\b`),
	}
	addColumn = regexp.MustCompile(`(?is)^ALTER\s+TABLE\s+\S+\s+ADD\s+(COLUMN\s+)?`)
)

// unsafeMigration answers why code older than migration sql would not run on its schema, or ""
// when it only adds (tables, indexes, rows, nullable or defaulted columns), which older code
// ignores.
func unsafeMigration(sql string) string {
	for _, stmt := range strings.Split(sqlComment.ReplaceAllString(sql, ""), ";") {
		stmt = strings.Join(strings.Fields(stmt), " ")
		if stmt == "" {
			continue
		}
		if slices.ContainsFunc(additive, func(re *regexp.Regexp) bool { return re.MatchString(stmt) }) {
			continue
		}
		if addColumn.MatchString(stmt) {
			upper := strings.ToUpper(stmt)
			if strings.Contains(upper, "NOT NULL") && !strings.Contains(upper, "DEFAULT") {
				return "adds a NOT NULL column without a default (older code's inserts fail): " + truncate(stmt, 120)
			}
			continue
		}
		return "not only additive: " + truncate(stmt, 120)
	}
	return ""
}

func (a *app) appendLog(env, name, line string) error {
	return appendFile(a.root, "build/ops/"+env+"/"+name, line)
}
