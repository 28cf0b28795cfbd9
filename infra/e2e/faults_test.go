//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The fault tests (issue #22, item 3): each seam of the stack (D1, KV, R2, the queue, a service
// binding, the realtime Durable Object) is made to fail or slow down through the Workers'
// /__dev/faults (shared/faults; the stack runs with DEV_FAULTS). Under each fault a request
// answers Twenty's envelope with 503 and Retry-After, a mutation is whole or absent, no event or
// file is lost, and the stack recovers once the fault is cleared.

// faultsPath is where a Worker serves its faults: the gateway's own, the others' through it.
func faultsPath(worker string) string {
	if worker == "gateway" {
		return "/__dev/faults"
	}
	return "/__dev/svc/" + worker + "/faults"
}

type faultRule struct {
	Seam, Target string
	Fail, Crash  bool
	Count, Hits  int
	LatencyMs    int
}

// inject sets one fault rule (JSON) on worker, cleared again when the test ends.
func inject(t *testing.T, worker, rule string) {
	t.Helper()
	if r := post(t, faultsPath(worker), rule, "Content-Type", "application/json"); r.status != http.StatusOK {
		t.Fatalf("inject %s on %s = %d %s", rule, worker, r.status, r.body)
	}
	t.Cleanup(func() { clearFaults(t, worker) })
}

func clearFaults(t *testing.T, worker string) {
	t.Helper()
	if r := call(t, http.MethodDelete, faultsPath(worker), nil); r.status != http.StatusOK {
		t.Fatalf("clear the faults of %s = %d %s", worker, r.status, r.body)
	}
}

func faultRules(t *testing.T, worker string) []faultRule {
	t.Helper()
	return decode[[]faultRule](t, get(t, faultsPath(worker)))
}

// wantUnavailable checks a REST reply is Twenty's envelope of a 503 with Retry-After.
func wantUnavailable(t *testing.T, what string, r reply) {
	t.Helper()
	e := decode[envelope](t, r)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" ||
		e.StatusCode != 503 || e.Error != "ServiceUnavailableException" || len(e.Messages) != 1 {
		t.Errorf("%s = %d (Retry-After %q) %s, want Twenty's 503 envelope with Retry-After", what, r.status, r.header.Get("Retry-After"), r.body)
	}
}

// wantUnavailableGraphQL checks a GraphQL reply is a 503 with Retry-After and SERVICE_UNAVAILABLE.
func wantUnavailableGraphQL(t *testing.T, what string, r reply) {
	t.Helper()
	g := decode[gqlReply](t, r)
	code := ""
	if len(g.Errors) > 0 {
		code, _ = g.Errors[0].Extensions["code"].(string)
	}
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || code != "SERVICE_UNAVAILABLE" {
		t.Errorf("%s = %d (Retry-After %q) %s, want 503 with Retry-After and SERVICE_UNAVAILABLE", what, r.status, r.header.Get("Retry-After"), r.body)
	}
}

// peopleIn counts workspace a's people of city, through REST.
func peopleIn(t *testing.T, a account, city string) int {
	t.Helper()
	r := get(t, "/rest/people?filter=city%5Beq%5D%3A"+city, "Authorization", "Bearer "+a.access)
	if r.status != http.StatusOK {
		t.Fatalf("list people of %s = %d %s", city, r.status, r.body)
	}
	return decode[struct {
		TotalCount int `json:"totalCount"`
	}](t, r).TotalCount
}

