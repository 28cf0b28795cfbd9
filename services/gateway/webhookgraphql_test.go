package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
)

const webhookFields = `id targetUrl operations description secret applicationId createdAt updatedAt deletedAt`

func TestWebhookGraphQLCRUD(t *testing.T) {
	s, fake := webhookStack(t)
	token := sign(t, authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0))
	steps := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"create", `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { ` + webhookFields + ` } }`,
			map[string]any{"input": map[string]any{"targetUrl": "https://hooks.example.com/", "operations": []string{"person.created", "*.*"}, "description": "CRM"}},
			`{"createWebhook":{"id":"` + fakeWebhookID(1) + `","targetUrl":"https://hooks.example.com/","operations":["person.created","*.*"],"description":"CRM",
			  "secret":"generated","applicationId":"a0000000-0000-4000-8000-000000000000","createdAt":"2026-12-06T10:00:00.000Z","updatedAt":"2026-12-06T10:00:00.000Z","deletedAt":null}}`},
		{"list", `{ webhooks { id targetUrl description } }`, nil,
			`{"webhooks":[{"id":"` + fakeWebhookID(1) + `","targetUrl":"https://hooks.example.com/","description":"CRM"}]}`},
		{"one", `query($id: UUID!) { webhook(id: $id) { id operations } }`, map[string]any{"id": fakeWebhookID(1)},
			`{"webhook":{"id":"` + fakeWebhookID(1) + `","operations":["person.created","*.*"]}}`},
		{"update", `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { targetUrl operations description secret updatedAt } }`,
			map[string]any{"input": map[string]any{"id": fakeWebhookID(1), "update": map[string]any{"targetUrl": "https://b.example/", "description": nil, "secret": "s"}}},
			`{"updateWebhook":{"targetUrl":"https://b.example/","operations":["person.created","*.*"],"description":null,"secret":"s","updatedAt":"2026-12-06T11:00:00.000Z"}}`},
		{"delete", `mutation($id: UUID!) { deleteWebhook(id: $id) { id deletedAt } }`, map[string]any{"id": fakeWebhookID(1)},
			`{"deleteWebhook":{"id":"` + fakeWebhookID(1) + `","deletedAt":"2026-12-06T12:00:00.000Z"}}`},
		{"one after delete", `query($id: UUID!) { webhook(id: $id) { id } }`, map[string]any{"id": fakeWebhookID(1)}, `{"webhook":null}`},
		{"not a uuid", `{ webhook(id: "42") { id } }`, nil, `{"webhook":null}`},
		{"list after delete", `{ webhooks { id } }`, nil, `{"webhooks":[]}`},
	}
	for _, st := range steps {
		got := s.gqlPost(t, token, st.query, st.vars)
		if len(got.Errors) > 0 {
			t.Fatalf("%s: errors %+v", st.name, got.Errors)
		}
		if diff := cmp.Diff(jsonOf(t, st.want), jsonOf(t, string(got.Data))); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	for _, ws := range fake.seen {
		if ws != "ws-1" {
			t.Errorf("a call reached the jobs Worker for workspace %q, want the token's ws-1", ws)
		}
	}
}

