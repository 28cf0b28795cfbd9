//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestIsolationOnEveryRoute proves that workspace A's data cannot be read, changed, counted or
// inferred through any route by a token of another workspace, a revoked token or an expired one.
// The routes come from what the stack serves, not from a hand list: every root field of the
// /metadata and /graphql schemas (by introspection) and every path and method of A's OpenAPI
// documents (records and metadata REST). Each request aims at A's ids; its answer must carry no
// mark of A's data and no id of A's that the request did not send itself; afterwards A's data is
// checked unchanged.
func TestIsolationOnEveryRoute(t *testing.T) {
	a := onboard(t, "/metadata")
	victim := seedIsolationVictim(t, a)

	// The callers. Foreign workspaces take turns, so that the run stays inside each one's rate
	// limit (100 requests a minute).
	var foreign []string
	for range 4 {
		foreign = append(foreign, onboard(t, "/metadata").access)
	}
	everything := func(string) bool { return true }
	callers := []probeCaller{
		{name: "another workspace", tokens: foreign, marks: []string{victim.mark, victim.metaMark}, idKinds: everything},
		{name: "a revoked API key of A", tokens: []string{victim.revokedKeyToken}, marks: []string{victim.mark, victim.metaMark}, idKinds: everything},
		{name: "an expired token of A", tokens: []string{legacyToken(t, map[string]any{"sub": a.workspaceID, "type": "API_KEY", "workspaceId": a.workspaceID,
			"jti": victim.ids["apiKey"], "iat": time.Now().Add(-2 * time.Hour).Unix(), "exp": time.Now().Add(-time.Hour).Unix()})},
			marks: []string{victim.mark, victim.metaMark}, idKinds: everything},
		// An API key of A whose role may read, change and delete nothing, and holds no settings
		// permission: A's data model is public to it (Twenty's too), A's records, webhooks, keys
		// and files are not. Its requests count against A's rate limit: REST probes are reads.
		{name: "an API key of A whose role forbids everything", tokens: []string{victim.forbiddenKeyToken}, marks: []string{victim.mark},
			idKinds: func(kind string) bool {
				return !slices.Contains([]string{"object", "field", "workspace", "workspaceMember"}, kind)
			},
			readsOnly: true},
	}

	// The operations, generated from what the stack serves to a caller of another workspace (its
	// own objects on /graphql) and, for REST, from A's documents (A's custom object included).
	metaOps, metaSkipped := introspect(t, "/metadata", foreign[0]).operations(victim.idFor)
	dataOps, dataSkipped := introspect(t, "/graphql", foreign[0]).operations(victim.idFor)
	restOps := restOperations(t, a.access, victim)
	t.Logf("probing %d /metadata root fields, %d /graphql root fields and %d REST routes (skipped, Upload only: %v)",
		len(metaOps), len(dataOps), len(restOps), append(metaSkipped, dataSkipped...))
	if len(metaOps) < 40 || len(dataOps) < 100 || len(restOps) < 100 {
		t.Fatalf("too few routes generated: %d /metadata, %d /graphql, %d REST", len(metaOps), len(dataOps), len(restOps))
	}

	for _, c := range callers {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			next := func() string { n++; return c.tokens[n%len(c.tokens)] }
			check := func(what, sent string, r reply) { victim.assertNoLeak(t, c, what, sent, r) }
			codes := map[string]int{} // how the GraphQL probes were answered: "" for data without errors
			var invalid []string
			probeGraphQL(t, "/metadata", metaOps, next, check, codes, &invalid)
			probeGraphQL(t, "/graphql", dataOps, next, check, codes, &invalid)
			for _, op := range restOps {
				if c.readsOnly && op.method != http.MethodGet {
					continue
				}
				r := sendProbe(t, func() reply {
					return call(t, op.method, op.path, strings.NewReader(op.body), "Content-Type", "application/json", "Authorization", "Bearer "+next())
				})
				check(op.method+" "+op.path, op.path+op.body, r)
				if r.status >= 500 {
					t.Errorf("%s %s = %d %s: a probe must never get a 5xx", op.method, op.path, r.status, r.body)
				}
			}
			t.Logf("%s: GraphQL probes answered, by error code (\"\" for data): %v", c.name, codes)
			// A probe the server refused as an invalid document proves nothing: the generator must
			// build valid operations for nearly every root field.
			if len(invalid) > (len(metaOps)+len(dataOps))/20 {
				t.Errorf("%d generated operations are invalid documents:\n%s", len(invalid), strings.Join(invalid, "\n"))
			}
		})
	}

	// Files: a link signed for another workspace's own file, pointed at A's file, and A's link
	// with another workspace's token instead of its own, open nothing of A's.
	// (A fresh workspace: the probes' signOut ended one of the foreign sessions.)
	other := onboard(t, "/metadata").access
	own := directUpload(t, other, "own.txt", []byte("another workspace's file"))
	ownURI := requestURI(t, own.URL)
	aURI := requestURI(t, victim.fileURL)
	for what, uri := range map[string]string{
		"another workspace's link pointed at A's file": strings.Replace(ownURI, own.ID, victim.ids["file"], 1),
		"A's file with another workspace's file token": strings.SplitN(aURI, "?", 2)[0] + "?" + strings.SplitN(ownURI, "?", 2)[1],
		"A's file with no token":                       strings.SplitN(aURI, "?", 2)[0],
	} {
		r := get(t, uri, "Authorization", "Bearer "+other)
		if r.status < 400 || r.status >= 500 || strings.Contains(string(r.body), victim.mark) {
			t.Errorf("%s: GET = %d %s, want a 4xx without A's bytes", what, r.status, truncate(string(r.body), 200))
		}
	}

	victim.assertUnchanged(t)
}