// TestFaultD1 fails, then slows, the records Worker's D1 databases: reads and writes answer 503
// with Retry-After on REST and GraphQL, a createMany of three people is absent afterwards (never
// some of them), and once the fault is cleared the same requests work.
func TestFaultD1(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	city := "D1Fault" + randomHex(t, 4)
	people := fmt.Sprintf(`[{"city":%q},{"city":%q},{"city":%q}]`, city, city, city)
	createMany := fmt.Sprintf(`{"query":"mutation { createPeople(data: [{city: \"%s\"}, {city: \"%s\"}, {city: \"%s\"}]) { id } }"}`, city, city, city)
	peopleIn(t, a, city) // the workspace's schema is loaded

	inject(t, "records", `{"seam":"d1","fail":true}`)
	wantUnavailable(t, "GET /rest/people under a D1 fault", get(t, "/rest/people", auth...))
	wantUnavailable(t, "POST /rest/batch/people under a D1 fault", post(t, "/rest/batch/people", people, auth...))
	clearFaults(t, "records")
	// Only the record shard fails: the schema is read, the statements of the mutation fail.
	inject(t, "records", `{"seam":"d1","target":"DB_0","fail":true}`)
	wantUnavailableGraphQL(t, "createPeople under a DB_0 fault", post(t, "/graphql", createMany, auth...))
	wantUnavailableGraphQL(t, "people under a DB_0 fault", post(t, "/graphql", `{"query":"{ people { totalCount } }"}`, auth...))
	if rules := faultRules(t, "records"); len(rules) != 1 || rules[0].Hits < 2 {
		t.Errorf("records' faults after two requests: %+v, want the DB_0 rule hit", rules)
	}
	clearFaults(t, "records")
	if n := peopleIn(t, a, city); n != 0 {
		t.Fatalf("%d people of the failed createMany exist, want none", n)
	}

	// A slow database delays the answer by its latency, no more, and the answer is whole.
	inject(t, "records", `{"seam":"d1","latencyMs":300}`)
	start := time.Now()
	if r := post(t, "/rest/batch/people", people, auth...); r.status != http.StatusCreated {
		t.Fatalf("POST /rest/batch/people with a slow D1 = %d %s", r.status, r.body)
	}
	if took := time.Since(start); took < 300*time.Millisecond || took > 15*time.Second {
		t.Errorf("POST with D1 slowed by 300 ms per call took %v", took)
	}
	clearFaults(t, "records")
	if r := post(t, "/graphql", createMany, auth...); r.status != http.StatusOK || len(decode[gqlReply](t, r).Errors) != 0 {
		t.Fatalf("createPeople after the fault = %d %s", r.status, r.body)
	}
	if n := peopleIn(t, a, city); n != 6 {
		t.Errorf("%d people after recovery, want 6 (two whole createManys)", n)
	}
}

// webhookEvents answers the event name and record id of each webhook rc received on path.
func webhookEvents(t *testing.T, rc *webhookReceiver, path string) []string {
	t.Helper()
	var out []string
	for _, p := range rc.received(path) {
		var b struct {
			EventName string
			Record    struct{ ID string }
		}
		if err := json.Unmarshal(p.body, &b); err != nil {
			t.Fatalf("webhook body %s: %v", p.body, err)
		}
		out = append(out, b.EventName+" "+b.Record.ID)
	}
	return out
}

// createdPerson creates a person of city through REST and answers its id.
func createdPerson(t *testing.T, a account, city string) string {
	t.Helper()
	r := post(t, "/rest/people", fmt.Sprintf(`{"city":%q}`, city), "Authorization", "Bearer "+a.access, "Content-Type", "application/json")
	if r.status != http.StatusCreated {
		t.Fatalf("POST /rest/people = %d %s", r.status, r.body)
	}
	return decode[struct {
		Data struct {
			CreatePerson struct{ ID string } `json:"createPerson"`
		} `json:"data"`
	}](t, r).Data.CreatePerson.ID
}

func outboxRows(t *testing.T, a account) int {
	t.Helper()
	return decode[map[string]int](t, get(t, "/__dev/svc/records/outbox"))[a.workspaceID]
}

// TestFaultQueue fails the records Worker's queue producer: the mutation commits (its events
// wait in the outbox, written in its own batch), no webhook goes out while the queue is down,
// and after it recovers the sweep delivers the event exactly once.
func TestFaultQueue(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/queue", []string{"person.created"}, "")
	inject(t, "records", `{"seam":"queue","fail":true}`)
	id := createdPerson(t, a, "QueueFault")
	// The relay offers the batch to the queue 3 times (outbox.Relay.Attempts), then leaves the row.
	eventually(t, 10*time.Second, "the relay gives up on the queue", func() bool {
		rules := faultRules(t, "records")
		return len(rules) == 1 && rules[0].Hits >= 3
	})
	time.Sleep(200 * time.Millisecond)
	if n := outboxRows(t, a); n != 1 {
		t.Errorf("outbox rows under the queue fault = %d, want 1", n)
	}
	clearFaults(t, "records")
	if r := post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""); r.status != http.StatusOK {
		t.Fatalf("sweep = %d %s", r.status, r.body)
	}
	want := "person.created " + id
	eventually(t, 20*time.Second, "the webhook after the queue recovers", func() bool { return len(webhookEvents(t, rc, "/queue")) > 0 })
	time.Sleep(time.Second)
	if got := webhookEvents(t, rc, "/queue"); len(got) != 1 || got[0] != want {
		t.Errorf("webhooks = %q, want exactly [%q]", got, want)
	}
	if n := outboxRows(t, a); n != 0 {
		t.Errorf("outbox rows after the sweep = %d, want 0", n)
	}
}

