//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"
)

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func TestHealthzThroughEveryBinding(t *testing.T) {
	r := get(t, "/healthz")
	type binding struct{ Kind, Status string }
	type service struct {
		Status   string
		Version  string
		Bindings map[string]binding
	}
	body := decode[struct {
		Status  string
		Error   map[string]service
		Details map[string]service
	}](t, r)
	if r.status != http.StatusOK || body.Status != "ok" || len(body.Error) != 0 {
		t.Fatalf("GET /healthz = %d %q, errors %v: want 200 ok", r.status, body.Status, body.Error)
	}
	got := map[string]map[string]string{}
	for name, s := range body.Details {
		if s.Status != "up" || s.Version == "" {
			t.Errorf("%s = %q version %q, want up with a version", name, s.Status, s.Version)
		}
		got[name] = map[string]string{}
		for b, st := range s.Bindings {
			got[name][b] = st.Kind + " " + st.Status
		}
	}
	want := map[string]map[string]string{
		"gateway":  {},
		"auth":     {"CONTROL": "d1 up", "CACHE": "kv up", "AUTH_KEY_SECRET": "secret up", "JOBS_QUEUE": "queue up"},
		"records":  {"CONTROL": "d1 up", "DB_0": "d1 up", "CACHE": "kv up", "JOBS_QUEUE": "queue up"},
		"files":    {"CONTROL": "d1 up", "FILES_BUCKET": "r2 up"},
		"jobs":     {"CONTROL": "d1 up", "JOBS_QUEUE": "queue up"},
		"realtime": {"ROOMS": "durable_object up"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bindings per service (-want +got):\n%s", diff)
	}
}

func TestConnectCallCarriesCallersAuthorization(t *testing.T) {
	token := randomHex(t, 24)
	reqID := "e2e-" + randomHex(t, 8)
	r := get(t, "/__dev/whoami", "Authorization", "Bearer "+token, "X-Request-Id", reqID)
	sum := sha256.Sum256([]byte(token))
	want := map[string]string{"scheme": "Bearer", "credentialSha256": hex.EncodeToString(sum[:]), "requestId": reqID}
	if diff := cmp.Diff(want, decode[map[string]string](t, r)); diff != "" {
		t.Errorf("what auth saw across the binding (-want +got):\n%s", diff)
	}
	if got := r.header.Get("X-Request-Id"); got != reqID {
		t.Errorf("response X-Request-Id = %q, want %q", got, reqID)
	}
}

type jobRun struct {
	Type, Status, LastError string
	Attempts                int
}

func enqueue(t *testing.T, jobType string) string {
	t.Helper()
	r := post(t, "/__dev/svc/jobs/enqueue", fmt.Sprintf(`{"type":%q,"workspaceId":"ws-e2e","payload":{"n":1}}`, jobType))
	id := decode[struct{ ID string }](t, r).ID
	if r.status != http.StatusOK || id == "" {
		t.Fatalf("enqueue %s = %d %s", jobType, r.status, r.body)
	}
	return id
}

func TestQueueConsumesAndDeadLetters(t *testing.T) {
	t.Parallel()
	ok, failing := enqueue(t, "diagnostic.ok"), enqueue(t, "diagnostic.fail")

	var run jobRun
	eventually(t, 20*time.Second, "the ok job is consumed", func() bool {
		r := get(t, "/__dev/svc/jobs/runs/"+ok)
		run = decode[jobRun](t, reply{r.status, r.header, orNull(r)})
		return r.status == http.StatusOK
	})
	if diff := cmp.Diff(jobRun{Type: "diagnostic.ok", Status: "succeeded", Attempts: 1}, run); diff != "" {
		t.Errorf("ok job run (-want +got):\n%s", diff)
	}

	// max_retries is 2: three deliveries, with 1 s and 2 s backoff, then the dead-letter queue.
	var dead struct {
		Queue, Type string
		Attempts    int
	}
	eventually(t, 60*time.Second, "the failing job reaches the dead-letter queue", func() bool {
		r := get(t, "/__dev/svc/jobs/dead-letters/"+failing)
		dead = decode[struct {
			Queue, Type string
			Attempts    int
		}](t, reply{r.status, r.header, orNull(r)})
		return r.status == http.StatusOK
	})
	if got := fmt.Sprint(dead.Queue, " ", dead.Type, " ", dead.Attempts); got != "twenty-jobs diagnostic.fail 3" {
		t.Errorf("dead letter = %q, want %q", got, "twenty-jobs diagnostic.fail 3")
	}
	run = decode[jobRun](t, get(t, "/__dev/svc/jobs/runs/"+failing))
	if diff := cmp.Diff(jobRun{Type: "diagnostic.fail", Status: "dead", Attempts: 3, LastError: "diagnostic job failed on purpose"}, run); diff != "" {
		t.Errorf("failing job run (-want +got):\n%s", diff)
	}
	// The job that succeeded was never delivered again.
	if run := decode[jobRun](t, get(t, "/__dev/svc/jobs/runs/"+ok)); run.Attempts != 1 {
		t.Errorf("ok job attempts = %d after the failing one died, want 1", run.Attempts)
	}
}

// orNull gives a JSON null for a non-200 reply, so polling can decode it.
func orNull(r reply) []byte {
	if r.status != http.StatusOK {
		return []byte("null")
	}
	return r.body
}

func TestCronTaskRunsOnDemand(t *testing.T) {
	r := post(t, "/__dev/svc/jobs/cron?cron=17+3+*+*+*", "")
	if r.status != http.StatusOK || strings.TrimSpace(string(r.body)) != `{"ran":true}` {
		t.Errorf("cron = %d %s, want 200 {\"ran\":true}", r.status, r.body)
	}
}

func TestWebSocketBroadcastThroughDurableObject(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	room := "room-" + randomHex(t, 6)
	url := "ws" + strings.TrimPrefix(need(t).BaseURL, "http") + "/ws?room=" + room
	var conns []*websocket.Conn
	for range 2 {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			t.Fatalf("dial %s: %v", url, err)
		}
		defer c.CloseNow()
		conns = append(conns, c)
	}
	event := fmt.Sprintf(`{"action":"created","recordId":%q}`, randomHex(t, 8))
	r := post(t, "/__dev/realtime/publish", fmt.Sprintf(`{"room":%q,"event":%s}`, room, event))
	if got := strings.TrimSpace(string(r.body)); r.status != http.StatusOK || got != `{"delivered":2}` {
		t.Fatalf("publish = %d %s, want 200 {\"delivered\":2}", r.status, r.body)
	}
	for i, c := range conns {
		_, msg, err := c.Read(ctx)
		if err != nil || string(msg) != event {
			t.Errorf("client %d read %q, %v; want %s", i, msg, err, event)
		}
	}
	// The room answers pings without waking Go.
	if err := conns[0].Write(ctx, websocket.MessageText, []byte("ping")); err != nil {
		t.Fatalf("write ping: %v", err)
	}
	if _, msg, err := conns[0].Read(ctx); err != nil || string(msg) != "pong" {
		t.Errorf("ping answered %q, %v; want pong", msg, err)
	}
	// Another room does not get the event.
	r = post(t, "/__dev/realtime/publish", `{"room":"room-nobody-here","event":{}}`)
	if got := strings.TrimSpace(string(r.body)); got != `{"delivered":0}` {
		t.Errorf("publish to an empty room = %s, want {\"delivered\":0}", got)
	}
}

