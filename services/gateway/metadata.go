package main

import (
	"encoding/json"
	"net/http"
	"strings"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// metadataNouns are the metadata REST collections served here, each with the noun of its
// envelope keys (object, createOneObject, …).
var metadataNouns = map[string]string{"objects": "Object", "fields": "Field"}

// metadataMaxLimit is the largest page the records Worker answers; larger limits are clamped.
const metadataMaxLimit = 1000

// restMetadata serves Twenty's metadata REST API on objects and fields with its legacy envelopes
// (it/rest/suites/object-metadata.integration-spec.ts and field-metadata.integration-spec.ts with
// IS_REST_METADATA_API_NEW_FORMAT_DIRECT off):
//
//	GET    /rest/metadata/{kind}       {"data":{"objects":[…]},"pageInfo":{…},"totalCount":N}
//	GET    /rest/metadata/{kind}/{id}  {"data":{"object":{…}}}
//	POST   /rest/metadata/{kind}       201 {"data":{"createOneObject":{…}}}
//	PATCH  /rest/metadata/{kind}/{id}  {"data":{"updateOneObject":{…}}} (PUT alike)
//	DELETE /rest/metadata/{kind}/{id}  {"data":{"deleteOneObject":{…}}}
//
// and the same with fields/field/…Field. Lists take limit, starting_after and ending_before.
func (g *gateway) restMetadata(w http.ResponseWriter, r *http.Request) {
	kind, id := r.PathValue("kind"), r.PathValue("id")
	noun, ok := metadataNouns[kind]
	if !ok {
		notFound(w, r)
		return
	}
	req := &recordsv1.MetadataRequest{WorkspaceId: principalFrom(r.Context()).WorkspaceID, Kind: kind, Id: id}
	status, key := http.StatusOK, ""
	switch method := r.Method; {
	case (method == http.MethodGet || method == http.MethodHead) && id == "":
		g.metadataList(w, r, req)
		return
	case method == http.MethodGet || method == http.MethodHead:
		req.Operation, key = "find_one", strings.ToLower(noun[:1])+noun[1:]
	case method == http.MethodPost && id == "":
		req.Operation, key, status = "create_one", "createOne"+noun, http.StatusCreated
	case (method == http.MethodPatch || method == http.MethodPut) && id != "":
		req.Operation, key = "update_one", "updateOne"+noun
	case method == http.MethodDelete && id != "":
		req.Operation, key = "delete_one", "deleteOne"+noun
	default:
		notFound(w, r)
		return
	}
	if req.Operation == "create_one" || req.Operation == "update_one" {
		body, ok := objectBody(w, r)
		if !ok {
			return
		}
		req.InputJson = body
	}
	res, err := g.records.Metadata(r.Context(), req)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeJSON(w, status, map[string]map[string]json.RawMessage{"data": {key: res.GetResultJson()}})
}

// metadataList serves GET /rest/metadata/{kind}, reading Twenty's limit
// (parse-metadata-rest-pagination.util.ts): a plain decimal integer (restquery.Integer), clamped
// to the largest page.
func (g *gateway) metadataList(w http.ResponseWriter, r *http.Request, req *recordsv1.MetadataRequest) {
	q := r.URL.Query()
	if raw := q.Get("limit"); raw != "" {
		n, ok := restquery.Integer(raw)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "limit '"+raw+"' is invalid. Should be an integer")
			return
		}
		req.Limit = int32(min(n, metadataMaxLimit))
	}
	req.Operation, req.StartingAfter, req.EndingBefore = "find_many", q.Get("starting_after"), q.Get("ending_before")
	res, err := g.records.Metadata(r.Context(), req)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	items := arrayOrEmpty(res.GetResultJson())
	writeJSON(w, http.StatusOK, struct {
		Data       map[string]json.RawMessage `json:"data"`
		PageInfo   pageInfo                   `json:"pageInfo"`
		TotalCount int32                      `json:"totalCount"`
	}{
		Data:       map[string]json.RawMessage{req.GetKind(): items},
		PageInfo:   pageInfoOf(res.GetPageInfo()),
		TotalCount: res.GetTotalCount(),
	})
}
