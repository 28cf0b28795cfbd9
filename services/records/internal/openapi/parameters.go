package openapi

import (
	"maps"

	"github.com/twentyworkers/twenty/shared/recordquery"
)

// metadataLimit is the default and largest page of the metadata API (Twenty's
// computeLimitParameters(true)).
const metadataLimit = 1000

// parameters returns the parameter components (Twenty's computeParameterComponents in
// utils/parameters.utils.ts; templates/parameters.json), with this backend's limits and depths,
// and the fields and omit_null_values parameters Twenty's REST reads but does not document.
func parameters(kind Kind) obj {
	params := maps.Clone(shared(parametersTemplate))
	limit := cloneAlong(params, "limit")
	schema := cloneAlong(limit, "schema")
	if kind == Metadata {
		limit["description"] = "Limits the number of objects returned: 1000 when absent, at most 1000."
		schema["maximum"], schema["default"] = metadataLimit, metadataLimit
	} else {
		schema["maximum"], schema["default"] = recordquery.MaxLimit, recordquery.DefaultLimit
	}
	return params
}
