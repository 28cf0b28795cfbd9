package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"

	"github.com/twentyworkers/twenty/shared/d1"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// emailJobType is the job another Worker enqueues to send one email (the auth Worker's workspace
// invitations): the payload is emailJobPayload, sent through the same email API as SEND_EMAIL
// steps. The queue retries it until the API accepts it; an answer that will never change (a 4xx,
// a bad payload) dead-letters it at once, where it can be seen and replayed.
const emailJobType = "email.send"

type emailJobPayload struct {
	To []string `json:"to"`
	// FromName, when set, replaces the display name of EMAIL_FROM ("Tim Cook (via Twenty)").
	FromName string `json:"fromName"`
	Subject  string `json:"subject"`
	Text     string `json:"text"`
	HTML     string `json:"html"`
}

// emailRefusal is an answer of the email API that a retry will not change.
type emailRefusal struct {
	status int
	answer string
}

func (e *emailRefusal) Error() string {
	if e.status == 0 {
		return "invalid EMAIL_API_URL: " + e.answer
	}
	return fmt.Sprintf("the email API answered %d: %s", e.status, e.answer)
}

// post sends one message ({from, to, cc, bcc, subject, text, html}) to the email API. It answers
// nil when the API accepted it, an *emailRefusal for a 4xx other than 429, and any other error
// (unreachable, 429, 5xx) for a retry.
func (s emailSender) post(ctx context.Context, client httpDoer, msg map[string]any) error {
	payload, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode email: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, httpStepTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(payload))
	if err != nil {
		return &emailRefusal{answer: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.key)
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("send email: %w", err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
	switch {
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		return fmt.Errorf("send email: the email API answered %d", res.StatusCode)
	case res.StatusCode >= 300:
		return &emailRefusal{status: res.StatusCode, answer: strings.TrimSpace(string(answer))}
	}
	return nil
}

// fromAs answers the From header: EMAIL_FROM, its display name replaced by name when one is given.
func (s emailSender) fromAs(name string) string {
	if name == "" {
		return s.from
	}
	a, err := mail.ParseAddress(s.from)
	if err != nil {
		return s.from
	}
	return (&mail.Address{Name: name, Address: a.Address}).String()
}

// emailJobs sends email.send jobs.
type emailJobs struct {
	sender emailSender
	http   httpDoer
	// db holds job_runs: a job the consumer recorded as succeeded is not sent again when the queue
	// delivers it twice (nil: no such check).
	db *d1.DB
}

// sent reports whether the job already succeeded.
func (e emailJobs) sent(ctx context.Context, id string) (bool, error) {
	if e.db == nil {
		return false, nil
	}
	var n int
	if err := e.db.QueryRowContext(ctx, `SELECT count(*) FROM job_runs WHERE id = ? AND status = 'succeeded'`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("read job run: %w", err)
	}
	return n > 0, nil
}

// handle implements handlerFunc for email.send.
func (e emailJobs) handle(ctx context.Context, job *jobsv1.Job) error {
	var p emailJobPayload
	if err := json.Unmarshal(job.GetPayload(), &p); err != nil {
		return fmt.Errorf("email job payload: %v: %w", err, errJobDead)
	}
	if len(p.To) == 0 {
		return fmt.Errorf("email job without a recipient: %w", errJobDead)
	}
	for _, to := range p.To {
		if _, err := mail.ParseAddress(to); err != nil {
			return fmt.Errorf("email job: invalid email address %q: %w", to, errJobDead)
		}
	}
	if done, err := e.sent(ctx, job.GetId()); err != nil || done {
		return err // a redelivery of a sent email: nothing to do
	}
	if !e.sender.configured() {
		// Retried, then dead-lettered (and replayable) until EMAIL_API_* are set: never dropped.
		return fmt.Errorf("email sending is not configured: set EMAIL_API_URL, EMAIL_API_KEY and EMAIL_FROM")
	}
	err := e.sender.post(ctx, e.http, map[string]any{"from": e.sender.fromAs(p.FromName), "to": p.To, "subject": p.Subject, "text": p.Text, "html": p.HTML})
	var refusal *emailRefusal
	if errors.As(err, &refusal) {
		return fmt.Errorf("email not sent: %s: %w", refusal.Error(), errJobDead)
	}
	return err
}
