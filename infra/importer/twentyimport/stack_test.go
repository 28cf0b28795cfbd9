//go:build importe2e

package twentyimport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/twentyworkers/twenty/infra/devstack"
	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
)

// appSecret is the imported installation's APP_SECRET, which the stack is given so that its
// API keys keep working.
const appSecret = "import-e2e-twenty-app-secret"

// TestImportIntoTheLocalStack is issue #20's test: a Twenty database built from Twenty's schema
// with a 10,000-person workspace is imported into a local stack's state folder (interrupted once
// and resumed), verified, and then served by the real stack: the user logs in with the password
// they had in Twenty, the Twenty API key works, and REST and GraphQL answer what PostgreSQL holds.
func TestImportIntoTheLocalStack(t *testing.T) {
	admin := pgURL(t)
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	storage := t.TempDir()
	sizes := pgfixture.Sizes{People: 10000, Companies: 2000, Opportunities: 1000, Notes: 500, Rockets: 50, Storage: storage, Files: 4}
	pgDB, f, err := pgfixture.Build(t.Context(), admin, "twenty_import_e2e", sizes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pgfixture.Drop(context.Background(), admin, "twenty_import_e2e") })
	state := t.TempDir()
	migrateState(t, root, state)

	var out bytes.Buffer
	if _, err := Run(t.Context(), Options{PG: pgDB, State: state, Storage: storage, Root: root, Out: &out, stop: func(object string, done int64) bool { return object == "person" && done >= 4000 }}); err == nil {
		t.Fatal("the interrupted import did not stop")
	}
	out.Reset()
	start := time.Now()
	res, err := Run(t.Context(), Options{PG: pgDB, State: state, Storage: storage, Root: root, Out: &out})
	t.Logf("import (resumed) in %s:\n%s", time.Since(start).Round(time.Millisecond), out.String())
	if err != nil {
		t.Fatal(err)
	}
	if res.Failures() != 0 {
		t.Fatalf("verification: %d failures", res.Failures())
	}
	if m := regexp.MustCompile(`copy person\s+10000/10000\s+rows\s+(\d+) rows/s`).FindStringSubmatch(out.String()); m != nil {
		t.Logf("person rows/s into local D1 (the part copied after the resume): %s", m[1])
	}

	// The same import shipped as to a deployed environment (SQL files through wrangler d1 execute
	// --file, objects through wrangler r2 object put), into a second local state folder, twice.
	shipped := t.TempDir()
	migrateState(t, root, shipped)
	for i := range 2 {
		out.Reset()
		start := time.Now()
		ship := &Ship{Root: root, Dir: t.TempDir(), Flags: []string{"--local", "--persist-to", shipped}}
		if _, err := Run(t.Context(), Options{PG: pgDB, State: state, Storage: storage, Root: root, Ship: ship, Out: &out}); err != nil {
			t.Fatalf("ship %d: %v\n%s", i+1, err, out.String())
		}
		t.Logf("ship %d in %s", i+1, time.Since(start).Round(time.Millisecond))
	}
	verifyShipped(t, pgDB, shipped, storage)

	stack := startStack(t, root, state)
	c := client{t: t, base: stack.BaseURL}

	// The user logs in with the password they had in Twenty.
	var lt struct {
		GetLoginTokenFromCredentials struct{ LoginToken struct{ Token string } }
	}
	c.gql("/metadata", "", `mutation($e: String!, $p: String!) { getLoginTokenFromCredentials(email: $e, password: $p, origin: "http://localhost:3001/") { loginToken { token } } }`,
		map[string]any{"e": f.Email, "p": f.Password}, &lt)
	var tokens struct {
		GetAuthTokensFromLoginToken struct {
			Tokens struct{ AccessOrWorkspaceAgnosticToken struct{ Token string } }
		}
	}
	c.gql("/metadata", "", `mutation($t: String!) { getAuthTokensFromLoginToken(loginToken: $t, origin: "http://localhost:3001/") { tokens { accessOrWorkspaceAgnosticToken { token } } } }`,
		map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token}, &tokens)
	access := tokens.GetAuthTokensFromLoginToken.Tokens.AccessOrWorkspaceAgnosticToken.Token
	var me struct {
		CurrentUser struct {
			ID               string
			CurrentWorkspace struct{ ID string }
			WorkspaceMember  struct{ ID string }
		}
	}
	c.gql("/metadata", access, `{ currentUser { id currentWorkspace { id } workspaceMember { id } } }`, nil, &me)
	if me.CurrentUser.ID != f.UserID || me.CurrentUser.CurrentWorkspace.ID != f.WorkspaceID || me.CurrentUser.WorkspaceMember.ID != f.MemberID {
		t.Errorf("currentUser = %+v, want user %s in %s as member %s", me.CurrentUser, f.UserID, f.WorkspaceID, f.MemberID)
	}

	// The Twenty API key, signed as Twenty signs it with the old APP_SECRET, works.
	key := twentyAPIKey(f.WorkspaceID, f.APIKeyID)

	pg, err := pgx.Connect(t.Context(), pgDB)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(context.Background())
	ws := pgx.Identifier{f.Schema}.Sanitize()
	count := func(q string, args ...any) int {
		var n int
		if err := pg.QueryRow(t.Context(), q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	ids := func(q string, args ...any) []string {
		rows, err := pg.Query(t.Context(), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil || len(out) == 0 {
			t.Fatalf("%s: %d rows, %v", q, len(out), err)
		}
		return out
	}

	for _, tok := range []struct{ name, token string }{{"user", access}, {"api key", key}} {
		t.Run("REST as "+tok.name, func(t *testing.T) {
			c := client{t: t, base: stack.BaseURL}
			var people struct{ TotalCount int }
			c.get("/rest/people?limit=1", tok.token, &people)
			if want := count(`SELECT count(*) FROM ` + ws + `.person WHERE "deletedAt" IS NULL`); people.TotalCount != want {
				t.Errorf("people totalCount = %d, want %d", people.TotalCount, want)
			}
			var hydrogen struct {
				Data struct {
					Rockets []struct{ ID, BuilderID string }
				}
				TotalCount int
			}
			c.get("/rest/rockets?limit=200&filter="+url.QueryEscape("fuel[eq]:HYDROGEN")+"&order_by=position", tok.token, &hydrogen)
			want := ids(`SELECT id::text FROM ` + ws + `._rocket WHERE fuel = 'HYDROGEN' AND "deletedAt" IS NULL ORDER BY position`)
			var got []string
			for _, r := range hydrogen.Data.Rockets {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("HYDROGEN rockets (-postgres +stack):\n%s", diff)
			}
			var companies struct {
				Data struct{ Companies []struct{ ID string } }
			}
			c.get("/rest/companies?limit=20&order_by=name[DescNullsLast]", tok.token, &companies)
			want = ids(`SELECT id::text FROM ` + ws + `.company WHERE "deletedAt" IS NULL ORDER BY name COLLATE "C" DESC LIMIT 20`)
			got = nil
			for _, r := range companies.Data.Companies {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("companies by name (-postgres +stack):\n%s", diff)
			}
		})
	}

	t.Run("one person, field by field", func(t *testing.T) {
		var p struct {
			ID                         string
			First, Last, Email, JobTit string
			CompanyID                  *string
			CreatedAt                  string
			Position                   float64
		}
		if err := pg.QueryRow(t.Context(), `SELECT id::text, "nameFirstName", "nameLastName", "emailsPrimaryEmail", "jobTitle", "companyId"::text,
`+tsExpr(`"createdAt"`)+`, position FROM `+ws+`.person WHERE "companyId" IS NOT NULL AND "emailsPrimaryEmail" IS NOT NULL AND "deletedAt" IS NULL ORDER BY id LIMIT 1`).
			Scan(&p.ID, &p.First, &p.Last, &p.Email, &p.JobTit, &p.CompanyID, &p.CreatedAt, &p.Position); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Data struct {
				Person struct {
					ID     string
					Name   struct{ FirstName, LastName string }
					Emails struct {
						PrimaryEmail     string
						AdditionalEmails []string
					}
					JobTitle  string
					CompanyID *string
					CreatedAt string
					Position  float64
				}
			}
		}
		c.get("/rest/people/"+p.ID, key, &got)
		g := got.Data.Person
		want := []any{p.ID, p.First, p.Last, p.Email, []string{"alt@example.com"}, p.JobTit, *p.CompanyID, p.CreatedAt, p.Position}
		have := []any{g.ID, g.Name.FirstName, g.Name.LastName, g.Emails.PrimaryEmail, g.Emails.AdditionalEmails, g.JobTitle, deref(g.CompanyID), g.CreatedAt, g.Position}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("person %s (-postgres +stack):\n%s", p.ID, diff)
		}
	})

	t.Run("the CLI's REST verification", func(t *testing.T) {
		var b bytes.Buffer
		res, err := Run(t.Context(), Options{PG: pgDB, RESTBase: stack.BaseURL, RESTToken: key, Out: &b})
		t.Logf("REST verification:\n%s", b.String())
		if err != nil {
			t.Fatal(err)
		}
		if n := res.Failures(); n != 0 || len(res) < 15 {
			t.Errorf("%d REST mismatches in %d checks", n, len(res))
		}
	})

	t.Run("refused while the stack runs", func(t *testing.T) {
		_, err := Run(t.Context(), Options{PG: pgDB, State: state, Out: io.Discard})
		if !errors.Is(err, ErrStackRunning) {
			t.Errorf("import into the running stack's state = %v, want ErrStackRunning", err)
		}
	})

	t.Run("files in R2", func(t *testing.T) {
		paths := ids(`SELECT path FROM core."file" WHERE "workspaceId" = $1 AND "deletedAt" IS NULL ORDER BY path`, f.WorkspaceID)
		for _, p := range paths {
			local, err := locateFile(storage, f.WorkspaceID, p)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := os.ReadFile(local)
			resp, err := http.Get(stack.BaseURL + "/__dev/svc/files/objects/" + f.WorkspaceID + "/" + p)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
				t.Errorf("R2 object %s = %d, %d bytes; want the %d bytes of %s", p, resp.StatusCode, len(got), len(want), local)
			}
		}
	})

	t.Run("GraphQL", func(t *testing.T) {
		var r struct {
			Opportunities struct{ TotalCount int }
			Notes         struct {
				Edges []struct {
					Node struct {
						ID          string
						NoteTargets struct {
							Edges []struct {
								Node struct{ ID, RocketID, PersonID, CompanyID, OpportunityID *string }
							}
						}
					}
				}
			}
		}
		c.gql("/graphql", access, `{ opportunities(filter: {stage: {eq: MEETING}}) { totalCount }
notes(first: 10, orderBy: [{position: AscNullsFirst}]) { edges { node { id noteTargets { edges { node { id rocketId personId companyId opportunityId } } } } } } }`, nil, &r)
		if want := count(`SELECT count(*) FROM ` + ws + `.opportunity WHERE stage = 'MEETING' AND "deletedAt" IS NULL`); r.Opportunities.TotalCount != want {
			t.Errorf("MEETING opportunities = %d, want %d", r.Opportunities.TotalCount, want)
		}
		want := ids(`SELECT n.id::text || '>' || coalesce(t."rocketId"::text, t."personId"::text, t."companyId"::text, t."opportunityId"::text)
FROM ` + ws + `.note n JOIN ` + ws + `."noteTarget" t ON t."noteId" = n.id ORDER BY n.position LIMIT 10`)
		var got []string
		for _, e := range r.Notes.Edges {
			for _, te := range e.Node.NoteTargets.Edges {
				n := te.Node
				target := deref(n.RocketID) + deref(n.PersonID) + deref(n.CompanyID) + deref(n.OpportunityID)
				got = append(got, e.Node.ID+">"+target)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("notes with their targets (-postgres +stack):\n%s", diff)
		}
	})

	t.Run("imported roles and permissions", func(t *testing.T) {
		checkImportedRolesOnStack(t, stack.BaseURL, access, f, ids(`SELECT id::text FROM ` + ws + `.opportunity ORDER BY id LIMIT 1`)[0],
			ids(`SELECT id::text FROM ` + ws + `.person WHERE "deletedAt" IS NULL ORDER BY id LIMIT 1`)[0])
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// twentyAPIKey is the token Twenty handed out for API key id: an HS256 JWT signed with
// hex(sha256(APP_SECRET + workspaceId + "API_KEY")).
func twentyAPIKey(workspaceID, id string) string {
	sum := sha256.Sum256([]byte(appSecret + workspaceID + "API_KEY"))
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
	payload, _ := json.Marshal(map[string]any{"sub": workspaceID, "type": "API_KEY", "workspaceId": workspaceID, "jti": id,
		"iat": time.Now().Add(-time.Hour).Unix(), "exp": time.Now().Add(24 * time.Hour).Unix()})
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte(hex.EncodeToString(sum[:])))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

func startStack(t *testing.T, root, state string) *devstack.Stack {
	t.Helper()
	var log bytes.Buffer
	var configs []string
	for _, s := range []string{"gateway", "auth", "records", "files", "jobs", "realtime"} {
		configs = append(configs, "services/"+s+"/wrangler.jsonc")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	s, err := devstack.Start(ctx, devstack.Options{
		Root: root, Configs: configs, PersistDir: state,
		Vars:      map[string]string{"DEV_ROUTES": "true", "APP_SECRET": appSecret},
		Env:       map[string]string{"CLOUDFLARE_INCLUDE_PROCESS_ENV": "true"},
		ReadyPath: "/healthz", Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			o := s.Output()
			t.Logf("wrangler output (tail):\n%s", o[max(0, len(o)-6000):])
		}
		_ = s.Stop()
	})
	return s
}

type client struct {
	t    *testing.T
	base string
}

func (c client) do(req *http.Request, into any) {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s = %d %s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, into); err != nil {
		c.t.Fatalf("%s %s: %v: %s", req.Method, req.URL.Path, err, body)
	}
}

func (c client) get(path, token string, into any) {
	c.t.Helper()
	req, _ := http.NewRequestWithContext(c.t.Context(), http.MethodGet, c.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	c.do(req, into)
}

func (c client) gql(path, token, query string, vars map[string]any, into any) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequestWithContext(c.t.Context(), http.MethodPost, c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	var r struct {
		Data   json.RawMessage
		Errors []json.RawMessage
	}
	c.do(req, &r)
	if len(r.Errors) > 0 {
		c.t.Fatalf("%s: GraphQL errors: %s", path, fmt.Sprint(strings.Trim(fmt.Sprintf("%s", r.Errors), "[]")))
	}
	if err := json.Unmarshal(r.Data, into); err != nil {
		c.t.Fatalf("%s: %v: %s", path, err, r.Data)
	}
}

// migrateState applies the control database's migrations to a state folder, as make migrate.
func migrateState(t *testing.T, root, state string) {
	t.Helper()
	migrate := exec.CommandContext(t.Context(), filepath.Join(root, "node_modules", ".bin", "wrangler"), "d1", "migrations", "apply", "CONTROL",
		"--local", "--persist-to", state, "-c", "services/auth/wrangler.jsonc")
	migrate.Dir = root
	migrate.Env = append(os.Environ(), "PATH="+filepath.Join(root, "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"),
		"CI=true", "WRANGLER_SEND_METRICS=false", "NO_COLOR=1")
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("wrangler d1 migrations apply: %v\n%s", err, out)
	}
}

// verifyShipped runs the verification against the shipped state folder.
func verifyShipped(t *testing.T, pgDB, shipped, storage string) {
	t.Helper()
	src, err := Connect(t.Context(), pgDB)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(context.Background())
	_, plans, err := Plan(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := OpenLocal(shipped)
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	res, err := Verify(t.Context(), src, tgt, plans, storage)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.Print(&b)
	if n := res.Failures(); n != 0 || len(res) < 10 {
		t.Errorf("shipped state: %d mismatches in %d checks:\n%s", n, len(res), b.String())
	}
}
