package openapi

import "github.com/twentyworkers/twenty/services/records/internal/metadata"

// objectPaths returns the record paths of object o, keyed by path (Twenty's utils/path.utils.ts;
// templates/paths.json): /{plural} (find many, create one, update and delete many),
// /batch/{plural}, /{plural}/{id} (find, update and delete one), /{plural}/duplicates,
// /{plural}/{id}/restore, /{plural}/restore, /{plural}/merge and /{plural}/groupBy, at the routes
// this backend serves (services/gateway/route.go) and with the bodies it answers. Operation ids
// are Twenty's, UpdateOne<Object> with its capital U included.
func objectPaths(o metadata.Object) obj {
	return shared(pathsTemplate, names(o.NameSingular, o.NamePlural)...)
}

// errorResponses are the error response components (Twenty's get-error-responses.utils.ts;
// templates/responses.json), with the envelope this backend answers:
// {"statusCode":400,"error":"BadRequestException","messages":["…"]}.
func errorResponses() obj {
	return shared(responsesTemplate)
}