// TestFaultIsolateDiesAfterTheBatch ends the records Worker's Go instance at the relay's first
// queue send, i.e. after the mutation's batch (records and outbox rows) and before any event is
// sent: the client has its 201, the instance is replaced, and the sweep delivers the event.
func TestFaultIsolateDiesAfterTheBatch(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/crash", []string{"person.created"}, "")
	before := decode[instance](t, get(t, "/__dev/svc/records/instance"))
	if r := post(t, faultsPath("records"), `{"seam":"queue","crash":true,"count":1}`, "Content-Type", "application/json"); r.status != http.StatusOK {
		t.Fatalf("inject the crash = %d %s", r.status, r.body)
	}
	id := createdPerson(t, a, "Crash")
	var after instance
	eventually(t, 10*time.Second, "a fresh records instance", func() bool {
		after = decode[instance](t, get(t, "/__dev/svc/records/instance"))
		return after.InstanceID != before.InstanceID
	})
	if got := webhookEvents(t, rc, "/crash"); len(got) != 0 {
		t.Fatalf("webhooks before the sweep = %q, want none (the instance died before the relay)", got)
	}
	if n := outboxRows(t, a); n != 1 {
		t.Errorf("outbox rows after the crash = %d, want 1", n)
	}
	if r := post(t, "/__dev/svc/records/outbox/sweep?olderThan=0s", ""); r.status != http.StatusOK {
		t.Fatalf("sweep = %d %s", r.status, r.body)
	}
	eventually(t, 20*time.Second, "the webhook after the sweep", func() bool { return len(webhookEvents(t, rc, "/crash")) > 0 })
	if got := webhookEvents(t, rc, "/crash"); len(got) != 1 || got[0] != "person.created "+id {
		t.Errorf("webhooks = %q, want exactly [person.created %s]", got, id)
	}
	if n := peopleIn(t, a, "Crash"); n != 1 {
		t.Errorf("people after the crash = %d, want the 1 created", n)
	}
}

// TestFaultServiceBinding makes the records Worker unreachable from the gateway, then slow: REST
// and GraphQL answer 503 with Retry-After while the other Workers still serve; a slow binding
// only delays; the stack recovers at once.
func TestFaultServiceBinding(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	inject(t, "gateway", `{"seam":"binding","target":"records","fail":true}`)
	wantUnavailable(t, "GET /rest/people with records unreachable", get(t, "/rest/people", auth...))
	wantUnavailableGraphQL(t, "GraphQL people with records unreachable", post(t, "/graphql", `{"query":"{ people { totalCount } }"}`, auth...))
	if r := post(t, "/metadata", `{"query":"{ currentUser { id } }"}`, auth...); r.status != http.StatusOK || len(decode[gqlReply](t, r).Errors) != 0 {
		t.Errorf("currentUser (auth, not records) under the records fault = %d %s", r.status, r.body)
	}
	clearFaults(t, "gateway")
	inject(t, "gateway", `{"seam":"binding","target":"records","latencyMs":300}`)
	start := time.Now()
	if r := get(t, "/rest/people", auth...); r.status != http.StatusOK {
		t.Errorf("GET /rest/people over a slow binding = %d %s", r.status, r.body)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("a binding slowed by 300 ms answered in %v", took)
	}
	clearFaults(t, "gateway")
	if r := get(t, "/rest/people", auth...); r.status != http.StatusOK {
		t.Errorf("GET /rest/people after the fault = %d %s", r.status, r.body)
	}
}

// TestFaultKVRevocationFailsClosed fails the gateway's KV, where token revocations are: a token
// the gateway has not checked yet is not let through (503 with Retry-After, never a 200 on an
// unchecked revocation), and it works once KV is back.
func TestFaultKVRevocationFailsClosed(t *testing.T) {
	a := onboard(t, "/metadata")
	k := data[struct {
		CreateAPIKey struct{ ID string } `json:"createApiKey"`
	}](t, gql(t, "/metadata", a.access,
		`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"name": "kv fault", "expiresAt": "2099-01-01T00:00:00.000Z"}})).CreateAPIKey
	key := data[struct {
		GenerateAPIKeyToken struct{ Token string } `json:"generateApiKeyToken"`
	}](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!) { generateApiKeyToken(apiKeyId: $id, expiresAt: "2099-01-01T00:00:00.000Z") { token } }`,
		map[string]any{"id": k.ID})).GenerateAPIKeyToken.Token
	auth := []string{"Authorization", "Bearer " + key, "Content-Type", "application/json"}
	inject(t, "gateway", `{"seam":"kv","fail":true}`)
	wantUnavailable(t, "GET /rest/people with a new API key and KV down", get(t, "/rest/people", auth...))
	wantUnavailableGraphQL(t, "GraphQL with a new API key and KV down", post(t, "/graphql", `{"query":"{ people { totalCount } }"}`, auth...))
	clearFaults(t, "gateway")
	if r := get(t, "/rest/people", auth...); r.status != http.StatusOK {
		t.Errorf("GET /rest/people once KV is back = %d %s", r.status, r.body)
	}
}

