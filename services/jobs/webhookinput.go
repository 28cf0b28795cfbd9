package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

// Twenty's WebhookExceptionCode values (webhook.exception.ts), carried in WebhookError.code.
const (
	codeNotFound      = "WEBHOOK_NOT_FOUND"
	codeAlreadyExists = "WEBHOOK_ALREADY_EXISTS"
	codeInvalidInput  = "INVALID_WEBHOOK_INPUT"
	codeInvalidURL    = "INVALID_TARGET_URL"
)

// Limits of an input, so that a row stays small and a list stays cheap to match events against.
const (
	maxOperations      = 100
	maxOperationLength = 100
	maxDescription     = 2000
	maxSecret          = 512
)

// refusal is a request the service refuses: a Connect code and Twenty's error(s) as details.
// The server's handlers return it as is; toConnect makes it the Connect error.
type refusal struct {
	code   connect.Code
	errors []*jobsv1.WebhookError
}

func (r *refusal) Error() string {
	msgs := make([]string, len(r.errors))
	for i, e := range r.errors {
		msgs[i] = e.GetMessage()
	}
	return strings.Join(msgs, "; ")
}

func webhookError(code, message, userFriendly string) *jobsv1.WebhookError {
	return &jobsv1.WebhookError{Code: code, Message: message, UserFriendlyMessage: userFriendly}
}

func refuse(code connect.Code, errs ...*jobsv1.WebhookError) *refusal {
	return &refusal{code: code, errors: errs}
}

var errWebhookNotFound = refuse(connect.CodeNotFound, webhookError(codeNotFound, "Webhook not found", "Webhook not found."))

// webhookRefusals is the one place where the WebhookService's errors become Connect errors: a
// refusal carries its code and WebhookError details; anything else passes on to rpc's interceptor,
// which logs it and answers an opaque internal error.
func webhookRefusals() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			res, err := next(ctx, req)
			var r *refusal
			if !errors.As(err, &r) {
				return res, err
			}
			ce := connect.NewError(r.code, errors.New(r.Error()))
			for _, e := range r.errors {
				if d, derr := connect.NewErrorDetail(e); derr == nil {
					ce.AddDetail(d)
				}
			}
			return nil, ce
		}
	}
}

func needWorkspace(id string) error {
	if id == "" {
		return refuse(connect.CodeInvalidArgument, webhookError(codeInvalidInput, "workspace_id is required", "Invalid webhook input."))
	}
	return nil
}

// createInput is a CreateWebhookRequest checked and normalized.
type createInput struct {
	id, targetURL string
	operations    []string
	description   *string
	secret        string
}

// checkCreate validates a creation as Twenty's FlatWebhookValidatorService does (a target URL
// is required and must be http or https), and adds what Twenty leaves to delivery: the target's
// host must be public (webhookurl), and operations must name events. All problems are reported
// together, as Twenty's migration validation reports them.
func (s *webhookServer) checkCreate(req *jobsv1.CreateWebhookRequest) (createInput, error) {
	in := createInput{id: strings.ToLower(req.GetId()), operations: req.GetOperations()}
	var errs []*jobsv1.WebhookError
	if in.id == "" {
		in.id = ids.NewUUID()
	} else if !ids.IsUUID(in.id) {
		errs = append(errs, webhookError(codeInvalidInput, "id must be a UUID", "Invalid webhook input."))
	}
	in.targetURL, errs = s.checkTarget(req.GetTargetUrl(), errs)
	errs = checkOperations(in.operations, errs)
	if req.Description != nil {
		d := collapseSpaces(req.GetDescription())
		in.description = &d
		errs = checkLength("description", d, maxDescription, errs)
	}
	in.secret = newSecret()
	if req.Secret != nil {
		in.secret = req.GetSecret()
		errs = checkLength("secret", in.secret, maxSecret, errs)
	}
	if len(errs) > 0 {
		return createInput{}, refuse(connect.CodeInvalidArgument, errs...)
	}
	return in, nil
}

