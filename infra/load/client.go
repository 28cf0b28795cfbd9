package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The requests a simulated user sends, as Twenty's clients send them: REST on /rest, data GraphQL
// on /graphql, auth, files and event streams on /metadata (the same calls infra/bench and
// infra/e2e make).

// api is a server and the clients that reach it.
type api struct {
	base    string
	client  *http.Client // requests: no limit on connections, so nothing queues in the generator
	streams *http.Client // event streams: no timeout
}

func newAPI(base string, timeout time.Duration) *api {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 4096
	tr.MaxIdleConnsPerHost = 4096
	tr.MaxConnsPerHost = 0
	tr.IdleConnTimeout = 90 * time.Second
	st := http.DefaultTransport.(*http.Transport).Clone()
	st.DisableCompression = true
	st.MaxIdleConnsPerHost = 64
	return &api{
		base:    strings.TrimRight(base, "/"),
		client:  &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		streams: &http.Client{Transport: st},
	}
}

// caller is who sends a request: a bearer token (empty: anonymous) and a client address, sent as
// CF-Connecting-IP as Cloudflare would (the local stack's rate limits key anonymous callers on it).
type caller struct {
	token, ip string
}

// reply is one HTTP exchange's outcome.
type reply struct {
	status int
	body   []byte
	err    error // transport or body read
}

// outcome classifies r against the status wanted: "ok", the status, "graphql" (an errors list in
// a 2xx GraphQL answer) or "transport".
func (r reply) outcome(want int, graphql bool) string {
	switch {
	case r.err != nil:
		return outcomeTransport
	case r.status != want:
		return strconv.Itoa(r.status)
	case graphql && bytes.Contains(r.body, []byte(`"errors":[`)):
		return outcomeGraphQL
	default:
		return outcomeOK
	}
}

func (a *api) do(ctx context.Context, who caller, method, path string, body []byte) reply {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	u := path
	if !strings.HasPrefix(path, "http://") && !strings.HasPrefix(path, "https://") {
		u = a.base + path
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return reply{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who.token != "" {
		req.Header.Set("Authorization", "Bearer "+who.token)
	}
	if who.ip != "" {
		req.Header.Set("CF-Connecting-IP", who.ip)
	}
	res, err := a.client.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return reply{status: res.StatusCode, err: fmt.Errorf("reading body: %w", err)}
	}
	return reply{status: res.StatusCode, body: raw}
}

// gql posts one GraphQL operation to path (/graphql or /metadata) and decodes its data into out
// when it succeeded.
func (a *api) gql(ctx context.Context, who caller, path, query string, vars map[string]any, out any) (reply, string) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r := a.do(ctx, who, http.MethodPost, path, body)
	o := r.outcome(http.StatusOK, true)
	if o == outcomeOK && out != nil {
		var env struct{ Data json.RawMessage }
		if err := json.Unmarshal(r.body, &env); err != nil || json.Unmarshal(env.Data, out) != nil {
			return r, outcomeGraphQL
		}
	}
	return r, o
}

// randomIP is a client address in 198.18.0.0/15 (benchmarking space).
func randomIP() string {
	return fmt.Sprintf("198.%d.%d.%d", 18+rand.IntN(2), rand.IntN(256), 1+rand.IntN(254))
}

type tokenPair struct {
	Tokens struct {
		Access struct {
			Token string `json:"token"`
		} `json:"accessOrWorkspaceAgnosticToken"`
	} `json:"tokens"`
}