// TestFaultR2 fails the files Worker's bucket: an upload answers 503 with Retry-After (the
// object is written before the file row, so no row points at nothing), and uploads work again
// once the bucket is back.
func TestFaultR2(t *testing.T) {
	a := onboard(t, "/metadata")
	upload := func() reply {
		form, contentType := multipartUpload(t, `{"query":"mutation($file: Upload!) { uploadFile(file: $file, fileFolder: Attachment) { path token } }","variables":{"file":null}}`, "fault.png", randomBytes(t, 1000))
		return post(t, "/metadata", form, "Content-Type", contentType, "Authorization", "Bearer "+a.access)
	}
	inject(t, "files", `{"seam":"r2","fail":true}`)
	wantUnavailableGraphQL(t, "uploadFile with R2 down", upload())
	if rules := faultRules(t, "files"); len(rules) != 1 || rules[0].Hits != 1 {
		t.Errorf("files' faults after one upload: %+v, want the R2 rule hit once", rules)
	}
	clearFaults(t, "files")
	r := upload()
	signed := data[struct{ UploadFile struct{ Path, Token string } }](t, decode[gqlReply](t, r)).UploadFile
	if d := get(t, "/files/"+signed.Path+"?token="+signed.Token); d.status != http.StatusOK || len(d.body) != 1000 {
		t.Errorf("download after the fault = %d, %d bytes", d.status, len(d.body))
	}
}

// TestFaultRealtimeDO fails the records relay's calls to the realtime Durable Object: mutations
// still succeed and their events still go out (the queue's copy, which the jobs Worker hands to
// the same rooms), nothing stays in the outbox; with the gateway's binding to realtime down a
// publish answers 503; once cleared, a new subscriber gets what is published.
func TestFaultRealtimeDO(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/do", []string{"person.created"}, "")
	// A graphql-ws socket open on the workspace: its writes are published to the room, which fails.
	dialCtx, dialCancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer dialCancel()
	sock, _, err := websocket.Dial(dialCtx, "ws"+strings.TrimPrefix(need(t).BaseURL, "http")+"/metadata", &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: http.Header{"Authorization": {"Bearer " + a.access}}})
	if err != nil {
		t.Fatalf("graphql-ws dial: %v", err)
	}
	defer sock.CloseNow()
	inject(t, "records", `{"seam":"do","fail":true}`)
	id := createdPerson(t, a, "DOFault")
	eventually(t, 20*time.Second, "the webhook of a mutation made while the DO fails", func() bool { return len(webhookEvents(t, rc, "/do")) > 0 })
	if got := webhookEvents(t, rc, "/do"); got[0] != "person.created "+id {
		t.Errorf("webhooks = %q", got)
	}
	if rules := faultRules(t, "records"); len(rules) != 1 || rules[0].Hits == 0 {
		t.Errorf("records' faults: %+v, want the DO rule hit by the relay", rules)
	}
	eventually(t, 10*time.Second, "the outbox empties", func() bool { return outboxRows(t, a) == 0 })
	clearFaults(t, "records")

	inject(t, "gateway", `{"seam":"binding","target":"realtime","fail":true}`)
	wantUnavailable(t, "publish with realtime unreachable", post(t, "/__dev/realtime/publish", `{"room":"fault-room","event":{}}`))
	clearFaults(t, "gateway")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	room := "fault-" + randomHex(t, 6)
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(need(t).BaseURL, "http")+"/ws?room="+room, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.CloseNow()
	if r := post(t, "/__dev/realtime/publish", fmt.Sprintf(`{"room":%q,"event":{"n":1}}`, room)); r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"delivered":1}` {
		t.Fatalf("publish after the fault = %d %s", r.status, r.body)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != `{"n":1}` {
		t.Errorf("subscriber read %q, %v", msg, err)
	}
}