func TestR2ObjectRoundTripsByteForByte(t *testing.T) {
	body := make([]byte, 300_000)
	rand.Read(body)
	path := "/__dev/svc/files/objects/e2e/" + randomHex(t, 6) + "/file%20name.bin"
	r := call(t, http.MethodPut, path, bytes.NewReader(body), "Content-Type", "application/x-e2e")
	if r.status != http.StatusNoContent {
		t.Fatalf("PUT = %d %s, want 204", r.status, r.body)
	}
	r = get(t, path)
	if r.status != http.StatusOK || !bytes.Equal(r.body, body) {
		t.Fatalf("GET = %d with %d bytes (equal: %v), want 200 and the same %d bytes", r.status, len(r.body), bytes.Equal(r.body, body), len(body))
	}
	if got := r.header.Get("Content-Type"); got != "application/x-e2e" {
		t.Errorf("Content-Type = %q, want application/x-e2e", got)
	}
	if r := call(t, http.MethodDelete, path, nil); r.status != http.StatusNoContent {
		t.Errorf("DELETE = %d, want 204", r.status)
	}
	if r := get(t, path); r.status != http.StatusNotFound {
		t.Errorf("GET after DELETE = %d, want 404", r.status)
	}
}

type instance struct {
	InstanceID     string `json:"instanceId"`
	RequestsServed int    `json:"requestsServed"`
}

