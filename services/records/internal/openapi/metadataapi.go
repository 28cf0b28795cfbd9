package openapi

import (
	"maps"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// metadataItem is one collection of the metadata API.
type metadataItem struct{ singular, plural string }

// metadataItems are the collections this backend's /rest/metadata serves. Twenty also documents
// webhooks, apiKeys, views and page layouts there; they are not served here.
var metadataItems = []metadataItem{{"object", "objects"}, {"field", "fields"}}

// MetadataDocument returns the metadata API's document (Twenty's generateMetaDataSchema): list,
// create, get, update and delete of objects and fields (templates/metadata-paths.json), with the
// legacy envelopes /rest/metadata answers: totalCount beside pageInfo, 201 on create, the deleted
// object or field on delete.
// serverURL is the API's base URL, <origin>/rest/metadata.
func MetadataDocument(serverURL string) Document {
	doc := Base(Metadata, serverURL)
	paths := doc["paths"].(obj)
	plurals := make([]string, len(metadataItems))
	for i, it := range metadataItems {
		maps.Copy(paths, shared(metadataPathsTemplate, names(it.singular, it.plural)...))
		plurals[i] = it.plural
	}
	doc["tags"] = tags(plurals)
	doc["components"] = obj{
		"securitySchemes": securitySchemes(),
		"schemas":         metadataSchemas(),
		"parameters":      parameters(Metadata),
		"responses":       errorResponses(),
	}
	return doc
}

// metadataSchemas are the component schemas of objects and fields, named as Twenty's
// computeMetadataSchemaComponents (utils/components.utils.ts) names them: Object, Objects,
// ObjectForUpdate, ObjectForResponse, ObjectsForResponse, and the same for Field, whose type is one
// of the field types. Their properties are the inputs this backend reads and the DTOs it answers
// (internal/metadata dto.go, dto_input.go; templates/metadata-schemas.json).
func metadataSchemas() obj {
	schemas := maps.Clone(shared(metadataSchemasTemplate))
	types := arr{}
	for _, t := range metadata.FieldTypes() {
		types = append(types, string(t))
	}
	for _, name := range []string{"Field", "FieldForResponse"} {
		cloneAlong(schemas, name, "properties", "type")["enum"] = types
	}
	return schemas
}
