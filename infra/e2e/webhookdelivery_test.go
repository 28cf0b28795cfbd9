//go:build e2e

package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// webhookReceiver is a webhook target on 127.0.0.1 (the stack's jobs Worker admits loopback
// targets through WEBHOOK_ALLOW_LOOPBACK): it keeps every POST and answers status.
type webhookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	posts  []webhookPost
	status int
}

type webhookPost struct {
	at     time.Time
	path   string
	header http.Header
	body   []byte
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	rc := &webhookReceiver{status: http.StatusOK}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.posts = append(rc.posts, webhookPost{time.Now(), r.URL.Path, r.Header.Clone(), b})
		status := rc.status
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *webhookReceiver) answer(status int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.status = status
}

func (rc *webhookReceiver) received(path string) []webhookPost {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []webhookPost
	for _, p := range rc.posts {
		if p.path == path {
			out = append(out, p)
		}
	}
	return out
}

// topLevelKeys answers the keys of a JSON object in the order they are written.
func topLevelKeys(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
	}
	return keys
}

func createWebhook(t *testing.T, token, target string, operations []string, secret string) string {
	t.Helper()
	return data[struct{ CreateWebhook struct{ ID string } }](t, gql(t, "/metadata", token,
		`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }`,
		map[string]any{"input": map[string]any{"targetUrl": target, "operations": operations, "secret": secret}})).CreateWebhook.ID
}

type deliveryNode struct {
	ID, EventName, Status string
	Attempts              int
	AttemptLog            []struct {
		Attempt    int
		StatusCode *int
		LatencyMs  int
		Error      *string
	}
}

func webhookDeliveries(t *testing.T, token, webhookID string) []deliveryNode {
	t.Helper()
	page := data[struct {
		WebhookDeliveries struct {
			TotalCount int
			Edges      []struct{ Node deliveryNode }
		}
	}](t, gql(t, "/metadata", token, `query($id: UUID!) { webhookDeliveries(webhookId: $id) { totalCount
  edges { node { id eventName status attempts attemptLog { attempt statusCode latencyMs error } } } } }`, map[string]any{"id": webhookID}))
	var out []deliveryNode
	for _, e := range page.WebhookDeliveries.Edges {
		out = append(out, e.Node)
	}
	return out
}

