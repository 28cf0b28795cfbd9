package workflowgraph

import (
	"strings"
	"unicode"
)

// Object is what an output schema needs of an object's metadata.
type Object struct {
	ID, NameSingular, NamePlural, LabelSingular, LabelPlural, Description, Icon string
	Fields                                                                      []Field
}

// Field is what an output schema needs of a field's metadata.
type Field struct {
	ID, Name, Label, Type, Icon string
	IsSystem, IsActive          bool
}

// ObjectLookup finds an object's metadata by its singular name.
type ObjectLookup func(nameSingular string) (*Object, error)

// compositeProperties are the sub-fields of Twenty's composite field types and their types
// (compositeTypeDefinitions), in order.
var compositeProperties = map[string][][2]string{
	"ACTOR":     {{"source", "SELECT"}, {"workspaceMemberId", "UUID"}, {"name", "TEXT"}, {"context", "RAW_JSON"}},
	"ADDRESS":   {{"addressStreet1", "TEXT"}, {"addressStreet2", "TEXT"}, {"addressCity", "TEXT"}, {"addressPostcode", "TEXT"}, {"addressState", "TEXT"}, {"addressCountry", "TEXT"}, {"addressLat", "NUMERIC"}, {"addressLng", "NUMERIC"}},
	"CURRENCY":  {{"amountMicros", "NUMERIC"}, {"currencyCode", "TEXT"}},
	"EMAILS":    {{"primaryEmail", "TEXT"}, {"additionalEmails", "RAW_JSON"}},
	"FULL_NAME": {{"firstName", "TEXT"}, {"lastName", "TEXT"}},
	"LINKS":     {{"primaryLinkLabel", "TEXT"}, {"primaryLinkUrl", "TEXT"}, {"secondaryLinks", "RAW_JSON"}},
	"PHONES":    {{"primaryPhoneNumber", "TEXT"}, {"primaryPhoneCountryCode", "TEXT"}, {"primaryPhoneCallingCode", "TEXT"}, {"additionalPhones", "RAW_JSON"}},
	"RICH_TEXT": {{"blocknote", "TEXT"}, {"markdown", "TEXT"}},
}

// fakeValue is Twenty's generateFakeValue(type, 'FieldMetadataType').
func fakeValue(fieldType string) any {
	switch fieldType {
	case "TEXT":
		return "My text"
	case "NUMBER":
		return float64(20)
	case "BOOLEAN":
		return true
	case "DATE":
		return "01/23/2025"
	case "DATE_TIME":
		return "01/23/2025 15:16"
	case "ADDRESS":
		return "123 Main St, Anytown, CA 12345"
	case "FULL_NAME":
		return "Tim Cook"
	case "RICH_TEXT":
		return "My rich text"
	case "UUID":
		return "123e4567-e89b-12d3-a456-426614174000"
	}
	return nil
}