func TestWebhookGraphQLErrors(t *testing.T) {
	s, _ := webhookStack(t)
	token := sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour)))
	other := sign(t, authtoken.AccessClaims("u-2", "ws-2", "m-2", "uw-2", "password", time.Now(), 0))
	agnostic := sign(t, authtoken.WorkspaceAgnosticClaims("u-1", "password", time.Now(), 0))
	created := s.gqlPost(t, token, `mutation { createWebhook(input: {targetUrl: "https://a.example/", operations: ["*.*"]}) { id } }`, nil)
	if len(created.Errors) > 0 {
		t.Fatalf("createWebhook: %+v", created.Errors)
	}
	id := fakeWebhookID(1)
	tests := []struct {
		name, token, query string
		message            string
		ext                map[string]any
	}{
		{"invalid target", token, `mutation { createWebhook(input: {targetUrl: "invalid-url", operations: ["*.*"]}) { id } }`,
			"Multiple validation errors occurred while creating webhook", map[string]any{
				"code": "METADATA_VALIDATION_FAILED", "message": "Validation failed for 1 webhook", "userFriendlyMessage": "Please provide a valid HTTP or HTTPS URL",
				"summary": map[string]any{"webhook": 1.0, "totalErrors": 1.0},
				"errors": map[string]any{"webhook": []any{map[string]any{"metadataName": "webhook", "type": "create", "flatEntityMinimalInformation": map[string]any{},
					"errors": []any{map[string]any{"code": "INVALID_TARGET_URL", "message": "Invalid target URL provided", "userFriendlyMessage": "Please provide a valid HTTP or HTTPS URL"}}}}},
			}},
		{"update not found", token, `mutation { updateWebhook(input: {id: "` + fakeWebhookID(9) + `", update: {secret: "x"}}) { id } }`,
			"Webhook not found", map[string]any{"code": "NOT_FOUND", "subCode": "WEBHOOK_NOT_FOUND", "userFriendlyMessage": "Webhook not found."}},
		{"other workspace updates", other, `mutation { updateWebhook(input: {id: "` + id + `", update: {secret: "x"}}) { id } }`,
			"Webhook not found", map[string]any{"code": "NOT_FOUND", "subCode": "WEBHOOK_NOT_FOUND", "userFriendlyMessage": "Webhook not found."}},
		{"other workspace deletes", other, `mutation { deleteWebhook(id: "` + id + `") { id } }`,
			"Webhook not found", map[string]any{"code": "NOT_FOUND", "subCode": "WEBHOOK_NOT_FOUND", "userFriendlyMessage": "Webhook not found."}},
		{"no token", "", `{ webhooks { id } }`, "Missing authentication token",
			map[string]any{"code": "UNAUTHENTICATED", "subCode": "UNAUTHENTICATED", "userFriendlyMessage": "You must be authenticated to perform this action."}},
		{"workspace-agnostic token", agnostic, `{ webhooks { id } }`, "Forbidden resource", map[string]any{"code": "FORBIDDEN"}},
		{"not a uuid", token, `{ webhook(id: "boom") { id } }`, "", nil}, // null, without a call
		{"storage failure", token, `{ webhook(id: "` + fakeWebhookID(666) + `") { id } }`, "Internal server error", map[string]any{"code": "INTERNAL_SERVER_ERROR"}},
	}
	for _, tt := range tests {
		got := s.gqlPost(t, tt.token, tt.query, nil)
		if tt.message == "" {
			if len(got.Errors) > 0 {
				t.Errorf("%s: errors %+v, want none", tt.name, got.Errors)
			}
			continue
		}
		if len(got.Errors) != 1 {
			t.Fatalf("%s: errors %+v, want one", tt.name, got.Errors)
		}
		if got.Errors[0].Message != tt.message {
			t.Errorf("%s: message %q, want %q", tt.name, got.Errors[0].Message, tt.message)
		}
		if diff := cmp.Diff(tt.ext, got.Errors[0].Extensions); diff != "" {
			t.Errorf("%s: extensions (-want +got):\n%s", tt.name, diff)
		}
	}
	// The other workspace sees none of ws-1's webhooks; ws-1's is untouched.
	if got := s.gqlPost(t, other, `{ webhooks { id } }`, nil); string(got.Data) != `{"webhooks":[]}` {
		t.Errorf("the other workspace's webhooks = %s, want none", got.Data)
	}
	if got := s.gqlPost(t, token, `{ webhook(id: "`+id+`") { secret } }`, nil); string(got.Data) != `{"webhook":{"secret":"generated"}}` {
		t.Errorf("ws-1's webhook after the other workspace's attempts = %s", got.Data)
	}
}

