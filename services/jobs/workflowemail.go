package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/mail"
	"strings"
)

// This file is Twenty's SEND_EMAIL step ({connectedAccountId, recipients: {to, cc, bcc},
// subject, body}; the older {email}), sent through an HTTP email API rather than the connected
// Gmail or Outlook account Twenty sends from: one POST of {from, to, cc, bcc, subject, text,
// html} with the key as a bearer token (Resend's shape; Mailchannels-style gateways take it
// too), configured by the jobs Worker's EMAIL_API_URL, EMAIL_API_KEY and EMAIL_FROM. Without
// them the step fails saying so. Its output is Twenty's {success: true}.

// emailSender is the configured email API; a zero one is not configured.
type emailSender struct {
	url, key, from string
}

func (s emailSender) configured() bool { return s.url != "" && s.key != "" && s.from != "" }

// addressList splits Twenty's comma-separated recipients and checks each address.
func addressList(v any) ([]string, error) {
	text, _ := v.(string)
	var out []string
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, err := mail.ParseAddress(part)
		if err != nil {
			return nil, fmt.Errorf("invalid email address %q", part)
		}
		out = append(out, a.Address)
	}
	return out, nil
}

// sendEmail is SEND_EMAIL.
func (e *workflowEngine) sendEmail(ctx context.Context, in map[string]any) (stepOutput, error) {
	if !e.email.configured() {
		return stepOutput{}, failStep("Email sending is not configured: set EMAIL_API_URL, EMAIL_API_KEY and EMAIL_FROM")
	}
	recipients, _ := in["recipients"].(map[string]any)
	if recipients == nil {
		recipients = map[string]any{"to": in["email"]}
	}
	lists := map[string][]string{}
	for _, k := range []string{"to", "cc", "bcc"} {
		l, err := addressList(recipients[k])
		if err != nil {
			return stepOutput{}, failStep("%s", err.Error())
		}
		lists[k] = l
	}
	if len(lists["to"]) == 0 {
		return stepOutput{}, failStep("Email recipient is required")
	}
	subject, body := variableText(in["subject"]), variableText(in["body"])
	msg := map[string]any{"from": e.email.from, "to": lists["to"], "subject": subject, "text": body,
		"html": strings.ReplaceAll(html.EscapeString(body), "\n", "<br>")}
	for _, k := range []string{"cc", "bcc"} {
		if len(lists[k]) > 0 {
			msg[k] = lists[k]
		}
	}
	var refusal *emailRefusal
	switch err := e.email.post(ctx, e.http, msg); {
	case errors.As(err, &refusal) && refusal.status == 0:
		return stepOutput{}, failStep("Invalid EMAIL_API_URL: %s", refusal.answer)
	case errors.As(err, &refusal):
		return stepOutput{}, failStep("Email not sent: the email API answered %d: %s", refusal.status, refusal.answer)
	case err != nil:
		return stepOutput{}, err // the provider unreachable or busy: the job runs again
	}
	return stepOutput{result: map[string]any{"success": true}}, nil
}
