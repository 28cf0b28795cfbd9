package openapi

// This file holds the request bodies and responses (Twenty's utils/request-body.utils.ts,
// responses.utils.ts and get-error-responses.utils.ts), with the shapes this backend answers.

// errorResponses are the error response components: Twenty's REST envelope
// {"statusCode":400,"error":"BadRequestException","messages":["…"]}.
func errorResponses() obj {
	envelope := func(description string, status int, name, message string) obj {
		return obj{
			"description": description,
			"content": jsonContent(obj{
				"type": "object",
				"properties": obj{
					"statusCode": obj{"type": "integer"},
					"error":      obj{"type": "string"},
					"messages":   obj{"type": "array", "items": obj{"type": "string"}},
				},
				"example": obj{"statusCode": status, "error": name, "messages": arr{message}},
			}),
		}
	}
	return obj{
		"400": envelope("Bad Request", 400, "BadRequestException", "limit 'x' is invalid. Should be an integer"),
		"401": envelope("Unauthorized", 401, "UNAUTHENTICATED", "Token invalid."),
		"404": envelope("Not Found", 404, "NotFoundException", "Record not found"),
	}
}

// errorRefs are the error responses every operation can give; byID adds 404.
func errorRefs(byID bool) obj {
	out := obj{"400": ref("responses", "400"), "401": ref("responses", "401")}
	if byID {
		out["404"] = ref("responses", "404")
	}
	return out
}

// responses are an operation's responses: one success and the errors.
func responses(status string, success obj, byID bool) obj {
	out := errorRefs(byID)
	out[status] = success
	return out
}

// success is a successful JSON response with schema s.
func success(s obj) obj {
	return obj{"description": "Successful operation", "content": jsonContent(s)}
}

// dataOf is {"data":{key: s}}.
func dataOf(key string, s obj) obj {
	return obj{"type": "object", "properties": obj{"data": obj{"type": "object", "properties": obj{key: s}}}}
}

func arrayOf(s obj) obj { return obj{"type": "array", "items": s} }

// idOnly is {"id": uuid}, what a delete answers.
func idOnly() obj {
	return obj{"type": "object", "properties": obj{"id": obj{"type": "string", "format": "uuid"}}}
}

// pageInfo is a list's pageInfo. Record cursors are opaque strings; metadata cursors are ids and
// have no hasPreviousPage.
func pageInfo(kind Kind) obj {
	if kind == Metadata {
		return obj{"type": "object", "properties": obj{
			"hasNextPage": obj{"type": "boolean"},
			"startCursor": obj{"type": "string", "format": "uuid"},
			"endCursor":   obj{"type": "string", "format": "uuid"},
		}}
	}
	return obj{"type": "object", "properties": obj{
		"hasNextPage":     obj{"type": "boolean"},
		"hasPreviousPage": obj{"type": "boolean"},
		"startCursor":     obj{"type": "string"},
		"endCursor":       obj{"type": "string"},
	}}
}

// findManyResponse is {"data":{"people":[…]},"totalCount":N,"pageInfo":{…}}.
func findManyResponse(kind Kind, singular, plural string) obj {
	s := dataOf(plural, arrayOf(schemaRef(capitalize(singular)+"ForResponse")))
	props := s["properties"].(obj)
	props["totalCount"] = obj{"type": "integer"}
	props["pageInfo"] = pageInfo(kind)
	return success(s)
}

// body is a required JSON request body with schema s.
func body(s obj) obj {
	return obj{"description": "body", "required": true, "content": jsonContent(s)}
}

// duplicatesBody is POST /{plural}/duplicates's body: records to compare, or ids of records.
func duplicatesBody(schema string) obj {
	return body(obj{
		"type": "object",
		"properties": obj{
			"data": arrayOf(schemaRef(schema)),
			"ids":  arrayOf(obj{"type": "string", "format": "uuid"}),
		},
		"example": obj{"ids": arr{exampleUUID}},
	})
}

// mergeBody is PATCH /{plural}/merge's body.
func mergeBody() obj {
	return body(obj{
		"type": "object",
		"properties": obj{
			"ids": obj{
				"type": "array", "description": "The IDs of the records to merge",
				"items": obj{"type": "string", "format": "uuid"},
			},
			"conflictPriorityIndex": obj{"type": "number", "description": "The index of the record to use when conflicts occur"},
			"dryRun": obj{
				"type": "boolean", "default": false,
				"description": "If true, the merge will not be performed and a preview of the merge will be returned.",
			},
		},
		"example":  obj{"ids": arr{exampleUUID, "370985db-22d8-4463-8e5f-2271d30913bd"}, "conflictPriorityIndex": 0, "dryRun": false},
		"required": arr{"ids", "conflictPriorityIndex"},
	})
}

// duplicatesResponse is {"data":[{"personDuplicates":[…],"totalCount":N,"pageInfo":{…}}]}, one
// entry per record or id given.
func duplicatesResponse(singular string) obj {
	return success(obj{"type": "object", "properties": obj{"data": arrayOf(obj{
		"type": "object",
		"properties": obj{
			singular + "Duplicates": arrayOf(schemaRef(capitalize(singular) + "ForResponse")),
			"totalCount":            obj{"type": "integer"},
			"pageInfo":              pageInfo(Core),
		},
	})}})
}

// groupByResponse is the bare array GET /{plural}/groupBy answers, one entry per group.
func groupByResponse(singular string) obj {
	return success(arrayOf(obj{
		"type": "object",
		"properties": obj{
			"groupByDimensionValues": obj{
				"type": "array", "description": "The group's value of each group_by dimension",
				"items": obj{"type": "string"},
			},
			"records": obj{
				"type": "array", "description": "A sample of the group's records (with include_records_sample=true)",
				"items": schemaRef(capitalize(singular) + "ForResponse"),
			},
		},
		"additionalProperties": obj{
			"type":        arr{"number", "string", "null"},
			"description": "The aggregate values, keyed by operation (countNotEmptyId, maxAmountAmountMicros…)",
		},
	}))
}