// camelToTitleCase is Twenty's: "companyId" → "Company Id".
func camelToTitleCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			b.WriteRune(' ')
		}
		if i == 0 {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func withIcon(m map[string]any, icon string) map[string]any {
	if icon != "" {
		m["icon"] = icon
	}
	return m
}

// recordField is Twenty's generateFakeRecordField.
func recordField(fieldType, label, icon, fieldID string) map[string]any {
	if props, ok := compositeProperties[fieldType]; ok {
		value := map[string]any{}
		for _, p := range props {
			value[p[0]] = map[string]any{"isLeaf": true, "type": p[1], "label": camelToTitleCase(p[0]), "value": fakeValue(p[1]),
				"fieldMetadataId": fieldID, "isCompositeSubField": true}
		}
		return withIcon(map[string]any{"isLeaf": false, "type": fieldType, "label": label, "fieldMetadataId": fieldID, "value": value}, icon)
	}
	return withIcon(map[string]any{"isLeaf": true, "type": fieldType, "label": label, "value": fakeValue(fieldType), "fieldMetadataId": fieldID}, icon)
}

// recordFields is Twenty's generateObjectRecordFields, each name prefixed.
func recordFields(o *Object, prefix string) map[string]any {
	out := map[string]any{}
	for _, f := range o.Fields {
		if (f.IsSystem && f.Name != "id") || !f.IsActive {
			continue
		}
		if f.Type == "RELATION" || f.Type == "MORPH_RELATION" {
			name := f.Name + "Id"
			out[prefix+name] = recordField("UUID", camelToTitleCase(name), f.Icon, f.ID)
			continue
		}
		out[prefix+f.Name] = recordField(f.Type, f.Label, f.Icon, f.ID)
	}
	return out
}

// RecordSchema is Twenty's generateFakeObjectRecord: the output schema of a record action.
func RecordSchema(o *Object) map[string]any {
	return map[string]any{
		"object": withIcon(map[string]any{"isLeaf": true, "label": o.LabelSingular, "value": o.Description,
			"fieldIdName": "id", "objectMetadataId": o.ID}, o.Icon),
		"fields":            recordFields(o, ""),
		"_outputSchemaType": "RECORD",
	}
}

// recordEventSchema is Twenty's generateFakeObjectRecordEvent.
func recordEventSchema(o *Object, prefix string) map[string]any {
	return map[string]any{
		"object": withIcon(map[string]any{"isLeaf": true, "label": o.LabelSingular, "value": o.Description,
			"nameSingular": o.NameSingular, "fieldIdName": prefix + ".id", "objectMetadataId": o.ID}, o.Icon),
		"fields":            recordFields(o, prefix+"."),
		"_outputSchemaType": "RECORD",
	}
}

// defaultIteratorCurrentItem is the current item of an iterator whose items are not known.
var defaultIteratorCurrentItem = map[string]any{"label": "Current Item", "isLeaf": true, "type": "unknown", "value": nil}

// OutputSchema is Twenty's computeStepOutputSchema: what a step (or trigger) of the type
// outputs, as the variable picker shows it. Types whose output this package does not derive
// (CODE, FORM, AI_AGENT, HTTP_REQUEST, …) answer {} as Twenty's default does.
func OutputSchema(step Step, objects ObjectLookup) (map[string]any, error) {
	settings, _ := step["settings"].(map[string]any)
	in, _ := settings["input"].(map[string]any)
	objectName, _ := in["objectName"].(string)
	switch StepType(step) {
	case "DATABASE_EVENT":
		eventName, _ := settings["eventName"].(string)
		name, action, _ := strings.Cut(eventName, ".")
		prefix := ""
		switch action {
		case "created", "updated", "upserted":
			prefix = "properties.after"
		case "deleted", "destroyed":
			prefix = "properties.before"
		default:
			return map[string]any{}, nil
		}
		o, err := objects(name)
		if err != nil {
			return nil, err
		}
		return recordEventSchema(o, prefix), nil
	case "MANUAL":
		availability, _ := settings["availability"].(map[string]any)
		kind, _ := availability["type"].(string)
		name, _ := availability["objectNameSingular"].(string)
		if kind == "" {
			// The manual trigger's older settings: objectType for a record's page.
			if name, _ = settings["objectType"].(string); name != "" {
				kind = "SINGLE_RECORD"
			}
		}
		switch kind {
		case "SINGLE_RECORD":
			o, err := objects(name)
			if err != nil {
				return nil, err
			}
			return RecordSchema(o), nil
		case "BULK_RECORDS":
			o, err := objects(name)
			if err != nil {
				return nil, err
			}
			return map[string]any{o.NamePlural: map[string]any{"label": o.LabelPlural, "isLeaf": true, "type": "array", "value": "Array of " + o.LabelPlural}}, nil
		}
		return map[string]any{}, nil
	case "SEND_EMAIL":
		return map[string]any{"success": map[string]any{"isLeaf": true, "type": "boolean", "value": true}}, nil
	case "CREATE_RECORD", "UPDATE_RECORD", "DELETE_RECORD", "UPSERT_RECORD":
		o, err := objects(objectName)
		if err != nil {
			return nil, err
		}
		return RecordSchema(o), nil
	case "FIND_RECORDS":
		o, err := objects(objectName)
		if err != nil {
			return nil, err
		}
		return map[string]any{
			"first":      map[string]any{"isLeaf": false, "label": "First " + orDefault(o.LabelSingular, "Record"), "icon": "IconAlpha", "type": "object", "value": RecordSchema(o)},
			"all":        map[string]any{"isLeaf": true, "label": "All " + orDefault(o.LabelPlural, "Records"), "type": "array", "icon": "IconListDetails", "value": "Returns an array of records"},
			"totalCount": map[string]any{"isLeaf": true, "label": "Total Count", "icon": "IconSum", "type": "number", "value": "Count of matching records"},
		}, nil
	case TypeIterator:
		return map[string]any{
			"currentItem":          Clone(defaultIteratorCurrentItem),
			"currentItemIndex":     map[string]any{"label": "Current Item Index", "isLeaf": true, "type": "number", "value": float64(1)},
			"hasProcessedAllItems": map[string]any{"label": "Has Processed All Items", "isLeaf": true, "type": "boolean", "value": false},
		}, nil
	}
	return map[string]any{}, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// EnrichOutputSchema is Twenty's enrichOutputSchema: the types whose output schema the server
// computes (ITERATOR here; AI_AGENT is not run) carry it in settings.outputSchema.
func EnrichOutputSchema(step Step, objects ObjectLookup) (Step, error) {
	if StepType(step) != TypeIterator {
		return step, nil
	}
	schema, err := OutputSchema(step, objects)
	if err != nil {
		return nil, err
	}
	c := Clone(step)
	settings, _ := c["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		c["settings"] = settings
	}
	settings["outputSchema"] = schema
	return c, nil
}