// TestWebhookDeliveryEndToEnd checks Twenty's webhooks on the real stack: a person created,
// updated and deleted through REST reaches a receiver as three signed POSTs with Twenty's body; a
// receiver answering 500 gets every retry, then the delivery is dead, and a replay delivers it
// once; the log shows every attempt, and only to the webhook's workspace.
func TestWebhookDeliveryEndToEnd(t *testing.T) {
	a := onboard(t, "/metadata")
	rc := newWebhookReceiver(t)
	const secret = "e2e-webhook-secret"
	hook := createWebhook(t, a.access, rc.URL+"/people", []string{"person.*"}, secret)

	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	mutated := time.Now()
	r := send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada","lastName":"Lovelace"},"city":"London"}`)
	expect(r, http.StatusCreated, "POST /rest/people")
	person := decode[struct {
		Data map[string]struct{ ID string }
	}](t, r).Data["createPerson"].ID
	expect(send(http.MethodPatch, "/rest/people/"+person, `{"city":"Paris"}`), http.StatusOK, "PATCH /rest/people")
	expect(send(http.MethodDelete, "/rest/people/"+person+"?soft_delete=true", ""), http.StatusOK, "soft DELETE /rest/people")

	var posts []webhookPost
	eventually(t, 30*time.Second, "three webhook POSTs", func() bool {
		posts = rc.received("/people")
		return len(posts) >= 3
	})
	time.Sleep(time.Second) // nothing more arrives
	if posts = rc.received("/people"); len(posts) != 3 {
		t.Fatalf("received %d POSTs, want 3", len(posts))
	}
	t.Logf("mutation to webhook POST: %s (the first of three mutations to its POST)", posts[0].at.Sub(mutated).Round(time.Millisecond))
	type body struct {
		TargetURL         string `json:"targetUrl"`
		EventName         string
		ObjectMetadata    struct{ ID, NameSingular string }
		WorkspaceID       string `json:"workspaceId"`
		WebhookID         string `json:"webhookId"`
		EventDate         string
		UserID            string `json:"userId"`
		WorkspaceMemberID string `json:"workspaceMemberId"`
		Record            map[string]any
		UpdatedFields     []string
	}
	byEvent := map[string]body{}
	for _, p := range posts {
		ts := p.header.Get("X-Twenty-Webhook-Timestamp")
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(ts + ":"))
		mac.Write(p.body)
		if got := p.header.Get("X-Twenty-Webhook-Signature"); got != hex.EncodeToString(mac.Sum(nil)) {
			t.Errorf("signature %q does not verify over %s", got, p.body)
		}
		if ms, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.UnixMilli(ms)) > time.Minute {
			t.Errorf("X-Twenty-Webhook-Timestamp = %q, want now in milliseconds", ts)
		}
		if p.header.Get("Content-Type") != "application/json" || len(p.header.Get("X-Twenty-Webhook-Nonce")) != 32 {
			t.Errorf("headers %v", p.header)
		}
		var b body
		if err := json.Unmarshal(p.body, &b); err != nil {
			t.Fatalf("body %s: %v", p.body, err)
		}
		byEvent[b.EventName] = b
		// Twenty's order; the mutations were a user's, so userId is that user's id.
		want := []string{"targetUrl", "eventName", "objectMetadata", "workspaceId", "webhookId", "eventDate", "userId", "workspaceMemberId", "record"}
		if b.UserID != tokenClaim(t, a.access, "userId") || b.WorkspaceMemberID == "" {
			t.Errorf("%s: userId %q, workspaceMemberId %q; want the acting user's and member's", b.EventName, b.UserID, b.WorkspaceMemberID)
		}
		if b.EventName == "person.updated" {
			want = append(want, "updatedFields")
		}
		if diff := cmp.Diff(want, topLevelKeys(t, p.body)); diff != "" {
			t.Errorf("%s body's fields (-want +got):\n%s", b.EventName, diff)
		}
		if b.TargetURL != rc.URL+"/people" || b.WorkspaceID != a.workspaceID || b.WebhookID != hook ||
			b.ObjectMetadata.NameSingular != "person" || b.ObjectMetadata.ID == "" || b.Record["id"] != person {
			t.Errorf("%s body = %s", b.EventName, p.body)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", b.EventDate); err != nil {
			t.Errorf("eventDate %q is not an ISO date with milliseconds", b.EventDate)
		}
	}
	for _, e := range []string{"person.created", "person.updated", "person.deleted"} {
		if _, ok := byEvent[e]; !ok {
			t.Errorf("no %s POST (got %v)", e, byEvent)
		}
	}
	if u := byEvent["person.updated"]; u.Record["city"] != "Paris" || !cmp.Equal(u.UpdatedFields, []string{"city"}) {
		t.Errorf("person.updated: record.city %v, updatedFields %v; want Paris, [city]", u.Record["city"], u.UpdatedFields)
	}
	if c := byEvent["person.created"]; c.WorkspaceMemberID == "" {
		t.Errorf("person.created by a user has no workspaceMemberId")
	}
	if d := byEvent["person.deleted"]; d.Record["deletedAt"] == nil {
		t.Errorf("person.deleted's record has no deletedAt: %v", d.Record)
	}
	for _, d := range webhookDeliveries(t, a.access, hook) {
		if d.Status != "SUCCEEDED" || d.Attempts != 1 || len(d.AttemptLog) != 1 || d.AttemptLog[0].StatusCode == nil || *d.AttemptLog[0].StatusCode != 200 {
			t.Errorf("delivery %+v, want succeeded at the first attempt", d)
		}
	}

	// A receiver failing with 500: every attempt (WEBHOOK_MAX_ATTEMPTS=3 on the stack), then dead.
	failing := newWebhookReceiver(t)
	failing.answer(http.StatusInternalServerError)
	broken := createWebhook(t, a.access, failing.URL+"/companies", []string{"company.created"}, "")
	companyAt := time.Now()
	expect(send(http.MethodPost, "/rest/companies", `{"name":"Analytical Engines"}`), http.StatusCreated, "POST /rest/companies")
	var dead []deliveryNode
	eventually(t, 60*time.Second, "the company.created delivery dead", func() bool {
		dead = webhookDeliveries(t, a.access, broken)
		return len(dead) == 1 && dead[0].Status == "DEAD"
	})
	if n := len(failing.received("/companies")); n != 3 || len(dead[0].AttemptLog) != 3 {
		t.Fatalf("a dead delivery after %d POSTs and %d logged attempts, want 3 of each", n, len(dead[0].AttemptLog))
	}
	t.Logf("a failing delivery dead after %s (3 attempts, retries after 1 s and 2 s)", time.Since(companyAt).Round(100*time.Millisecond))
	for _, at := range dead[0].AttemptLog {
		if at.StatusCode == nil || *at.StatusCode != 500 || at.Error == nil || *at.Error != "the target answered 500" {
			t.Errorf("attempt %+v, want a 500", at)
		}
	}

	// Another workspace sees neither the log nor the replay.
	b := onboard(t, "/metadata")
	wantGQLError(t, "another workspace's log", gql(t, "/metadata", b.access, `query($id: UUID!) { webhookDeliveries(webhookId: $id) { totalCount } }`,
		map[string]any{"id": broken}), "NOT_FOUND", "Webhook not found")
	wantGQLError(t, "another workspace's replay", gql(t, "/metadata", b.access, `mutation($id: UUID!) { replayWebhookDeliveries(webhookId: $id) { id } }`,
		map[string]any{"id": broken}), "NOT_FOUND", "Webhook not found")

	// The receiver is fixed: a replay delivers once, however often it is asked.
	failing.answer(http.StatusOK)
	replayAt := time.Now()
	replayed := data[struct{ ReplayWebhookDeliveries []deliveryNode }](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!) { replayWebhookDeliveries(webhookId: $id) { id status } }`, map[string]any{"id": broken})).ReplayWebhookDeliveries
	if len(replayed) != 1 || replayed[0].ID != dead[0].ID || replayed[0].Status != "PENDING" {
		t.Fatalf("replayed %+v, want the dead delivery, pending", replayed)
	}
	again := data[struct{ ReplayWebhookDeliveries []deliveryNode }](t, gql(t, "/metadata", a.access,
		`mutation($id: UUID!, $ids: [UUID!]) { replayWebhookDeliveries(webhookId: $id, deliveryIds: $ids) { id } }`,
		map[string]any{"id": broken, "ids": []string{dead[0].ID}})).ReplayWebhookDeliveries
	if len(again) != 0 {
		t.Errorf("a second replay took %+v, want nothing (no longer dead)", again)
	}
	var done []deliveryNode
	eventually(t, 30*time.Second, "the replayed delivery succeeded", func() bool {
		done = webhookDeliveries(t, a.access, broken)
		return len(done) == 1 && done[0].Status == "SUCCEEDED"
	})
	t.Logf("replay mutation to delivered POST: %s", failing.received("/companies")[3].at.Sub(replayAt).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	if n := len(failing.received("/companies")); n != 4 || done[0].Attempts != 4 || len(done[0].AttemptLog) != 4 {
		t.Errorf("after the replay: %d POSTs, %d attempts, %d logged; want 4 of each", n, done[0].Attempts, len(done[0].AttemptLog))
	}
	if last := done[0].AttemptLog[len(done[0].AttemptLog)-1]; last.StatusCode == nil || *last.StatusCode != 200 || last.Error != nil {
		t.Errorf("the replayed attempt %+v, want a 200", last)
	}
}

// tokenClaim reads a string claim of a JWT's payload (not verified: the test's own token).
func tokenClaim(t *testing.T, token, claim string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("JWT payload: %v", err)
	}
	v, _ := claims[claim].(string)
	return v
}
