package openapi

import "github.com/twentyworkers/twenty/services/records/internal/metadata"

// This file holds the record paths of one object (Twenty's utils/path.utils.ts), at the routes
// this backend serves (services/gateway/route.go).

// operation is an operation of an object's paths.
func operation(plural, summary, operationID string, params ...string) obj {
	op := obj{"tags": arr{plural}, "summary": summary, "operationId": operationID}
	if len(params) > 0 {
		refs := arr{}
		for _, p := range params {
			refs = append(refs, param(p))
		}
		op["parameters"] = refs
	}
	return op
}

func with(op obj, kv ...any) obj {
	for i := 0; i+1 < len(kv); i += 2 {
		op[kv[i].(string)] = kv[i+1]
	}
	return op
}

// objectPaths returns the paths of object o, keyed by path.
func objectPaths(o metadata.Object) obj {
	s, p := o.NameSingular, o.NamePlural
	S, P := capitalize(s), capitalize(p)
	response := schemaRef(S + "ForResponse")
	return obj{
		"/" + p: obj{
			"get": with(operation(p, "Find Many "+p, "findMany"+P, "orderBy", "filter", "limit", "depth", "startingAfter", "endingBefore", "fields", "omitNullValues"),
				"description", "**order_by**, **filter**, **limit**, **depth**, **starting_after** or **ending_before** can be provided to request your **"+p+"**",
				"responses", responses("200", findManyResponse(Core, s, p), false)),
			"post": with(operation(p, "Create One "+s, "createOne"+S, "depth", "upsert"),
				"requestBody", body(schemaRef(S)),
				"responses", responses("201", success(dataOf("create"+S, response)), false)),
			"patch": with(operation(p, "Update Many "+p, "updateMany"+P, "depth", "filter"),
				"requestBody", body(schemaRef(S+"ForUpdate")),
				"responses", responses("200", success(dataOf("update"+P, arrayOf(response))), false)),
			"delete": with(operation(p, "Delete Many "+p, "deleteMany"+P, "filter", "softDelete"),
				"responses", responses("200", success(dataOf("delete"+P, arrayOf(idOnly()))), false)),
		},
		"/batch/" + p: obj{
			"post": with(operation(p, "Create Many "+p, "createMany"+P, "depth", "upsert"),
				"requestBody", obj{"required": true, "content": jsonContent(arrayOf(schemaRef(S)))},
				"responses", responses("201", success(dataOf("create"+P, arrayOf(response))), false)),
		},
		"/" + p + "/{id}": obj{
			"get": with(operation(p, "Find One "+s, "findOne"+S, "idPath", "depth", "fields", "omitNullValues"),
				"description", "**depth** can be provided to request your **"+s+"**",
				"responses", responses("200", success(dataOf(s, response)), true)),
			// Twenty spells this operation id with a capital U.
			"patch": with(operation(p, "Update One "+s, "UpdateOne"+S, "idPath", "depth"),
				"requestBody", body(schemaRef(S+"ForUpdate")),
				"responses", responses("200", success(dataOf("update"+S, response)), true)),
			"delete": with(operation(p, "Delete One "+s, "deleteOne"+S, "idPath", "softDelete"),
				"responses", responses("200", success(dataOf("delete"+S, idOnly())), true)),
		},
		"/" + p + "/duplicates": obj{
			"post": with(operation(p, "Find "+s+" Duplicates", "find"+S+"Duplicates", "depth"),
				"description", "**depth** can be provided to request your **"+s+"**",
				"requestBody", duplicatesBody(S),
				"responses", responses("200", duplicatesResponse(s), false)),
		},
		"/" + p + "/{id}/restore": obj{
			"patch": with(operation(p, "Restore One "+s, "restoreOne"+S, "idPath", "depth"),
				"responses", responses("200", success(dataOf("restore"+S, response)), true)),
		},
		"/" + p + "/restore": obj{
			"patch": with(operation(p, "Restore Many "+p, "restoreMany"+P, "filter", "depth"),
				"responses", responses("200", success(dataOf("restore"+P, arrayOf(response))), false)),
		},
		"/" + p + "/merge": obj{
			"patch": with(operation(p, "Merge Many "+p, "mergeMany"+P, "depth"),
				"requestBody", mergeBody(),
				"responses", responses("200", success(dataOf("merge"+S, response)), false)),
		},
		"/" + p + "/groupBy": obj{
			"get": with(operation(p, "Group By "+p, "groupBy"+P,
				"groupBy", "filter", "orderBy", "limit", "viewId", "aggregate", "includeRecordsSample", "orderByForRecords"),
				"description", "Groups **"+p+"** by specified fields and optionally computes aggregate values for each group.",
				"responses", responses("200", groupByResponse(s), false)),
		},
	}
}