// signUp replays Twenty's onboarding (sign-up, a new workspace, the token exchange, activation)
// and answers the password and an access token.
func (a *api) signUp(ctx context.Context) (email, password, access string, err error) {
	email, password = fmt.Sprintf("load-%012x@example.com", rand.Uint64()>>16), "load-password-1"
	who := caller{ip: randomIP()}
	step := func(name, q string, vars map[string]any, out any) error {
		r, o := a.gql(ctx, who, "/metadata", q, vars, out)
		if o != outcomeOK {
			return fmt.Errorf("%s: %s (status %d %v): %.300s", name, o, r.status, r.err, r.body)
		}
		return nil
	}
	var up struct{ SignUp tokenPair }
	if err = step("signUp", `mutation($e:String!,$p:String!){signUp(email:$e,password:$p){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"e": email, "p": password}, &up); err != nil {
		return
	}
	who.token = up.SignUp.Tokens.Access.Token
	var created struct {
		SignUpInNewWorkspace struct {
			LoginToken struct{ Token string } `json:"loginToken"`
		}
	}
	if err = step("signUpInNewWorkspace", `mutation{signUpInNewWorkspace(input:{displayName:"Load"}){loginToken{token}}}`, nil, &created); err != nil {
		return
	}
	who.token = ""
	var tokens struct{ GetAuthTokensFromLoginToken tokenPair }
	if err = step("getAuthTokensFromLoginToken", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"t": created.SignUpInNewWorkspace.LoginToken.Token}, &tokens); err != nil {
		return
	}
	access = tokens.GetAuthTokensFromLoginToken.Tokens.Access.Token
	who.token = access
	err = step("activateWorkspace", `mutation{activateWorkspace(data:{displayName:"Load"}){id}}`, nil, nil)
	return
}

// login is Twenty's password login: a login token for the credentials, exchanged for an access
// token. It answers the outcome of the first step that failed.
func (a *api) login(ctx context.Context, ip, email, password string) (string, string) {
	who := caller{ip: ip}
	var lt struct {
		GetLoginTokenFromCredentials struct {
			LoginToken struct{ Token string } `json:"loginToken"`
		}
	}
	if _, o := a.gql(ctx, who, "/metadata", `mutation($e:String!,$p:String!){getLoginTokenFromCredentials(email:$e,password:$p,origin:""){loginToken{token}}}`,
		map[string]any{"e": email, "p": password}, &lt); o != outcomeOK {
		return "", o
	}
	var pair struct{ GetAuthTokensFromLoginToken tokenPair }
	if _, o := a.gql(ctx, who, "/metadata", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"t": lt.GetLoginTokenFromCredentials.LoginToken.Token}, &pair); o != outcomeOK {
		return "", o
	}
	return pair.GetAuthTokensFromLoginToken.Tokens.Access.Token, outcomeOK
}

// Names the seeded people carry, which searches look for by prefix.
var (
	firstNames = []string{"Ada", "Alan", "Grace", "Linus", "Barbara", "Edsger", "Donald", "Margaret", "Hélène", "Zoë"}
	lastNames  = []string{"Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Dijkstra", "Knuth", "Hamilton", "Ångström", "Ritchie"}
	cities     = []string{"Paris", "Lyon", "Nice", "Lille"}
)

// seedPeople is how many people a workspace starts with.
const seedPeople = 40

// seed creates the workspace's people in one batch and answers their ids.
func (a *api) seed(ctx context.Context, who caller) ([]string, error) {
	people := make([]map[string]any, seedPeople)
	for i := range people {
		people[i] = map[string]any{
			"name":     map[string]any{"firstName": firstNames[i%len(firstNames)], "lastName": lastNames[(i/len(firstNames)+i)%len(lastNames)]},
			"city":     cities[i%len(cities)],
			"position": i,
			"emails":   map[string]any{"primaryEmail": fmt.Sprintf("seed%d@example.com", i)},
		}
	}
	body, _ := json.Marshal(people)
	r := a.do(ctx, who, http.MethodPost, "/rest/batch/people", body)
	if o := r.outcome(http.StatusCreated, false); o != outcomeOK {
		return nil, fmt.Errorf("seeding people: %s %v: %.300s", o, r.err, r.body)
	}
	var created struct {
		Data struct {
			CreatePeople []struct{ ID string } `json:"createPeople"`
		}
	}
	if err := json.Unmarshal(r.body, &created); err != nil || len(created.Data.CreatePeople) == 0 {
		return nil, fmt.Errorf("seeding people: unexpected answer %.300s", r.body)
	}
	ids := make([]string, len(created.Data.CreatePeople))
	for i, p := range created.Data.CreatePeople {
		ids[i] = p.ID
	}
	return ids, nil
}

const searchQuery = `query($q: String!) { search(searchInput: $q, limit: 20) {
  edges { node { recordId objectNameSingular label imageUrl tsRank } cursor } pageInfo { hasNextPage endCursor } } }`

const gqlListQuery = `query($city: String) { people(first: 20, filter: {city: {eq: $city}}, orderBy: [{position: AscNullsFirst}]) {
  edges { node { id name { firstName lastName } city emails { primaryEmail } position createdAt } cursor }
  pageInfo { hasNextPage endCursor } totalCount } }`

const dbEventSubscription = `subscription { onDbEvent(input: {objectNameSingular: "person", action: CREATED}) { action record } }`

// stream is an open graphql-sse event stream.
type stream struct {
	body io.ReadCloser
	sc   *bufio.Scanner
}

// subscribe opens an onDbEvent stream; it returns once the stream's answer began.
func (a *api) subscribe(ctx context.Context, who caller) (*stream, string) {
	body, _ := json.Marshal(map[string]any{"query": dbEventSubscription})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.base+"/metadata", bytes.NewReader(body))
	if err != nil {
		return nil, outcomeTransport
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", "Bearer "+who.token)
	req.Header.Set("CF-Connecting-IP", who.ip)
	res, err := a.streams.Do(req)
	if err != nil {
		return nil, outcomeTransport
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return nil, outcomeGraphQL
		}
		return nil, strconv.Itoa(res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	return &stream{body: res.Body, sc: sc}, outcomeOK
}

// createdIDs answers the ids of the person records the stream's next messages carry, until it
// ends; each call blocks until a "next" message arrives.
func (s *stream) next() (string, error) {
	var event, data string
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if event == "complete" {
				return "", io.EOF
			}
			if event == "next" {
				var msg struct {
					Data struct {
						OnDbEvent struct {
							Record struct{ ID string }
						}
					}
				}
				if err := json.Unmarshal([]byte(data), &msg); err != nil {
					return "", err
				}
				return msg.Data.OnDbEvent.Record.ID, nil
			}
			event, data = "", ""
		case strings.HasPrefix(line, "event: "):
			event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data += line[len("data: "):]
		}
	}
	if err := s.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

// upload sends a small file Twenty's way: createFileUpload, the PUT to its upload URL, then
// completeFileUpload.
func (a *api) upload(ctx context.Context, who caller, body []byte) string {
	var c struct {
		CreateFileUpload struct{ FileID, UploadURL string }
	}
	if _, o := a.gql(ctx, who, "/metadata", `mutation($n:String!,$s:Float!){createFileUpload(filename:$n,size:$s,fileFolder:FilesField){fileId uploadUrl contentType}}`,
		map[string]any{"n": "load.txt", "s": len(body)}, &c); o != outcomeOK {
		return o
	}
	u, err := url.Parse(c.CreateFileUpload.UploadURL)
	if err != nil {
		return outcomeGraphQL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, a.base+u.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return outcomeTransport
	}
	req.Header.Set("CF-Connecting-IP", who.ip)
	res, err := a.client.Do(req)
	if err != nil {
		return outcomeTransport
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		return strconv.Itoa(res.StatusCode)
	}
	_, o := a.gql(ctx, who, "/metadata", `mutation($id:String!){completeFileUpload(fileId:$id){id url}}`,
		map[string]any{"id": c.CreateFileUpload.FileID}, nil)
	return o
}

// workspace is one signed-up workspace the simulated users of some slots share.
type workspace struct {
	email, password string
	owner           string // the owner's access token, for seeding
	people          []string

	mu      sync.Mutex
	created map[string]time.Time // person ids created in the run, by when their create was sent
	ids     []string             // people to open and update: seeded and created
}

func (w *workspace) addCreated(id string, sent time.Time) {
	w.mu.Lock()
	w.created[id] = sent
	w.ids = append(w.ids, id)
	w.mu.Unlock()
}

// createdAt answers when the create of id was sent, if it was one of the run's.
func (w *workspace) createdAt(id string) (time.Time, bool) {
	w.mu.Lock()
	t, ok := w.created[id]
	w.mu.Unlock()
	return t, ok
}

func (w *workspace) randomPerson() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.ids) == 0 {
		return ""
	}
	return w.ids[rand.IntN(len(w.ids))]
}
