package openapi

// webhookActions are the record events Twenty documents webhooks for (DatabaseEventAction).
var webhookActions = []string{"created", "updated", "deleted"}

// webhookName names the webhook of an event: "Person Created" (Twenty's createWebhookEventName).
func webhookName(singular, action string) string {
	return capitalize(singular) + " " + capitalize(action)
}

// webhook is the request a webhook of action on object singular receives (Twenty's
// computeWebhooks in utils/computeWebhooks.utils.ts): the event, its object and workspace, the
// record, and for updates the names of the fields that changed.
func webhook(singular, action string) obj {
	header := func(name, doc string) obj {
		return obj{"in": "header", "name": name, "schema": obj{"type": "string"}, "description": doc, "required": false}
	}
	example := func(v string) obj { return obj{"type": "string", "example": v} }
	props := obj{
		"targetUrl": example("https://example.com/incomingWebhook"),
		"eventName": example(singular + "." + action),
		"objectMetadata": obj{"type": "object", "properties": obj{
			"id":           example("370985db-22d8-4463-8e5f-2271d30913bd"),
			"nameSingular": obj{"type": "string", "enum": arr{singular}},
		}},
		"workspaceId":       example("872cfcf1-c79f-42bc-877d-5829f06eb3f9"),
		"userId":            example("170ba418-85a2-4f91-8565-9cd714c6703a"),
		"workspaceMemberId": example(exampleUUID),
		"webhookId":         example("90056586-1228-4e03-a507-70140aa85c05"),
		"eventDate":         example("2024-02-14T11:27:01.779Z"),
		"record":            schemaRef(capitalize(singular) + "ForResponse"),
	}
	if action == "updated" {
		props["updatedFields"] = arrayOf(obj{"type": "string"})
	}
	return obj{"post": obj{
		"tags":     arr{singular},
		"security": arr{},
		"parameters": arr{
			header("X-Twenty-Webhook-Signature", "HMAC SHA256 of the request, keyed with the webhook's secret, as a hex digest. "+
				"To check it, compute the HMAC SHA256 of the X-Twenty-Webhook-Timestamp header, a colon (:) and the raw JSON body, "+
				"with the webhook's secret as the key, and compare the hex digests."),
			header("X-Twenty-Webhook-Timestamp", "Unix time in milliseconds when the webhook was sent. It is part of the signed text, against replays."),
			header("X-Twenty-Webhook-Nonce", "A unique identifier of this webhook request, against replays: a consumer should never accept a nonce twice."),
		},
		"requestBody": obj{"content": jsonContent(obj{"type": "object", "properties": props})},
		"responses": obj{"200": obj{
			"description": "Return a 200 status to indicate that the data was received successfully",
		}},
	}}
}
