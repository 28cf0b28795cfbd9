// Package openapi builds the OpenAPI 3.1 documents Twenty serves at GET /rest/open-api/core and
// /rest/open-api/metadata, from a workspace's objects, so that Swagger UI and code generators work
// against this backend as they do against Twenty.
//
// The documents follow Twenty's (packages/twenty-server/src/engine/core-modules/open-api/:
// open-api.service.ts and utils/{base-schema,path,parameters,components,responses,request-body,
// get-error-responses,computeWebhooks,compute-schema-tags}.utils.ts, and
// src/engine/utils/convert-object-metadata-to-schema-properties.util.ts): the same paths,
// operation ids, component names and webhooks. Where Twenty's document disagrees with what its API
// does, they describe what this backend does: depth is 0 or 1 and defaults to 0, limit defaults to
// 60 and is at most 200, restore is PATCH /{plural}/{id}/restore and /{plural}/restore (Twenty
// documents /restore/{plural}…, a route it does not serve), the merge key is singular, groupBy
// answers a bare array, errors are {statusCode, error, messages}, the metadata list has totalCount
// and creating metadata answers 201. Random example values are fixed, so a document depends only
// on its inputs.
//
// A document is a tree of maps and slices: encoding/json writes map keys sorted, so the same
// input always gives the same bytes.
package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"strings"
)

// Version is the OpenAPI version the documents declare. Twenty declares 3.1.1, a revision of the
// specification with the same schema; 3.1.0 is the one every 3.1 tool recognises.
const Version = "3.1.0"

// apiVersion is the document's info.version, Twenty's API_Version.
const apiVersion = "v0.1"

// Kind names one of the two documents.
type Kind string

// The documents: the records API (/rest) and the metadata API (/rest/metadata).
const (
	Core     Kind = "core"
	Metadata Kind = "metadata"
)

// ParseKind answers the Kind spelled s, or false.
func ParseKind(s string) (Kind, bool) {
	switch k := Kind(s); k {
	case Core, Metadata:
		return k, true
	}
	return "", false
}

// Document is an OpenAPI document: JSON objects as maps, arrays as slices.
type Document map[string]any

// JSON encodes the document, keys sorted, without escaping HTML characters (descriptions hold
// "<token>" and "&").
func (d Document) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]any(d)); err != nil {
		return nil, fmt.Errorf("encode OpenAPI document: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// obj and arr keep the literals short.
type (
	obj = map[string]any
	arr = []any
)

// ref is a JSON reference to a component.
func ref(section, name string) obj {
	return obj{"$ref": "#/components/" + section + "/" + name}
}

// schemaRef is a reference to a component schema.
func schemaRef(name string) obj { return ref("schemas", name) }

// restRoot is the URL the /open-api/{kind} path is relative to: the core API's, which is the
// metadata API's without its /metadata segment.
func restRoot(kind Kind, serverURL string) string {
	if kind == Metadata {
		return strings.TrimSuffix(strings.TrimRight(serverURL, "/"), "/metadata")
	}
	return strings.TrimRight(serverURL, "/")
}

// Base returns the document served without a valid token: the API's description, server and
// security scheme, and the one path that fetches the document itself. serverURL is the API's
// base URL: <origin>/rest for core, <origin>/rest/metadata for metadata.
func Base(kind Kind, serverURL string) Document {
	return Document{
		"openapi": Version,
		"info": obj{
			"title":       "Twenty Api",
			"description": description(kind),
			"version":     apiVersion,
		},
		"servers": arr{obj{"url": strings.TrimRight(serverURL, "/"), "description": "Production Development"}},
		"components": obj{
			"securitySchemes": securitySchemes(),
		},
		"security": arr{obj{"bearerAuth": arr{}}},
		"externalDocs": obj{
			"description": "Find out more about **Twenty**",
			"url":         "https://twenty.com",
		},
		"paths": obj{"/open-api/" + string(kind): openAPIPath(restRoot(kind, serverURL))},
	}
}

func securitySchemes() obj {
	return obj{"bearerAuth": obj{
		"type":         "http",
		"scheme":       "bearer",
		"bearerFormat": "JWT",
		"description":  "An access token or an API key, sent as \"Authorization: Bearer <token>\".",
	}}
}

// openAPIPath is GET /open-api/{kind}, which answers this document.
func openAPIPath(root string) obj {
	return obj{"get": obj{
		"tags":        arr{"General"},
		"summary":     "Get Open Api Schema",
		"operationId": "GetOpenApiSchema",
		"servers":     arr{obj{"url": root}},
		"responses": obj{"200": obj{
			"description": "Successful operation",
			"content":     jsonContent(obj{"type": "object"}),
		}},
	}}
}

// jsonContent is the content of a JSON body with schema s.
func jsonContent(s obj) obj {
	return obj{"application/json": obj{"schema": s}}
}

// tags are the document's tags: General, then one per plural name.
func tags(plurals []string) arr {
	out := arr{obj{"name": "General", "description": "General requests"}}
	for _, p := range plurals {
		out = append(out, obj{"name": p, "description": "Object `" + metadata.UpperFirst(p) + "`"})
	}
	return out
}

// description is info.description: how to authenticate, filter, order and page.
func description(kind Kind) string {
	path := "/rest/companies"
	if kind == Metadata {
		path = "/rest/metadata/objects"
	}
	return `Use this page to explore and call the **REST API** of your workspace.

## Authentication

Send an access token or an API key with every request, in the Authorization header:

` + "```http\nAuthorization: Bearer <token>\n```" + `

A token in the URL (` + "`?token=`" + `) is never read. Without a valid token this document only
describes itself; with one it describes your workspace.

## Filters

` + "`filter=field[COMPARATOR]:value`" + `, several conditions separated by commas (all must hold).
Composite fields take a sub-field: ` + "`emails.primaryEmail[eq]:tim@apple.dev`" + `. Comparators:
` + "`eq`, `neq`, `in`, `containsAny`, `is`, `gt`, `gte`, `lt`, `lte`, `startsWith`, `endsWith`, `like`, `ilike`" + `
(` + "`%`" + ` is the wildcard of like and ilike). Conjunctions ` + "`and(…)`, `or(…)`, `not(…)`" + `
nest (not takes one condition). Quote strings and dates; ` + "`is`" + ` takes NULL or NOT_NULL.

` + "```text\nfilter=createdAt[gte]:\"2024-01-01\"\nfilter=id[in]:[\"id-1\",\"id-2\"]\nfilter=or(city[eq]:\"Paris\",companyId[is]:NULL)\n```" + `

## Pagination and ordering

Lists are paged by cursor: **limit** caps the page (default 60, at most 200; metadata lists
default to and allow 1000), **starting_after** takes the page's **pageInfo.endCursor** to go
forward and **ending_before** its **pageInfo.startCursor** to go back.
**order_by** is ` + "`field1,field2[DIRECTION]`" + ` with AscNullsFirst (the default), AscNullsLast,
DescNullsFirst or DescNullsLast; records of equal keys are ordered by id.

` + "```bash\ncurl -H 'Authorization: Bearer <token>' '<server>" + path + "?limit=60&starting_after=<endCursor>'\n```"
}
