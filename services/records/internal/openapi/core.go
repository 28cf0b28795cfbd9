package openapi

import (
	"maps"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// CoreDocument returns the records API's document for a workspace whose objects are objects
// (Twenty's generateCoreSchema): per active object its paths, component schemas, tag and
// created/updated/deleted webhooks, with the shared parameters and error responses. A workspace
// without active objects gets the base document. serverURL is the API's base URL, <origin>/rest.
func CoreDocument(objects []metadata.Object, serverURL string) Document {
	doc := Base(Core, serverURL)
	active := activeObjects(objects)
	if len(active) == 0 {
		return doc
	}
	paths := doc["paths"].(obj)
	webhooks := obj{}
	plurals := make([]string, len(active))
	for i, o := range active {
		maps.Copy(paths, objectPaths(o))
		for _, action := range webhookActions {
			webhooks[webhookName(o.NameSingular, action)] = webhook(o.NameSingular, action)
		}
		plurals[i] = o.NamePlural
	}
	doc["webhooks"] = webhooks
	doc["tags"] = tags(plurals)
	doc["components"] = obj{
		"securitySchemes": securitySchemes(),
		"schemas":         objectSchemas(active),
		"parameters":      parameters(Core),
		"responses":       errorResponses(),
	}
	return doc
}

// activeObjects returns the active objects ordered by plural name, as Twenty orders them
// (localeCompare: letters before case).
func activeObjects(objects []metadata.Object) []metadata.Object {
	var out []metadata.Object
	for _, o := range objects {
		if o.IsActive {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b metadata.Object) int {
		if c := strings.Compare(strings.ToLower(a.NamePlural), strings.ToLower(b.NamePlural)); c != 0 {
			return c
		}
		return strings.Compare(a.NamePlural, b.NamePlural)
	})
	return out
}