// endsSession tells an operation that may end the caller's own session.
func endsSession(o operation) bool {
	n := strings.ToLower(o.name)
	return strings.Contains(n, "signout") || strings.Contains(n, "deleteuser") || strings.Contains(n, "renewtoken")
}

// ordered puts the operations that may end the caller's own session last, so that they do not turn
// every later probe into an authentication failure (which would prove nothing). It leaves out
// deleteCurrentWorkspace: it takes nothing that could aim at A (it deletes the caller's own
// workspace, workspace_delete_test.go) and would end every later probe of that caller.
func ordered(ops []operation) []operation {
	out := slices.DeleteFunc(slices.Clone(ops), func(o operation) bool { return o.field == "deleteCurrentWorkspace" })
	sort.SliceStable(out, func(i, j int) bool { return !endsSession(out[i]) && endsSession(out[j]) })
	return out
}

// isolationVictim is workspace A's data: every string it holds carries mark, and ids names each
// record or setting by kind.
type isolationVictim struct {
	a                 account
	mark              string
	ids               map[string]string
	metaMark          string // A's data model's labels (readable by any of A's roles)
	revokedKeyToken   string
	liveKeyToken      string
	forbiddenKeyToken string
	fileURL           string
	fileBody          []byte
	customPlural      string
}

