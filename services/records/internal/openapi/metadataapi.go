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
// create, get, update and delete of objects and fields, with the legacy envelopes
// /rest/metadata answers. serverURL is the API's base URL, <origin>/rest/metadata.
func MetadataDocument(serverURL string) Document {
	doc := Base(Metadata, serverURL)
	paths := doc["paths"].(obj)
	plurals := make([]string, len(metadataItems))
	for i, it := range metadataItems {
		s, p := it.singular, it.plural
		S := capitalize(s)
		response := schemaRef(S + "ForResponse")
		paths["/"+p] = obj{
			"get": with(operation(p, "Find Many "+p, "findMany"+capitalize(p), "limit", "startingAfter", "endingBefore"),
				"responses", responses("200", findManyResponse(Metadata, s, p), false)),
			"post": with(operation(p, "Create One "+s, "createOne"+S),
				"requestBody", body(schemaRef(S)),
				"responses", responses("201", success(dataOf("createOne"+S, response)), false)),
		}
		paths["/"+p+"/{id}"] = obj{
			"get": with(operation(p, "Find One "+s, "findOne"+S, "idPath"),
				"responses", responses("200", success(dataOf(s, response)), true)),
			"patch": with(operation(p, "Update One "+s, "updateOne"+S, "idPath"),
				"requestBody", body(schemaRef(S+"ForUpdate")),
				"responses", responses("200", success(dataOf("updateOne"+S, response)), true)),
			"delete": with(operation(p, "Delete One "+s, "deleteOne"+S, "idPath"),
				"responses", responses("200", success(dataOf("deleteOne"+S, idOnly())), true)),
		}
		plurals[i] = p
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

// metadataSchemas are the component schemas of objects and fields (Twenty's
// computeMetadataSchemaComponents): Object, Objects, ObjectForUpdate, ObjectForResponse,
// ObjectsForResponse, and the same for Field.
func metadataSchemas() obj {
	str := obj{"type": "string"}
	boolean := obj{"type": "boolean"}
	uuid := obj{"type": "string", "format": "uuid"}
	dateTime := obj{"type": "string", "format": "date-time"}
	list := func(plural, singular string) obj {
		return obj{"type": "array", "description": "A list of " + plural, "items": schemaRef(singular)}
	}
	withProps := func(base obj, extra obj) obj {
		props := maps.Clone(base)
		maps.Copy(props, extra)
		return props
	}

	object := obj{
		"nameSingular": str, "namePlural": str, "labelSingular": str, "labelPlural": str,
		"description": str, "icon": str,
		"labelIdentifierFieldMetadataId": uuid, "imageIdentifierFieldMetadataId": uuid,
	}
	objectResponse := withProps(object, obj{
		"id": uuid, "isCustom": boolean, "isActive": boolean, "isSystem": boolean, "isRemote": boolean,
		"isSearchable": boolean, "createdAt": dateTime, "updatedAt": dateTime,
		"fields": arrayOf(schemaRef("FieldForResponse")),
	})

	types := arr{}
	for _, t := range metadata.FieldTypes() {
		types = append(types, string(t))
	}
	field := func(immutable bool) obj {
		props := obj{
			"name": str, "label": str, "description": str, "icon": str,
			"defaultValue": obj{},
			"isNullable":   boolean,
			"settings":     obj{"type": "object"},
			"options": obj{
				"type": "array", "description": "For enum field types like SELECT or MULTI_SELECT",
				"items": obj{"type": "object", "properties": obj{
					"color":    str,
					"label":    str,
					"value":    obj{"type": "string", "pattern": "^[A-Z0-9]+_[A-Z0-9]+$", "example": "OPTION_1"},
					"position": obj{"type": "number"},
				}},
			},
		}
		if immutable {
			props["type"] = obj{"type": "string", "enum": types}
			props["objectMetadataId"] = uuid
			props["isUnique"] = boolean
		} else {
			props["isActive"] = boolean
		}
		return props
	}
	fieldResponse := withProps(field(true), obj{
		"id": uuid, "isCustom": boolean, "isActive": boolean, "isSystem": boolean,
		"createdAt": dateTime, "updatedAt": dateTime,
	})

	return obj{
		"Object": obj{
			"type": "object", "description": "An object", "properties": object,
			"required": arr{"nameSingular", "namePlural", "labelSingular", "labelPlural"},
		},
		"Objects": list("objects", "Object"),
		"ObjectForUpdate": obj{"type": "object", "description": "An object", "properties": obj{
			"labelSingular": str, "labelPlural": str, "description": str, "icon": str, "isActive": boolean,
		}},
		"ObjectForResponse":  obj{"type": "object", "description": "An object", "properties": objectResponse},
		"ObjectsForResponse": list("objects", "ObjectForResponse"),
		"Field": obj{
			"type": "object", "description": "A field", "properties": field(true),
			"required": arr{"type", "name", "label", "objectMetadataId"},
		},
		"Fields":            list("fields", "Field"),
		"FieldForUpdate":    obj{"type": "object", "description": "A field", "properties": field(false)},
		"FieldForResponse":  obj{"type": "object", "description": "A field", "properties": fieldResponse},
		"FieldsForResponse": list("fields", "FieldForResponse"),
	}
}