func TestWebhookREST(t *testing.T) {
	s, _ := webhookStack(t)
	auth := []string{"Authorization", "Bearer " + sign(t, authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour))), "Content-Type", "application/json"}
	steps := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{http.MethodPost, "/rest/webhooks", `{"targetUrl":"https://a.example/","operations":["*.*"]}`, 201,
			`{"id":"` + fakeWebhookID(1) + `","targetUrl":"https://a.example/","operations":["*.*"],"description":null,"secret":"generated",
			  "applicationId":"a0000000-0000-4000-8000-000000000000","createdAt":"2026-12-06T10:00:00.000Z","updatedAt":"2026-12-06T10:00:00.000Z","deletedAt":null}`},
		{http.MethodPost, "/rest/metadata/webhooks", `{"targetUrl":"https://b.example/","operations":["company.*"],"secret":"k"}`, 201, ""},
		{http.MethodPost, "/rest/metadata/webhooks", `{"targetUrl":"https://c.example/","operations":[]}`, 201, ""},
		{http.MethodGet, "/rest/webhooks", "", 200, ""},
		{http.MethodGet, "/rest/metadata/webhooks?limit=1&starting_after=" + fakeWebhookID(1), "", 200,
			`{"data":[{"id":"` + fakeWebhookID(2) + `","targetUrl":"https://b.example/","operations":["company.*"],"description":null,"secret":"k",
			  "applicationId":"a0000000-0000-4000-8000-000000000000","createdAt":"2026-12-06T10:00:00.000Z","updatedAt":"2026-12-06T10:00:00.000Z","deletedAt":null}],
			  "pageInfo":{"hasNextPage":true,"hasPreviousPage":true,"startCursor":"` + fakeWebhookID(2) + `","endCursor":"` + fakeWebhookID(2) + `"},"totalCount":3}`},
		{http.MethodGet, "/rest/metadata/webhooks?ending_before=" + fakeWebhookID(3), "", 200, ""},
		{http.MethodGet, "/rest/metadata/webhooks?starting_after=" + fakeWebhookID(9), "", 200,
			`{"data":[],"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":null,"endCursor":null},"totalCount":3}`},
		{http.MethodGet, "/rest/metadata/webhooks?limit=x", "", 400, `{"statusCode":400,"error":"BadRequestException","messages":["limit 'x' is invalid. Should be an integer"]}`},
		{http.MethodGet, "/rest/webhooks/" + fakeWebhookID(2), "", 200, ""},
		{http.MethodPatch, "/rest/webhooks/" + fakeWebhookID(2), `{"operations":["person.updated"],"description":"d"}`, 200, ""},
		{http.MethodPatch, "/rest/metadata/webhooks/" + fakeWebhookID(2), `{"targetUrl":"invalid-url"}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Invalid target URL provided"]}`},
		{http.MethodPost, "/rest/webhooks", `{"targetUrl":"invalid-url","operations":["*.*"]}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["Invalid target URL provided"]}`},
		{http.MethodPost, "/rest/webhooks", `[1]`, 400, `{"statusCode":400,"error":"BadRequestException","messages":["Request body must be an object"]}`},
		{http.MethodPost, "/rest/webhooks", `{"targetUrl":1,"operations":"*.*"}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["targetUrl must be a string","operations must be an array of strings"]}`},
		{http.MethodPost, "/rest/webhooks", `{"targetUrl":"https://a.example/"}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["operations must be an array of strings"]}`},
		{http.MethodPatch, "/rest/webhooks/" + fakeWebhookID(2), `{"operations":[1],"description":null}`, 400,
			`{"statusCode":400,"error":"BadRequestException","messages":["operations must be an array of strings"]}`},
		{http.MethodDelete, "/rest/metadata/webhooks/" + fakeWebhookID(2), "", 200, `true`},
		{http.MethodDelete, "/rest/webhooks/" + fakeWebhookID(2), "", 404, `{"statusCode":404,"error":"NotFoundException","messages":["Webhook not found"]}`},
		{http.MethodPatch, "/rest/webhooks/" + fakeWebhookID(7), `{}`, 404, `{"statusCode":404,"error":"NotFoundException","messages":["Webhook not found"]}`},
		{http.MethodDelete, "/rest/webhooks", "", 404, `{"statusCode":404,"error":"NotFoundException","messages":["Cannot DELETE /rest/webhooks"]}`},
	}
	for _, st := range steps {
		rec := s.do(t, st.method, st.path, st.body, auth...)
		if rec.Code != st.status {
			t.Errorf("%s %s = %d %s, want %d", st.method, st.path, rec.Code, rec.Body, st.status)
			continue
		}
		if st.want != "" {
			if diff := cmp.Diff(jsonOf(t, st.want), jsonOf(t, rec.Body.String())); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", st.method, st.path, diff)
			}
		}
	}
	if rec := s.do(t, http.MethodGet, "/rest/webhooks/"+fakeWebhookID(2), "", auth...); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Errorf("GET a deleted webhook = %d %q, want an empty 200 (Twenty's null)", rec.Code, rec.Body)
	}
	list := decode[[]map[string]any](t, s.do(t, http.MethodGet, "/rest/webhooks", "", auth...))
	if len(list) != 2 || list[0]["id"] != fakeWebhookID(1) || list[1]["id"] != fakeWebhookID(3) {
		t.Errorf("GET /rest/webhooks after a delete = %v, want webhooks 1 and 3", list)
	}
	back := decode[map[string]any](t, s.do(t, http.MethodGet, "/rest/metadata/webhooks?limit=1&ending_before="+fakeWebhookID(3), "", auth...))
	if data := back["data"].([]any); len(data) != 1 || data[0].(map[string]any)["id"] != fakeWebhookID(1) {
		t.Errorf("page before webhook 3 = %v, want webhook 1", back)
	}
}
