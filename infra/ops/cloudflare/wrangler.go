package cloudflare

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Worker names one Worker's wrangler config in one environment: Env "" is the local stack (the
// config's top level, state under PersistTo), anything else a deployed environment's section.
type Worker struct {
	Config    string
	Env       string
	PersistTo string
}

// Local reports whether w is the local stack.
func (w Worker) Local() bool { return w.Env == "" }

func (w Worker) flags() []string {
	if w.Local() {
		return []string{"-c", w.Config}
	}
	return []string{"--env", w.Env, "-c", w.Config}
}

// d1Flags are a D1 command's: local state or the remote database.
func (w Worker) d1Flags() []string {
	if w.Local() {
		return []string{"--local", "--persist-to", w.PersistTo, "-c", w.Config}
	}
	return append([]string{"--remote"}, w.flags()...)
}

func cmd(read bool, args ...[]string) Command {
	var all []string
	for _, a := range args {
		all = append(all, a...)
	}
	return Command{Args: all, Read: read}
}

// --- Worker versions and deployments ----------------------------------------------------------

// VersionsUpload uploads a new version of the Worker, tagged with the git commit.
func VersionsUpload(w Worker, tag, message string) Command {
	return cmd(false, []string{"versions", "upload"}, w.flags(), []string{"--tag", tag, "--message", message})
}

// Deploy uploads and deploys in one step (a Worker's first deploy, or one that carries Durable
// Object migrations, which versions upload refuses), tagged like VersionsUpload.
func Deploy(w Worker, tag, message string) Command {
	return cmd(false, []string{"deploy"}, w.flags(), []string{"--tag", tag, "--message", message})
}

// VersionsDeploy sends all traffic to version id.
func VersionsDeploy(w Worker, id, message string) Command {
	return cmd(false, []string{"versions", "deploy", id + "@100%"}, w.flags(), []string{"--message", message, "--yes"})
}

// Rollback returns the Worker to version id.
func Rollback(w Worker, id, message string) Command {
	return cmd(false, []string{"rollback", id}, w.flags(), []string{"--message", message, "--yes"})
}

// DeploymentsList lists the Worker's recent deployments.
func DeploymentsList(w Worker) Command {
	return cmd(true, []string{"deployments", "list", "--json"}, w.flags())
}

// VersionsView shows one version with its annotations (tag, message).
func VersionsView(w Worker, id string) Command {
	return cmd(true, []string{"versions", "view", id, "--json"}, w.flags())
}

// Deployment is one of wrangler's deployments: which versions took the traffic, from when.
type Deployment struct {
	ID        string `json:"id"`
	CreatedOn string `json:"created_on"`
	Versions  []struct {
		VersionID  string  `json:"version_id"`
		Percentage float64 `json:"percentage"`
	} `json:"versions"`
}

// Main is the version taking the most traffic.
func (d Deployment) Main() string {
	best, pct := "", -1.0
	for _, v := range d.Versions {
		if v.Percentage > pct {
			best, pct = v.VersionID, v.Percentage
		}
	}
	return best
}

// ParseDeployments reads DeploymentsList's output, newest first. Empty output (a dry run, a
// Worker never deployed) is no deployment.
func ParseDeployments(out []byte) ([]Deployment, error) {
	if len(strings.TrimSpace(string(out))) == 0 {
		return nil, nil
	}
	var ds []Deployment
	if err := json.Unmarshal(out, &ds); err != nil {
		return nil, fmt.Errorf("wrangler deployments list: %w", err)
	}
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].CreatedOn > ds[j].CreatedOn })
	return ds, nil
}

// Version is a Worker version with the annotations this CLI writes.
type Version struct {
	ID          string `json:"id"`
	Annotations struct {
		Tag     string `json:"workers/tag"`
		Message string `json:"workers/message"`
	} `json:"annotations"`
}

// ParseVersion reads VersionsView's output.
func ParseVersion(out []byte) (Version, error) {
	var v Version
	if len(strings.TrimSpace(string(out))) == 0 {
		return v, nil
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return v, fmt.Errorf("wrangler versions view: %w", err)
	}
	return v, nil
}

var versionIDLine = regexp.MustCompile(`Worker Version ID:\s*([0-9a-fA-F-]{36})`)

// ParseUploadedVersion finds the version id in VersionsUpload's or Deploy's output; "" when
// absent (a dry run).
func ParseUploadedVersion(out []byte) string {
	if m := versionIDLine.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return ""
}

// --- logs and secrets -------------------------------------------------------------------------

// Tail streams the Worker's logs as JSON; status filters invocations by outcome (ok, error,
// canceled), search by a text in the log lines.
func Tail(w Worker, status []string, search string) Command {
	c := cmd(true, []string{"tail"}, w.flags(), []string{"--format", "json"})
	for _, s := range status {
		c.Args = append(c.Args, "--status", s)
	}
	if search != "" {
		c.Args = append(c.Args, "--search", search)
	}
	return c
}

// SecretPut sets a secret of the Worker, its value read from stdin.
func SecretPut(w Worker, name string, value []byte) Command {
	c := cmd(false, []string{"secret", "put", name}, w.flags())
	c.Stdin = value
	return c
}

// --- D1 ---------------------------------------------------------------------------------------

// D1Export writes the database's SQL dump (schema and data; virtual tables excluded) to file.
func D1Export(w Worker, db, file string) Command {
	// Locally, export has no --persist-to: it reads <config's folder>/.wrangler/state, so the
	// caller names a config placed for that (infra/ops, exportWorker).
	flags := w.d1Flags()
	if w.Local() {
		flags = []string{"--local", "-c", w.Config}
	}
	return cmd(true, []string{"d1", "export", db}, flags, []string{"--output", file, "--skip-confirmation"})
}