// checkUpdate validates an update like a creation, field by field, and answers the SET clauses
// and their arguments.
func (s *webhookServer) checkUpdate(req *jobsv1.UpdateWebhookRequest) (sets []string, args []any, err error) {
	var errs []*jobsv1.WebhookError
	if !ids.IsUUID(req.GetId()) {
		return nil, nil, errWebhookNotFound
	}
	if req.TargetUrl != nil {
		var u string
		u, errs = s.checkTarget(req.GetTargetUrl(), errs)
		sets, args = append(sets, "target_url = ?"), append(args, u)
	}
	if req.Operations != nil {
		ops := req.GetOperations().GetValues()
		errs = checkOperations(ops, errs)
		b, err := json.Marshal(append([]string{}, ops...))
		if err != nil {
			return nil, nil, fmt.Errorf("encode operations: %w", err)
		}
		sets, args = append(sets, "operations = ?"), append(args, string(b))
	}
	switch {
	case req.GetClearDescription():
		sets = append(sets, "description = NULL")
	case req.Description != nil:
		d := collapseSpaces(req.GetDescription())
		errs = checkLength("description", d, maxDescription, errs)
		sets, args = append(sets, "description = ?"), append(args, d)
	}
	if req.Secret != nil {
		errs = checkLength("secret", req.GetSecret(), maxSecret, errs)
		sets, args = append(sets, "secret = ?"), append(args, req.GetSecret())
	}
	if len(errs) > 0 {
		return nil, nil, refuse(connect.CodeInvalidArgument, errs...)
	}
	return sets, args, nil
}

// checkTarget normalizes a target URL (trimmed, inner whitespace collapsed as Twenty's
// trimAndRemoveDuplicatedWhitespacesFromObjectStringProperties does, then new URL(...).toString())
// and appends its problems to errs.
func (s *webhookServer) checkTarget(raw string, errs []*jobsv1.WebhookError) (string, []*jobsv1.WebhookError) {
	raw = collapseSpaces(raw)
	if raw == "" {
		errs = append(errs, webhookError(codeInvalidInput, "Target URL is required", "Target URL is required"))
	}
	u, err := s.targets.Normalize(raw)
	switch {
	case errors.Is(err, webhookurl.ErrForbiddenHost):
		errs = append(errs, webhookError(codeInvalidURL,
			"Invalid target URL provided: its host is a private, loopback, link-local or reserved address",
			"Please provide a public HTTP or HTTPS URL"))
	case err != nil:
		errs = append(errs, webhookError(codeInvalidURL, "Invalid target URL provided", "Please provide a valid HTTP or HTTPS URL"))
	}
	return u, errs
}

// checkOperations holds each operation to the event names webhooks match (Twenty's
// computeWebhookOperationsToMatch): "<object>.<action>" where either part may be "*", or a
// metadata event "metadata.<name>.<action>".
func checkOperations(ops []string, errs []*jobsv1.WebhookError) []*jobsv1.WebhookError {
	if len(ops) > maxOperations {
		return append(errs, webhookError(codeInvalidInput, fmt.Sprintf("A webhook takes at most %d operations", maxOperations), "Invalid webhook input."))
	}
	for _, op := range ops {
		if !validOperation(op) {
			errs = append(errs, webhookError(codeInvalidInput,
				fmt.Sprintf("Invalid operation %q: expected \"<object>.<action>\" such as \"person.created\", \"*.updated\", \"company.*\" or \"*.*\"", truncate(op, maxOperationLength)),
				"Invalid webhook input."))
		}
	}
	return errs
}

func validOperation(op string) bool {
	if len(op) > maxOperationLength {
		return false
	}
	parts := strings.Split(op, ".")
	if len(parts) == 3 && parts[0] == "metadata" {
		parts = parts[1:]
	}
	if len(parts) != 2 {
		return false
	}
	for _, p := range parts {
		if p != "*" && !isName(p) {
			return false
		}
	}
	return true
}

// isName reports whether s is an object name or action: a letter, then letters, digits or _.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}

func checkLength(field, v string, limit int, errs []*jobsv1.WebhookError) []*jobsv1.WebhookError {
	if len(v) > limit {
		errs = append(errs, webhookError(codeInvalidInput, fmt.Sprintf("%s is longer than %d bytes", field, limit), "Invalid webhook input."))
	}
	return errs
}

// collapseSpaces trims s and replaces every run of whitespace inside it with one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