func seedIsolationVictim(t *testing.T, a account) *isolationVictim {
	t.Helper()
	v := &isolationVictim{a: a, mark: "Secret" + randomHex(t, 6), metaMark: "Model" + randomHex(t, 6), ids: map[string]string{"workspace": a.workspaceID}}
	auth := []string{"Content-Type", "application/json", "Authorization", "Bearer " + a.access}
	create := func(path string, body map[string]any) string {
		t.Helper()
		b, _ := json.Marshal(body)
		r := post(t, path, string(b), auth...)
		if r.status != http.StatusCreated && r.status != http.StatusOK {
			t.Fatalf("POST %s = %d %s", path, r.status, r.body)
		}
		var out struct {
			Data map[string]struct{ ID string }
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatalf("POST %s: %v %s", path, err, r.body)
		}
		for _, rec := range out.Data {
			return rec.ID
		}
		t.Fatalf("POST %s answered no record: %s", path, r.body)
		return ""
	}
	v.ids["person"] = create("/rest/people", map[string]any{"name": map[string]any{"firstName": v.mark + "Ada", "lastName": v.mark + "Lovelace"},
		"emails": map[string]any{"primaryEmail": strings.ToLower(v.mark) + "@victim.dev"}, "jobTitle": v.mark + " engineer"})
	v.ids["company"] = create("/rest/companies", map[string]any{"name": v.mark + " Corp",
		"domainName": map[string]any{"primaryLinkUrl": "https://" + strings.ToLower(v.mark) + ".dev"}})
	v.ids["opportunity"] = create("/rest/opportunities", map[string]any{"name": v.mark + " deal", "companyId": v.ids["company"]})
	v.ids["note"] = create("/rest/notes", map[string]any{"title": v.mark + " note"})
	v.ids["task"] = create("/rest/tasks", map[string]any{"title": v.mark + " task"})

	me := data[currentUser](t, gql(t, "/metadata", a.access, currentUserQuery, nil))
	v.ids["workspaceMember"] = me.CurrentUser.WorkspaceMember.ID

	// A custom object with a record: its name and its id exist only in A.
	suffix := strings.Map(func(r rune) rune { return 'a' + (r % 26) }, randomHex(t, 4))
	obj := data[struct{ CreateOneObject struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"object": map[string]any{"nameSingular": "vault" + suffix, "namePlural": "vaults" + suffix,
			"labelSingular": v.metaMark + " Vault", "labelPlural": v.metaMark + " Vaults", "icon": "IconLock"}}})).CreateOneObject
	v.ids["object"] = obj.ID
	field := data[struct{ CreateOneField struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"field": map[string]any{"objectMetadataId": obj.ID, "type": "TEXT", "name": "code" + suffix,
			"label": v.metaMark + " Code"}}})).CreateOneField
	v.ids["field"] = field.ID
	v.customPlural = "vaults" + suffix
	v.ids["custom"] = create("/rest/"+v.customPlural, map[string]any{"name": v.mark + " vault record", "code" + suffix: v.mark + "-code"})

	v.ids["webhook"] = createWebhook(t, a.access, "https://hooks.example.com/"+v.mark, []string{"*.*"}, v.mark+"-secret")

	key := func(name, roleID string) (id, token string) {
		input := map[string]any{"name": name, "expiresAt": "2099-01-01T00:00:00.000Z"}
		if roleID != "" {
			input["roleId"] = roleID
		}
		k := data[struct {
			CreateAPIKey struct{ ID string } `json:"createApiKey"`
		}](t, gql(t, "/metadata", a.access,
			`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { id } }`,
			map[string]any{"input": input})).CreateAPIKey
		tok := data[struct {
			GenerateAPIKeyToken struct{ Token string } `json:"generateApiKeyToken"`
		}](t, gql(t, "/metadata", a.access,
			`mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: "2099-01-01T00:00:00.000Z") { token } }`,
			map[string]any{"id": k.ID})).GenerateAPIKeyToken
		return k.ID, tok.Token
	}
	v.ids["apiKey"], v.liveKeyToken = key(v.mark+" live key", "")
	var revokedID string
	revokedID, v.revokedKeyToken = key(v.mark+" revoked key", "")
	role := data[struct{ CreateOneRole struct{ ID string } }](t, gql(t, "/metadata", a.access,
		`mutation($input: CreateRoleInput!) { createOneRole(createRoleInput: $input) { id } }`,
		map[string]any{"input": map[string]any{"label": "Nothing", "canUpdateAllSettings": false, "canAccessAllTools": false,
			"canReadAllObjectRecords": false, "canUpdateAllObjectRecords": false, "canSoftDeleteAllObjectRecords": false,
			"canDestroyAllObjectRecords": false, "canBeAssignedToApiKeys": true}})).CreateOneRole
	_, v.forbiddenKeyToken = key("forbidden key", role.ID)
	revoked := data[struct {
		RevokeAPIKey struct{ ID, RevokedAt string } `json:"revokeApiKey"`
	}](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!) { revokeApiKey(input: {id: $id}) { id revokedAt } }`, map[string]any{"id": revokedID})).RevokeAPIKey
	if revoked.ID != revokedID || revoked.RevokedAt == "" {
		t.Fatalf("revokeApiKey = %+v", revoked)
	}
	if r := get(t, "/rest/people", "Authorization", "Bearer "+v.revokedKeyToken); r.status != http.StatusForbidden {
		t.Errorf("a revoked API key's first request = %d %s, want 403", r.status, r.body)
	}

	v.fileBody = []byte(v.mark + " file contents")
	f := directUpload(t, a.access, v.mark+".txt", v.fileBody)
	v.ids["file"], v.fileURL = f.ID, f.URL
	return v
}

// idFor answers the id of A's an argument or input field called name most likely asks for.
func (v *isolationVictim) idFor(name string) string {
	n := strings.ToLower(name)
	for _, k := range []struct{ word, kind string }{
		{"webhook", "webhook"}, {"apikey", "apiKey"}, {"objectmetadata", "object"}, {"fieldmetadata", "field"},
		{"file", "file"}, {"workspacemember", "workspaceMember"}, {"member", "workspaceMember"}, {"workspace", "workspace"},
		{"company", "company"}, {"opportunit", "opportunity"}, {"note", "note"}, {"task", "task"}, {"field", "field"},
		{"object", "object"},
	} {
		if strings.Contains(n, k.word) {
			return v.ids[k.kind]
		}
	}
	return v.ids["person"]
}

// probeCaller is who sends the probes: the tokens it takes turns with, the marks of A's data it
// must never see, the kinds of A's ids it must never see, and whether its REST probes are reads
// only.
type probeCaller struct {
	name      string
	tokens    []string
	marks     []string
	idKinds   func(kind string) bool
	readsOnly bool
}

// assertNoLeak fails when r carries one of c's forbidden marks, or an id of A's of a kind c must not
// see that sent (the request) does not carry itself.
func (v *isolationVictim) assertNoLeak(t *testing.T, c probeCaller, what, sent string, r reply) {
	t.Helper()
	body := strings.ToLower(string(r.body))
	for _, mark := range c.marks {
		if strings.Contains(body, strings.ToLower(mark)) {
			t.Errorf("%s leaks A's data: %d %s", what, r.status, truncate(string(r.body), 600))
			return
		}
	}
	for kind, id := range v.ids {
		if c.idKinds(kind) && strings.Contains(body, id) && !strings.Contains(sent, id) {
			t.Errorf("%s leaks A's %s id %s: %d %s", what, kind, id, r.status, truncate(string(r.body), 600))
		}
	}
}

// probesPerDocument is how many root fields one probe document holds (each selects at most
// maxSelectedFields fields; the servers refuse a document of more than 2,000).
const probesPerDocument = 5

// probeGraphQL sends ops to path, a few root fields to a document, each document checked by check;
// codes counts how each root field was answered (its error's code, "" for data). A document the
// server refuses as invalid is sent again one root field at a time, and the invalid ones are named
// in invalid.
func probeGraphQL(t *testing.T, path string, ops []operation, token func() string, check func(what, sent string, r reply), codes map[string]int, invalid *[]string) {
	t.Helper()
	count := func(code, name string) {
		codes[code]++
		if code == "INTERNAL_SERVER_ERROR" {
			t.Errorf("%s %s answered INTERNAL_SERVER_ERROR: a probe must get a clear error", path, name)
		}
	}
	send := func(chunk []operation) map[string]string {
		doc, vars := combine(chunk)
		body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
		r := sendProbe(t, func() reply {
			return post(t, path, string(body), "Content-Type", "application/json", "Authorization", "Bearer "+token())
		})
		names := make([]string, len(chunk))
		for i, o := range chunk {
			names[i] = o.name
		}
		varsJSON, _ := json.Marshal(vars)
		check(path+" "+strings.Join(names, ","), string(varsJSON), r)
		return codesByField(r)
	}
	ordered := ordered(ops)
	for i := 0; i < len(ordered); {
		j := i + 1
		for j < len(ordered) && j-i < probesPerDocument && ordered[j].mutation == ordered[i].mutation && !endsSession(ordered[j]) && !endsSession(ordered[i]) {
			j++
		}
		chunk := ordered[i:j]
		i = j
		got := send(chunk)
		if whole, ok := got[""]; ok && whole == "GRAPHQL_VALIDATION_FAILED" && len(chunk) > 1 {
			for _, o := range chunk {
				one := send([]operation{o})
				if one[""] == "GRAPHQL_VALIDATION_FAILED" {
					*invalid = append(*invalid, o.name)
				}
				count(one[o.field]+one[""], o.name)
			}
			continue
		}
		for _, o := range chunk {
			if whole, ok := got[""]; ok {
				count(whole, o.name)
				if whole == "GRAPHQL_VALIDATION_FAILED" {
					*invalid = append(*invalid, o.name)
				}
				continue
			}
			count(got[o.field], o.name)
		}
	}
}

// codesByField answers the error code of each root field a reply has an error for, by field; an
// error without a path (the whole document's) under "". A reply that is not GraphQL is "HTTP n".
func codesByField(r reply) map[string]string {
	var g struct {
		Errors []struct {
			Path       []any
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(r.body, &g); err != nil {
		return map[string]string{"": fmt.Sprintf("HTTP %d", r.status)}
	}
	out := map[string]string{}
	for _, e := range g.Errors {
		code, _ := e.Extensions["code"].(string)
		field := ""
		if len(e.Path) > 0 {
			field, _ = e.Path[0].(string)
		}
		if _, seen := out[field]; !seen {
			out[field] = code
		}
	}
	return out
}

// sendProbe sends a probe, and again after the Retry-After a 429 names (once): a probe the rate
// limit refused proves nothing.
func sendProbe(t *testing.T, send func() reply) reply {
	t.Helper()
	r := send()
	if r.status != http.StatusTooManyRequests {
		return r
	}
	wait, err := time.ParseDuration(r.header.Get("Retry-After") + "s")
	if err != nil || wait > 2*time.Minute {
		t.Fatalf("429 with Retry-After %q", r.header.Get("Retry-After"))
	}
	t.Logf("rate limited: waiting %s", wait)
	time.Sleep(wait)
	return send()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// assertUnchanged checks, as A, that every record and setting the probes aimed at is still there
// as it was made.
func (v *isolationVictim) assertUnchanged(t *testing.T) {
	t.Helper()
	auth := []string{"Authorization", "Bearer " + v.a.access}
	for path, want := range map[string]string{
		"/rest/people/" + v.ids["person"]:                 v.mark + "Ada",
		"/rest/companies/" + v.ids["company"]:             v.mark + " Corp",
		"/rest/opportunities/" + v.ids["opportunity"]:     v.mark + " deal",
		"/rest/notes/" + v.ids["note"]:                    v.mark + " note",
		"/rest/tasks/" + v.ids["task"]:                    v.mark + " task",
		"/rest/" + v.customPlural + "/" + v.ids["custom"]: v.mark + "-code",
		"/rest/metadata/objects/" + v.ids["object"]:       v.metaMark + " Vault",
		"/rest/metadata/fields/" + v.ids["field"]:         v.metaMark + " Code",
		"/rest/metadata/webhooks/" + v.ids["webhook"]:     "hooks.example.com/" + v.mark,
	} {
		r := get(t, path, auth...)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), want) || strings.Contains(string(r.body), `"deletedAt":"`) {
			t.Errorf("after the probes, A's GET %s = %d %s, want it unchanged (with %q, not deleted)", path, r.status, truncate(string(r.body), 400), want)
		}
	}
	if r := get(t, "/rest/people?limit=1", "Authorization", "Bearer "+v.liveKeyToken); r.status != http.StatusOK {
		t.Errorf("after the probes, A's API key answers %d %s, want it still valid", r.status, r.body)
	}
	if r := get(t, requestURI(t, v.fileURL)); r.status != http.StatusOK || string(r.body) != string(v.fileBody) {
		t.Errorf("after the probes, A's file = %d %q, want its bytes", r.status, truncate(string(r.body), 200))
	}
	me := data[currentUser](t, gql(t, "/metadata", v.a.access, currentUserQuery, nil))
	if me.CurrentUser.CurrentWorkspace.ID != v.a.workspaceID || me.CurrentUser.WorkspaceMember.ID != v.ids["workspaceMember"] {
		t.Errorf("after the probes, A's currentUser = %+v", me.CurrentUser)
	}
}