// D1Query runs statements and answers their results as JSON.
func D1Query(w Worker, db, sql string, read bool) Command {
	return cmd(read, []string{"d1", "execute", db}, w.d1Flags(), []string{"--command", sql, "--json", "--yes"})
}

// D1ExecuteFile runs a SQL file (a backup) against the database.
func D1ExecuteFile(w Worker, db, file string) Command {
	return cmd(false, []string{"d1", "execute", db}, w.d1Flags(), []string{"--file", file, "--yes"})
}

// D1MigrationsList lists the migrations not yet applied.
func D1MigrationsList(w Worker, binding string) Command {
	return cmd(true, []string{"d1", "migrations", "list", binding}, w.d1Flags())
}

// D1MigrationsApply applies the pending migrations.
func D1MigrationsApply(w Worker, binding string) Command {
	return cmd(false, []string{"d1", "migrations", "apply", binding}, w.d1Flags())
}

// D1Bookmark asks for the database's current Time Travel bookmark.
func D1Bookmark(w Worker, db string) Command {
	return cmd(true, []string{"d1", "time-travel", "info", db, "--json"}, w.flags())
}

// D1RestoreBookmark restores the database to a Time Travel bookmark (--json: no prompt).
func D1RestoreBookmark(w Worker, db, bookmark string) Command {
	return cmd(false, []string{"d1", "time-travel", "restore", db, "--bookmark", bookmark, "--json"}, w.flags())
}

// ParseBookmark reads D1Bookmark's output; "" when empty (a dry run).
func ParseBookmark(out []byte) (string, error) {
	if len(strings.TrimSpace(string(out))) == 0 {
		return "", nil
	}
	var b struct {
		Bookmark string `json:"bookmark"`
	}
	if err := json.Unmarshal(out, &b); err != nil {
		return "", fmt.Errorf("wrangler d1 time-travel info: %w", err)
	}
	return b.Bookmark, nil
}

// ParseRows reads D1Query's output: the rows of each statement's result.
func ParseRows(out []byte) ([][]map[string]any, error) {
	if len(strings.TrimSpace(string(out))) == 0 {
		return nil, nil
	}
	var res []struct {
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("wrangler d1 execute: %w: %.200s", err, out)
	}
	rows := make([][]map[string]any, len(res))
	for i, r := range res {
		rows[i] = r.Results
	}
	return rows, nil
}

// --- R2 ---------------------------------------------------------------------------------------

// R2Put stores file at bucket/key.
func R2Put(w Worker, bucket, key, file string) Command {
	c := cmd(false, []string{"r2", "object", "put", bucket + "/" + key, "--file", file})
	return withR2Flags(c, w)
}

// R2Get fetches bucket/key into file.
func R2Get(w Worker, bucket, key, file string) Command {
	c := cmd(true, []string{"r2", "object", "get", bucket + "/" + key, "--file", file})
	return withR2Flags(c, w)
}

func withR2Flags(c Command, w Worker) Command {
	if w.Local() {
		c.Args = append(c.Args, "--local", "--persist-to", w.PersistTo, "-c", w.Config)
	} else {
		c.Args = append(c.Args, "--remote")
		c.Args = append(c.Args, w.flags()...)
	}
	return c
}

// --- Analytics Engine -------------------------------------------------------------------------

// AnalyticsSQL queries Workers Analytics Engine's SQL API.
func AnalyticsSQL(sql string) Command {
	return Command{Read: true, HTTP: &HTTPCall{Method: "POST", Path: "/accounts/$CLOUDFLARE_ACCOUNT_ID/analytics_engine/sql", Body: sql}}
}

// --- provisioning -----------------------------------------------------------------------------

// D1Create creates a D1 database; its id is in the output (ParseID).
func D1Create(w Worker, name string) Command {
	return cmd(false, []string{"d1", "create", name}, w.flags())
}

// KVCreate creates a KV namespace; its id is in the output (ParseID).
func KVCreate(w Worker, title string) Command {
	return cmd(false, []string{"kv", "namespace", "create", title}, w.flags())
}

// R2Create creates an R2 bucket.
func R2Create(w Worker, bucket string) Command {
	return cmd(false, []string{"r2", "bucket", "create", bucket}, w.flags())
}

// R2Cors sets a bucket's CORS policy from file.
func R2Cors(w Worker, bucket, file string) Command {
	return cmd(false, []string{"r2", "bucket", "cors", "set", bucket, "--file", file, "--force"}, w.flags())
}

// QueueCreate creates a queue.
func QueueCreate(w Worker, name string) Command {
	return cmd(false, []string{"queues", "create", name}, w.flags())
}

// SecretList lists the Worker's secrets' names as JSON.
func SecretList(w Worker) Command {
	return cmd(true, []string{"secret", "list", "--format", "json"}, w.flags())
}

var (
	uuidRE  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	kvIDRE  = regexp.MustCompile(`"?id"?\s*[:=]\s*"([0-9a-f]{32})"`)
	secretR = regexp.MustCompile(`"name"\s*:\s*"([^"]+)"`)
)

// ParseD1ID finds the new database's id in D1Create's output; "" when absent (a dry run).
func ParseD1ID(out []byte) string { return string(uuidRE.Find(out)) }

// ParseKVID finds the new namespace's id in KVCreate's output; "" when absent.
func ParseKVID(out []byte) string {
	if m := kvIDRE.FindSubmatch(out); m != nil {
		return string(m[1])
	}
	return ""
}

// ParseSecretNames reads SecretList's output.
func ParseSecretNames(out []byte) []string {
	var names []string
	for _, m := range secretR.FindAllSubmatch(out, -1) {
		names = append(names, string(m[1]))
	}
	return names
}
