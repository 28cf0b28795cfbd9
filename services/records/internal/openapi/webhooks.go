package openapi

import "github.com/twentyworkers/twenty/services/records/internal/metadata"

import "maps"

// webhookActions are the record events Twenty documents webhooks for (DatabaseEventAction).
var webhookActions = []string{"created", "updated", "deleted"}

// webhookName names the webhook of an event: "Person Created" (Twenty's createWebhookEventName).
func webhookName(singular, action string) string {
	return metadata.UpperFirst(singular) + " " + metadata.UpperFirst(action)
}

// webhook is the request a webhook of action on object singular receives (Twenty's
// computeWebhooks in utils/computeWebhooks.utils.ts; templates/webhook.json): the signature
// headers, the event, its object and workspace, the record, and for updates the names of the
// fields that changed.
func webhook(singular, action string) obj {
	w := maps.Clone(shared(webhookTemplate, append(names(singular, ""), "action", action)...))
	if action == "updated" {
		props := cloneAlong(w, "post", "requestBody", "content", "application/json", "schema", "properties")
		props["updatedFields"] = obj{"type": "array", "items": obj{"type": "string"}}
	}
	return w
}

// cloneAlong replaces the objects along path in root, which must be the caller's own, by copies
// of their own and returns the last one, which the caller may then change without touching a
// template's shared parts.
func cloneAlong(root obj, path ...string) obj {
	for _, key := range path {
		next := maps.Clone(root[key].(obj))
		root[key] = next
		root = next
	}
	return root
}