func TestPanicAnswers500AndTheNextRequestIsHealthy(t *testing.T) {
	before := decode[instance](t, get(t, "/__dev/instance"))
	r := get(t, "/__dev/panic")
	want := envelope{500, "InternalServerErrorException", []string{"Internal server error"}}
	if diff := cmp.Diff(want, decode[envelope](t, r)); r.status != 500 || diff != "" {
		t.Errorf("GET /__dev/panic = %d (-want +got):\n%s", r.status, diff)
	}
	if r := get(t, "/healthz"); r.status != http.StatusOK {
		t.Errorf("GET /healthz after the panic = %d, want 200", r.status)
	}
	after := decode[instance](t, get(t, "/__dev/instance"))
	if after.InstanceID != before.InstanceID {
		t.Errorf("instance changed from %s to %s: a recovered panic must not restart Go", before.InstanceID, after.InstanceID)
	}
}

func TestGoExitStartsAFreshInstance(t *testing.T) {
	before := decode[instance](t, get(t, "/__dev/instance"))
	r := get(t, "/__dev/crash")
	if r.status != http.StatusInternalServerError {
		t.Errorf("GET /__dev/crash = %d %s, want 500", r.status, r.body)
	}
	after := decode[instance](t, get(t, "/__dev/instance"))
	if after.InstanceID == before.InstanceID || after.RequestsServed != 1 {
		t.Errorf("after the crash: instance %s served %d, want a new instance (not %s) serving its first request", after.InstanceID, after.RequestsServed, before.InstanceID)
	}
	if r := get(t, "/healthz"); r.status != http.StatusOK {
		t.Errorf("GET /healthz after the crash = %d, want 200", r.status)
	}
}

func TestOneGoInstanceServesManyRequests(t *testing.T) {
	before := decode[instance](t, get(t, "/__dev/instance"))
	const n = 25
	for range n {
		if r := get(t, "/__dev/direct"); r.status != http.StatusOK {
			t.Fatalf("GET /__dev/direct = %d", r.status)
		}
	}
	after := decode[instance](t, get(t, "/__dev/instance"))
	if after.InstanceID != before.InstanceID || after.RequestsServed-before.RequestsServed != n+1 {
		t.Errorf("instance %s→%s, served %d→%d; want one instance counting %d more", before.InstanceID, after.InstanceID, before.RequestsServed, after.RequestsServed, n+1)
	}
}

func TestWaitUntilUsesTheRequestsOwnContext(t *testing.T) {
	key := randomHex(t, 8)
	if r := post(t, "/__dev/wait-until/"+key, ""); r.status != http.StatusAccepted {
		t.Fatalf("POST wait-until = %d %s, want 202", r.status, r.body)
	}
	eventually(t, 10*time.Second, "the background write lands", func() bool {
		r := get(t, "/__dev/kv/wait-until/"+key)
		return r.status == http.StatusOK && string(r.body) == "done"
	})
}

func TestConformanceOnRealBindings(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/__dev/conformance", "/__dev/svc/records/conformance", "/__dev/svc/files/conformance", "/__dev/svc/jobs/conformance", "/__dev/svc/realtime/conformance"} {
		t.Run(strings.TrimPrefix(path, "/__dev/"), func(t *testing.T) {
			r := get(t, path)
			rep := decode[struct {
				Passed  bool
				Results []struct {
					Suite, Check, Error string
					Passed              bool
				}
			}](t, r)
			for _, res := range rep.Results {
				if !res.Passed {
					t.Errorf("%s / %s: %s", res.Suite, res.Check, res.Error)
				}
			}
			if r.status != http.StatusOK || !rep.Passed || len(rep.Results) == 0 {
				t.Errorf("GET %s = %d passed=%v with %d results", path, r.status, rep.Passed, len(rep.Results))
			}
		})
	}
}

func TestUnknownRouteIsTwentysEnvelope(t *testing.T) {
	r := get(t, "/no/such/route")
	want := envelope{404, "NotFoundException", []string{"Cannot GET /no/such/route"}}
	if diff := cmp.Diff(want, decode[envelope](t, r)); r.status != 404 || diff != "" {
		t.Errorf("GET /no/such/route = %d (-want +got):\n%s", r.status, diff)
	}
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS header without an Origin: %q", r.header.Get("Access-Control-Allow-Origin"))
	}
	r = get(t, "/healthz", "Origin", "https://app.example")
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
	}
}
