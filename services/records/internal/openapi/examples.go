package openapi

import (
	"strings"
	"unicode"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// exampleUUID is the id the examples use (Twenty draws a random one each time).
const exampleUUID = "9062a1e3-e066-49ba-8c4a-d869b6a0ca12"

// example is the example body of an object's create and update schemas (Twenty's
// getSchemaComponentsExample): every required field, the name when it is text, and the composite
// and select fields.
func example(o metadata.Object) obj {
	out := obj{}
	for _, f := range o.Fields {
		if !f.IsActive || f.Type == metadata.TypeTSVector || inputExcluded[f.Name] || f.Type.IsRelation() {
			continue
		}
		switch {
		case isRequired(f):
			out[f.Name] = exampleValue(f)
		case f.Type == metadata.TypeText && f.Name == "name":
			out[f.Name] = titleCase(o.NameSingular) + " name"
		case f.Type == metadata.TypeEmails, f.Type == metadata.TypeLinks, f.Type == metadata.TypeCurrency,
			f.Type == metadata.TypeFullName, f.Type == metadata.TypeSelect, f.Type == metadata.TypeMultiSelect,
			f.Type == metadata.TypePhones:
			out[f.Name] = exampleValue(f)
		}
	}
	return out
}

// exampleValue is a value of f's type (Twenty's generateRandomFieldValue, with fixed values).
func exampleValue(f metadata.Field) any {
	switch f.Type {
	case metadata.TypeUUID:
		return exampleUUID
	case metadata.TypeText, metadata.TypeRichText:
		return f.Name
	case metadata.TypePhones:
		return obj{"primaryPhoneNumber": "06 10 20 30 40", "primaryPhoneCallingCode": "+33", "primaryPhoneCountryCode": "FR", "additionalPhones": arr{}}
	case metadata.TypeEmails:
		return obj{"primaryEmail": "tim@apple.dev", "additionalEmails": arr{}}
	case metadata.TypeDate:
		return "2025-01-31"
	case metadata.TypeDateTime:
		return "2025-01-31T09:30:00.000Z"
	case metadata.TypeBoolean:
		return false
	case metadata.TypeNumber, metadata.TypeNumeric, metadata.TypePosition:
		return 1
	case metadata.TypeLinks:
		return obj{"primaryLinkLabel": "", "primaryLinkUrl": "https://twenty.com", "secondaryLinks": arr{}}
	case metadata.TypeCurrency:
		return obj{"amountMicros": 100000000, "currencyCode": "EUR"}
	case metadata.TypeFullName:
		return obj{"firstName": "Tim", "lastName": "Apple"}
	case metadata.TypeRating:
		return "RATING_5"
	case metadata.TypeSelect:
		if len(f.Options) == 0 {
			return nil
		}
		return f.Options[0].Value
	case metadata.TypeMultiSelect:
		if len(f.Options) == 0 {
			return arr{}
		}
		return arr{f.Options[0].Value}
	case metadata.TypeAddress:
		return obj{
			"addressStreet1": "1 Infinite Loop", "addressStreet2": "", "addressStreet3": "", "addressCity": "Cupertino",
			"addressState": "CA", "addressCountry": "United States", "addressPostcode": "95014",
			"addressLat": 37.3318, "addressLng": -122.0312,
		}
	case metadata.TypeRawJSON:
		return obj{}
	case metadata.TypeRichTextV2:
		return obj{"markdown": ""}
	case metadata.TypeActor:
		return obj{"source": "MANUAL"}
	case metadata.TypeArray, metadata.TypeFiles:
		return arr{}
	}
	return nil
}

// titleCase spells a camelCase name in words: workspaceMember → Workspace Member (Twenty's
// camelToTitleCase).
func titleCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case i == 0:
			r = unicode.ToUpper(r)
		case unicode.IsUpper(r):
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