// restOperation is one REST request.
type restOperation struct{ method, path, body string }

// restOperations answers a request for every path and method of A's records and metadata OpenAPI
// documents, each path parameter an id of A's, each collection read filtered on one.
func restOperations(t *testing.T, token string, v *isolationVictim) []restOperation {
	t.Helper()
	var out []restOperation
	for _, doc := range []struct{ name, prefix string }{{"core", "/rest"}, {"metadata", "/rest/metadata"}} {
		r := get(t, "/rest/open-api/"+doc.name, "Authorization", "Bearer "+token)
		if r.status != http.StatusOK {
			t.Fatalf("GET /rest/open-api/%s = %d %s", doc.name, r.status, r.body)
		}
		paths := decode[openAPIDoc](t, r).Paths
		keys := make([]string, 0, len(paths))
		for p := range paths {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		for _, p := range keys {
			if strings.HasPrefix(p, "/open-api") {
				continue
			}
			id := v.idForPath(p)
			path := doc.prefix + strings.ReplaceAll(p, "{id}", id)
			methods := make([]string, 0, len(paths[p]))
			for m := range paths[p] {
				methods = append(methods, m)
			}
			sort.Strings(methods)
			for _, m := range methods {
				op := restOperation{method: strings.ToUpper(m), path: path}
				switch op.method {
				case http.MethodGet, http.MethodDelete:
					if !strings.Contains(p, "{id}") {
						op.path += "?filter=" + url.QueryEscape(fmt.Sprintf("id[eq]:%s", id))
					}
				case http.MethodPost, http.MethodPatch, http.MethodPut:
					op.body = fmt.Sprintf(`{"id":%q}`, id)
					if strings.HasPrefix(p, "/batch/") {
						op.body = fmt.Sprintf(`[{"id":%q}]`, id)
					}
				default:
					continue
				}
				out = append(out, op)
			}
		}
	}
	return out
}

// idForPath answers the id of A's a REST path most likely names.
func (v *isolationVictim) idForPath(p string) string {
	switch {
	case strings.Contains(p, v.customPlural):
		return v.ids["custom"]
	case strings.HasPrefix(p, "/objects"):
		return v.ids["object"]
	case strings.HasPrefix(p, "/fields"):
		return v.ids["field"]
	}
	return v.idFor(p)
}
