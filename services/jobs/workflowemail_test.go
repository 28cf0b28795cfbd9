package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSendEmailStep(t *testing.T) {
	rc := newReceiver(t)
	configured := emailSender{url: rc.URL + "/emails", key: "re_test", from: "Twenty <noreply@example.com>"}
	tests := []struct {
		name    string
		sender  emailSender
		in      map[string]any
		status  int
		want    map[string]any // the POSTed message; nil: none
		wantErr string
		retry   bool
	}{
		{"sent", configured, map[string]any{"connectedAccountId": "x", "recipients": map[string]any{"to": "ada@example.com, Grace <grace@example.com>", "cc": "linus@example.com"},
			"subject": "Hello", "body": "Hi <Ada>\nbye"}, 200,
			map[string]any{"from": "Twenty <noreply@example.com>", "to": []any{"ada@example.com", "grace@example.com"}, "cc": []any{"linus@example.com"},
				"subject": "Hello", "text": "Hi <Ada>\nbye", "html": "Hi &lt;Ada&gt;<br>bye"}, "", false},
		{"older email field", configured, map[string]any{"email": "ada@example.com", "subject": "S"}, 200,
			map[string]any{"from": "Twenty <noreply@example.com>", "to": []any{"ada@example.com"}, "subject": "S", "text": "", "html": ""}, "", false},
		{"not configured", emailSender{}, map[string]any{"email": "ada@example.com"}, 200, nil, "Email sending is not configured", false},
		{"no recipient", configured, map[string]any{"recipients": map[string]any{"to": ""}}, 200, nil, "Email recipient is required", false},
		{"bad address", configured, map[string]any{"email": "not an address"}, 200, nil, `invalid email address "not an address"`, false},
		{"refused by the API", configured, map[string]any{"email": "ada@example.com"}, 422, map[string]any{}, "the email API answered 422", false},
		{"API down", configured, map[string]any{"email": "ada@example.com"}, 503, map[string]any{}, "answered 503", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, _ := newTestEngine(t)
			e.email = tt.sender
			rc.answer(tt.status)
			before := len(rc.got())
			out, err := e.sendEmail(context.Background(), tt.in)
			_, isFailure := err.(*stepFailure)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("sendEmail: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || isFailure == tt.retry):
				t.Fatalf("sendEmail = %v, want %q (retry %v)", err, tt.wantErr, tt.retry)
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
			if len(tt.want) > 0 {
				var msg map[string]any
				_ = json.Unmarshal([]byte(got[0].body), &msg)
				if diff := cmp.Diff(tt.want, msg); diff != "" {
					t.Errorf("message (-want +got):\n%s", diff)
				}
			}
			if err == nil && !cmp.Equal(out.result, map[string]any{"success": true}) {
				t.Errorf("output = %v", out.result)
			}
		})
	}
}
