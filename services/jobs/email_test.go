package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/cfworker"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/sqltest"
	"google.golang.org/protobuf/proto"
)

func TestEmailJob(t *testing.T) {
	rc := newReceiver(t)
	configured := emailSender{url: rc.URL + "/emails", key: "re_test", from: "Twenty <noreply@example.com>"}
	invite := `{"to":["grace@apple.dev"],"fromName":"Tim Cook (via Twenty)","subject":"Join your team on Twenty","text":"Hi","html":"<p>Hi</p>"}`
	tests := []struct {
		name    string
		sender  emailSender
		payload string
		status  int
		want    map[string]any // the POSTed message; nil: none
		dead    bool           // dead-lettered at once
		retry   bool           // retried
	}{
		{"sent as the inviter", configured, invite, 200, map[string]any{"from": `"Tim Cook (via Twenty)" <noreply@example.com>`, "to": []any{"grace@apple.dev"},
			"subject": "Join your team on Twenty", "text": "Hi", "html": "<p>Hi</p>"}, false, false},
		{"sent as EMAIL_FROM", configured, `{"to":["grace@apple.dev"],"subject":"S","text":"T","html":"H"}`, 200,
			map[string]any{"from": "Twenty <noreply@example.com>", "to": []any{"grace@apple.dev"}, "subject": "S", "text": "T", "html": "H"}, false, false},
		{"API down", configured, invite, 503, map[string]any{}, false, true},
		{"API busy", configured, invite, 429, map[string]any{}, false, true},
		{"refused", configured, invite, 422, map[string]any{}, true, false},
		{"not configured", emailSender{}, invite, 200, nil, false, true},
		{"no recipient", configured, `{"to":[],"subject":"S"}`, 200, nil, true, false},
		{"bad recipient", configured, `{"to":["not an address"],"subject":"S"}`, 200, nil, true, false},
		{"bad payload", configured, `not json`, 200, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc.answer(tt.status)
			before := len(rc.got())
			err := emailJobs{sender: tt.sender, http: &http.Client{}}.handle(context.Background(), &jobsv1.Job{Id: "j1", Type: emailJobType, Payload: []byte(tt.payload)})
			if gotDead := errors.Is(err, errJobDead); gotDead != tt.dead || (err != nil && !gotDead) != tt.retry {
				t.Fatalf("handle = %v, want dead %v retry %v", err, tt.dead, tt.retry)
			}
			got := rc.got()[before:]
			if tt.want == nil {
				if len(got) != 0 {
					t.Errorf("POSTed %d messages, want none", len(got))
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("POSTed %d messages, want 1", len(got))
			}
			if h := got[0].header.Get("Authorization"); h != "Bearer re_test" {
				t.Errorf("Authorization = %q", h)
			}
			if len(tt.want) == 0 {
				return
			}
			var msg map[string]any
			if err := json.Unmarshal([]byte(got[0].body), &msg); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, msg); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmailJobRedeliveredIsSentOnce(t *testing.T) {
	rc := newReceiver(t)
	db := sqltest.Open(t)
	c := &consumer{db: db, handlers: map[string]handlerFunc{}}
	e := emailJobs{sender: emailSender{url: rc.URL, key: "k", from: "a@example.com"}, http: &http.Client{}, db: db}
	c.handlers[emailJobType] = e.handle
	body, err := proto.Marshal(&jobsv1.Job{Id: "mail-1", Type: emailJobType, Payload: []byte(`{"to":["grace@apple.dev"],"subject":"S"}`)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		c.run(context.Background(), &cfworker.Message{ID: "m", Body: body, Attempts: 1})
	}
	if got := len(rc.got()); got != 1 {
		t.Errorf("a job delivered twice POSTed %d emails, want 1", got)
	}
}

func TestEmailSenderFrom(t *testing.T) {
	for _, tt := range []struct{ from, name, want string }{
		{"Twenty <noreply@example.com>", "", "Twenty <noreply@example.com>"},
		{"noreply@example.com", "Ada (via Twenty)", `"Ada (via Twenty)" <noreply@example.com>`},
		{"not an address", "Ada", "not an address"},
	} {
		if got := (emailSender{from: tt.from}).fromAs(tt.name); got != tt.want {
			t.Errorf("fromAs(%q) with EMAIL_FROM %q = %q, want %q", tt.name, tt.from, got, tt.want)
		}
	}
	if !strings.Contains((&emailRefusal{answer: "bad"}).Error(), "EMAIL_API_URL") {
		t.Error("a refusal without status does not name EMAIL_API_URL")
	}
}
