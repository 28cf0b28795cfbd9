package openapi

import (
	"slices"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// schemaUse is which of an object's three component schemas is built.
type schemaUse int

const (
	forCreate   schemaUse = iota // <Object>: the create body, with its required fields and an example
	forUpdate                    // <Object>ForUpdate: the update body, nothing required
	forResponse                  // <Object>ForResponse: a record as answered
)

// objectSchemas adds the three component schemas of each object (Twenty's
// computeSchemaComponents in utils/components.utils.ts): Person, PersonForUpdate and
// PersonForResponse.
func objectSchemas(objects []metadata.Object) obj {
	known := map[string]bool{}
	for _, o := range objects {
		known[o.NameSingular] = true
	}
	out := obj{}
	for _, o := range objects {
		name := metadata.UpperFirst(o.NameSingular)
		out[name] = objectSchema(o, forCreate, known)
		out[name+"ForUpdate"] = objectSchema(o, forUpdate, known)
		out[name+"ForResponse"] = objectSchema(o, forResponse, known)
	}
	return out
}

// inputExcluded are the fields a create or update body leaves to the server (Twenty's
// isFieldAvailable).
var inputExcluded = map[string]bool{"id": true, "createdAt": true, "updatedAt": true, "deletedAt": true}

// objectSchema is one component schema of o. known holds the objects the document describes:
// a relation to another object is embedded only when that object's schema exists.
func objectSchema(o metadata.Object, use schemaUse, known map[string]bool) obj {
	props := obj{}
	var required []any
	for _, f := range o.Fields {
		if !f.IsActive || f.Type == metadata.TypeTSVector || use != forResponse && inputExcluded[f.Name] {
			continue
		}
		if f.Type.IsRelation() {
			if !f.IsManyToOne() {
				// ONE_TO_MANY sides are neither written nor embedded by this backend's REST.
				continue
			}
			props[f.JoinColumnName()] = obj{"type": "string", "format": "uuid"}
			// Depth 1 embeds the records of RELATION fields (not MORPH_RELATION ones).
			if use == forResponse && f.Type == metadata.TypeRelation && known[f.Relation.TargetObjectNameSingular] {
				p := obj{"type": "object", "oneOf": arr{schemaRef(metadata.UpperFirst(f.Relation.TargetObjectNameSingular) + "ForResponse")}}
				describe(p, f)
				props[f.Name] = p
			}
			continue
		}
		p := fieldSchema(f, use)
		describe(p, f)
		props[f.Name] = p
		if use == forCreate && isRequired(f) {
			required = append(required, f.Name)
		}
	}
	s := obj{"type": "object", "properties": props}
	if o.Description != "" {
		s["description"] = o.Description
	}
	if use != forResponse {
		s["example"] = example(o)
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func describe(p obj, f metadata.Field) {
	if f.Description != "" {
		p["description"] = f.Description
	}
}

// isRequired reports whether a create body must give f: it cannot be null and its columns have no
// default (Twenty's rule: not nullable and no default value).
func isRequired(f metadata.Field) bool {
	if f.IsNullable || f.Type.IsRelation() {
		return false
	}
	cols := metadata.Columns(f)
	return len(cols) > 0 && !slices.ContainsFunc(cols, func(c metadata.Column) bool { return c.Default != nil })
}

// fieldSchema is the JSON schema of a field's value (Twenty's
// convertObjectMetadataToSchemaProperties): composites are objects of their sub-fields, SELECT
// and RATING enums of their options, MULTI_SELECT and ARRAY arrays.
func fieldSchema(f metadata.Field, use schemaUse) obj {
	switch f.Type {
	case metadata.TypeUUID:
		return obj{"type": "string", "format": "uuid"}
	case metadata.TypeDateTime:
		return obj{"type": "string", "format": "date-time"}
	case metadata.TypeDate:
		return obj{"type": "string", "format": "date"}
	case metadata.TypeNumber:
		if isFloat(f.Settings) {
			return obj{"type": "number"}
		}
		return obj{"type": "integer"}
	case metadata.TypeNumeric, metadata.TypePosition:
		return obj{"type": "number"}
	case metadata.TypeBoolean:
		return obj{"type": "boolean"}
	case metadata.TypeRawJSON:
		return obj{"type": "object"}
	case metadata.TypeSelect, metadata.TypeRating:
		return obj{"type": "string", "enum": optionValues(f)}
	case metadata.TypeMultiSelect:
		return obj{"type": "array", "items": obj{"type": "string", "enum": optionValues(f)}}
	case metadata.TypeArray:
		return obj{"type": "array", "items": obj{"type": "string"}}
	case metadata.TypeFiles:
		item := obj{"fileId": obj{"type": "string", "format": "uuid"}, "label": obj{"type": "string"}}
		if use == forResponse {
			item["extension"] = obj{"type": "string"}
			item["url"] = obj{"type": "string"}
		}
		return obj{"type": "array", "items": obj{"type": "object", "properties": item}}
	}
	if f.Type.IsComposite() {
		return compositeSchema(f.Type, use)
	}
	return obj{"type": "string"} // TEXT, RICH_TEXT
}

// isFloat reports whether a NUMBER field holds decimals: settings dataType "float" or decimals > 0.
func isFloat(settings map[string]any) bool {
	if settings["dataType"] == "float" {
		return true
	}
	switch d := settings["decimals"].(type) {
	case float64:
		return d > 0
	case int:
		return d > 0
	case int64:
		return d > 0
	}
	return false
}

// optionValues are the values a SELECT, MULTI_SELECT or RATING field takes, in option order.
func optionValues(f metadata.Field) arr {
	opts := f.Options
	if f.Type == metadata.TypeRating && len(opts) == 0 {
		opts = metadata.RatingOptions()
	}
	out := arr{}
	for _, o := range opts {
		out = append(out, o.Value)
	}
	return out
}

// compositeSchema is the object of a composite type's sub-fields, as metadata lists them.
func compositeSchema(t metadata.FieldType, use schemaUse) obj {
	props := obj{}
	for _, p := range t.Properties() {
		// An actor is written by its source alone: the server sets who (Twenty documents only
		// source on input).
		if t == metadata.TypeActor && use != forResponse && p.Name != "source" {
			continue
		}
		props[p.Name] = propertySchema(t, p)
	}
	return obj{"type": "object", "properties": props}
}

// propertySchema is the schema of one sub-field. JSON sub-fields have their known shapes.
func propertySchema(t metadata.FieldType, p metadata.Property) obj {
	switch p.Name {
	case "additionalEmails":
		return obj{"type": "array", "items": obj{"type": "string", "format": "email"}}
	case "secondaryLinks":
		return obj{"type": "array", "items": obj{
			"type": "object", "description": "A secondary link",
			"properties": obj{"url": obj{"type": "string", "format": "uri"}, "label": obj{"type": "string"}},
		}}
	case "additionalPhones":
		return obj{"type": "array", "items": obj{
			"type": "object", "description": "An additional phone",
			"properties": obj{
				"number": obj{"type": "string"}, "countryCode": obj{"type": "string"}, "callingCode": obj{"type": "string"},
			},
		}}
	}
	switch p.Type {
	case metadata.TypeNumeric:
		return obj{"type": "number"}
	case metadata.TypeUUID:
		return obj{"type": "string", "format": "uuid"}
	case metadata.TypeRawJSON:
		return obj{"type": "object"}
	case metadata.TypeSelect:
		vals := arr{}
		for _, v := range p.Values {
			vals = append(vals, v)
		}
		return obj{"type": "string", "enum": vals}
	}
	return obj{"type": "string"}
}
