package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"connectrpc.com/connect"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// restWebhooks serves Twenty's webhook REST controller (webhook.controller.ts), which answers on
// both /rest/webhooks and /rest/metadata/webhooks:
//
//	GET    …/webhooks       the list: a plain array, or on /rest/metadata/ {"data":[…],"pageInfo":{…},"totalCount":N}
//	GET    …/webhooks/{id}  the webhook, or an empty 200 when there is none (Nest's null)
//	POST   …/webhooks       201 the created webhook (a CreateWebhookInput body)
//	PATCH  …/webhooks/{id}  the updated webhook (an UpdateWebhookInputUpdates body; PUT alike)
//	DELETE …/webhooks/{id}  true
//
// Refusals answer Twenty's envelope: 400 with every validation message, 404 for a webhook the
// workspace does not have, 409 for a taken id.
func (g *gateway) restWebhooks(w http.ResponseWriter, r *http.Request) {
	ws, id := principalFrom(r.Context()).WorkspaceID, r.PathValue("id")
	ctx := r.Context()
	// Twenty's webhook controller is guarded as its resolver: API_KEYS_AND_WEBHOOKS.
	if err := settingsFlagError(ctx, g.roles, "API_KEYS_AND_WEBHOOKS"); errors.Is(err, errNoSettingsFlag) {
		writeError(w, http.StatusForbidden, "", err.Error())
		return
	} else if err != nil {
		writeConnectError(w, err)
		return
	}
	switch method := r.Method; {
	case (method == http.MethodGet || method == http.MethodHead) && id == "":
		res, err := g.webhooks.ListWebhooks(ctx, &jobsv1.ListWebhooksRequest{WorkspaceId: ws})
		if err != nil {
			writeWebhookError(w, err)
			return
		}
		dtos := make([]map[string]any, len(res.GetWebhooks()))
		for i, h := range res.GetWebhooks() {
			dtos[i] = webhookDTO(h)
		}
		if strings.HasPrefix(r.URL.Path, "/rest/metadata/") {
			writeWebhookPage(w, r, dtos)
			return
		}
		writeJSON(w, http.StatusOK, dtos)
	case method == http.MethodGet || method == http.MethodHead:
		if !ids.IsUUID(id) {
			w.WriteHeader(http.StatusOK)
			return
		}
		res, err := g.webhooks.GetWebhook(ctx, &jobsv1.GetWebhookRequest{WorkspaceId: ws, Id: id})
		if connect.CodeOf(err) == connect.CodeNotFound {
			w.WriteHeader(http.StatusOK) // Twenty's findById answers null, which Nest sends as nothing
			return
		}
		if err != nil {
			writeWebhookError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, webhookDTO(res.GetWebhook()))
	case method == http.MethodPost && id == "":
		in, ok := webhookBody(w, r, true)
		if !ok {
			return
		}
		res, err := g.webhooks.CreateWebhook(ctx, createWebhookRequest(ws, in))
		if err != nil {
			writeWebhookError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, webhookDTO(res.GetWebhook()))
	case (method == http.MethodPatch || method == http.MethodPut) && id != "":
		in, ok := webhookBody(w, r, false)
		if !ok {
			return
		}
		res, err := g.webhooks.UpdateWebhook(ctx, updateWebhookRequest(ws, id, in))
		if err != nil {
			writeWebhookError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, webhookDTO(res.GetWebhook()))
	case method == http.MethodDelete && id != "":
		if _, err := g.webhooks.DeleteWebhook(ctx, &jobsv1.DeleteWebhookRequest{WorkspaceId: ws, Id: id}); err != nil {
			writeWebhookError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, true)
	default:
		notFound(w, r)
	}
}

// webhookBody reads a JSON object body (restInput has checked it is well-formed JSON) and holds
// its members to the types of CreateWebhookInput (create) or UpdateWebhookInputUpdates, as
// GraphQL's coercion holds the /metadata inputs: strings, an array of strings, null for an
// optional member; a creation needs operations.
func webhookBody(w http.ResponseWriter, r *http.Request, create bool) (map[string]any, bool) {
	body, ok := objectBody(w, r)
	if !ok {
		return nil, false
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "", "Request body must be an object")
		return nil, false
	}
	var msgs []string
	for _, k := range []string{"id", "targetUrl", "description", "secret"} {
		if v, present := in[k]; present && v != nil {
			if _, ok := v.(string); !ok {
				msgs = append(msgs, k+" must be a string")
			}
		}
	}
	ops, present := in["operations"]
	list, isList := ops.([]any)
	for _, op := range list {
		if _, ok := op.(string); !ok {
			isList = false
		}
	}
	if (present && ops != nil || create) && !isList {
		msgs = append(msgs, "operations must be an array of strings")
	}
	if len(msgs) > 0 {
		writeError(w, http.StatusBadRequest, "", msgs...)
		return nil, false
	}
	return in, true
}

// writeWebhookError answers a WebhookService refusal with Twenty's envelope, every validation
// message listed.
func writeWebhookError(w http.ResponseWriter, err error) {
	var ce *connect.Error
	if !errors.As(err, &ce) {
		writeConnectError(w, err)
		return
	}
	status, ok := connectStatus[ce.Code()]
	details := webhookErrors(ce)
	if !ok || len(details) == 0 {
		writeConnectError(w, err)
		return
	}
	msgs := make([]string, len(details))
	for i, d := range details {
		msgs[i] = d.GetMessage()
	}
	writeError(w, status, "", msgs...)
}

// writeWebhookPage answers a page of the list as Twenty's paginateMetadataRestItems does: the
// webhooks keep their order (oldest first), a cursor is a webhook id marking a position in it,
// limit is clamped to the largest metadata page, and a cursor no webhook has yields an empty page.
func writeWebhookPage(w http.ResponseWriter, r *http.Request, dtos []map[string]any) {
	q := r.URL.Query()
	limit := metadataMaxLimit
	if raw := q.Get("limit"); raw != "" {
		n, ok := restquery.Integer(raw)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "limit '"+raw+"' is invalid. Should be an integer")
			return
		}
		if n > 0 {
			limit = min(n, metadataMaxLimit)
		}
	}
	after, before := strings.ToLower(q.Get("starting_after")), strings.ToLower(q.Get("ending_before"))
	if after != "" && before != "" {
		writeError(w, http.StatusBadRequest, "", "'starting_after' and 'ending_before' cannot be used together.")
		return
	}
	for _, c := range []string{after, before} {
		if c != "" && !ids.IsUUID(c) {
			writeError(w, http.StatusBadRequest, "", "Invalid cursor: "+c)
			return
		}
	}
	at := -1
	if c := after + before; c != "" {
		at = len(dtos) // unknown cursor: nothing on either side
		for i, d := range dtos {
			if d["id"] == c {
				at = i
			}
		}
	}
	var window []map[string]any
	more := false
	switch {
	case before != "" && at < len(dtos):
		start := max(0, at-limit)
		window, more = dtos[start:at], start > 0
	case at < len(dtos):
		end := min(len(dtos), at+1+limit)
		window, more = dtos[at+1:end], end < len(dtos)
	}
	info := pageInfo{HasNextPage: more, HasPreviousPage: after != ""}
	if before != "" {
		info.HasNextPage, info.HasPreviousPage = true, more
	}
	if len(window) > 0 {
		start, end := window[0]["id"].(string), window[len(window)-1]["id"].(string)
		info.StartCursor, info.EndCursor = &start, &end
	}
	if window == nil {
		window = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": window, "pageInfo": info, "totalCount": len(dtos)})
}
