//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// emailProvider is the stack's email API (the jobs Worker's EMAIL_API_URL, set in TestMain):
// a local HTTP receiver that keeps what it is sent, started before the stack.
var emailProvider = newEmailProvider()

type emailAPI struct {
	*httptest.Server
	mu   sync.Mutex
	sent []emailSent
}

type emailSent struct {
	auth string
	msg  map[string]any
}

func newEmailProvider() *emailAPI {
	p := &emailAPI{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &msg)
		p.mu.Lock()
		p.sent = append(p.sent, emailSent{r.Header.Get("Authorization"), msg})
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"email-1"}`))
	}))
	return p
}

// emailProviderEnv configures the jobs Worker to send through emailProvider.
func emailProviderEnv() map[string]string {
	return map[string]string{"EMAIL_API_URL": emailProvider.URL + "/emails", "EMAIL_API_KEY": "re_e2e", "EMAIL_FROM": "Twenty <noreply@example.com>"}
}

func (p *emailAPI) to(addr string) []emailSent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []emailSent
	for _, s := range p.sent {
		if to, _ := s.msg["to"].([]any); len(to) > 0 && to[0] == addr {
			out = append(out, s)
		}
	}
	return out
}

// TestWorkflowSendEmail: a person created sends them a welcome email through the configured
// email API.
func TestWorkflowSendEmail(t *testing.T) {
	a := onboard(t, "/metadata")
	addr := "ada." + newUUID(t)[:8] + "@example.com"
	trigger := map[string]any{"type": "DATABASE_EVENT", "settings": map[string]any{"eventName": "person.created"}, "nextStepIds": []string{"mail"}}
	steps := []map[string]any{{"id": "mail", "name": "Welcome", "type": "SEND_EMAIL", "valid": true, "nextStepIds": []string{},
		"settings": map[string]any{"input": map[string]any{"connectedAccountId": newUUID(t),
			"recipients": map[string]any{"to": "{{trigger.emails.primaryEmail}}"}, "subject": "Welcome {{trigger.name.firstName}}", "body": "Hello!"}}}}
	_, version := createWorkflowVersion(t, a.access, "Welcome", trigger, steps)
	if r := gql(t, "/graphql", a.access, `mutation($id: UUID!) { activateWorkflowVersion(workflowVersionId: $id) }`, map[string]any{"id": version}); len(r.Errors) > 0 {
		t.Fatalf("activate: %+v", r.Errors)
	}
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	expect(send(http.MethodPost, "/rest/people", `{"name":{"firstName":"Ada"},"emails":{"primaryEmail":"`+addr+`"}}`), http.StatusCreated, "POST /rest/people")
	run := awaitRun(t, a.access, `{"workflowVersionId":{"eq":"`+version+`"}}`)
	if run.Status != "COMPLETED" || string(run.State.StepInfos["mail"].Result) != `{"success":true}` {
		t.Fatalf("run = %+v", run)
	}
	var sent []emailSent
	eventually(t, 5*time.Second, "the email", func() bool { sent = emailProvider.to(addr); return len(sent) > 0 })
	if len(sent) != 1 || sent[0].auth != "Bearer re_e2e" || sent[0].msg["subject"] != "Welcome Ada" || sent[0].msg["from"] != "Twenty <noreply@example.com>" {
		t.Errorf("sent = %+v", sent)
	}
}

// withEnv answers env with more's entries added.
func withEnv(env, more map[string]string) map[string]string {
	for k, v := range more {
		env[k] = v
	}
	return env
}
