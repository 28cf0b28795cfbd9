package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// metadataNouns are the metadata REST collections served here, each with the noun of its
// envelope keys (object, createOneObject, …).
var metadataNouns = map[string]string{"objects": "Object", "fields": "Field"}

// metadataMaxLimit is the largest page of a metadata list (Twenty's 1000); larger limits are
// clamped.
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
	ws := principalFrom(r.Context()).WorkspaceID
	var op metaOp
	status, key := http.StatusOK, ""
	switch method := r.Method; {
	case (method == http.MethodGet || method == http.MethodHead) && id == "":
		g.metadataList(w, r, ws, kind)
		return
	case method == http.MethodGet || method == http.MethodHead:
		op, key = findOne, strings.ToLower(noun[:1])+noun[1:]
	case method == http.MethodPost && id == "":
		op, key, status = createOne, "createOne"+noun, http.StatusCreated
	case (method == http.MethodPatch || method == http.MethodPut) && id != "":
		op, key = updateOne, "updateOne"+noun
	case method == http.MethodDelete && id != "":
		op, key = deleteOne, "deleteOne"+noun
	default:
		notFound(w, r)
		return
	}
	var input []byte
	if op == createOne || op == updateOne {
		if input, ok = objectBody(w, r); !ok {
			return
		}
	}
	dto, err := g.metadataOne(r.Context(), ws, kind, op, id, input)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeJSON(w, status, map[string]map[string]json.RawMessage{"data": {key: dto}})
}

// metadataList serves GET /rest/metadata/{kind}: every object or field from the records Worker,
// paged here by Twenty's REST rules (parse-metadata-rest-pagination.util.ts): limit a plain
// decimal integer clamped to the largest page, starting_after and ending_before plain ids, not
// together.
func (g *gateway) metadataList(w http.ResponseWriter, r *http.Request, ws, kind string) {
	q := r.URL.Query()
	p := metaPaging{limit: metadataMaxLimit}
	if raw := q.Get("limit"); raw != "" {
		n, ok := restquery.Integer(raw)
		if !ok {
			writeError(w, http.StatusBadRequest, "", "limit '"+raw+"' is invalid. Should be an integer")
			return
		}
		if n > 0 {
			p.limit = min(n, metadataMaxLimit)
		}
	}
	after, before := q.Get("starting_after"), q.Get("ending_before")
	if after != "" && before != "" {
		writeError(w, http.StatusBadRequest, "", "'starting_after' and 'ending_before' cannot be used together.")
		return
	}
	for _, c := range []string{after, before} {
		if c != "" && !ids.IsUUID(c) {
			writeError(w, http.StatusBadRequest, "", "Invalid cursor: "+c)
			return
		}
	}
	p.afterID, p.beforeID, p.backward = strings.ToLower(after), strings.ToLower(before), before != ""
	items, err := g.metadataAll(r.Context(), ws, kind)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	id := func(it metaDTO) string { return it.id }
	window, more := pageByID(items, id, p)
	page := make([]json.RawMessage, len(window))
	for i, it := range window {
		page[i] = it.json
	}
	// Twenty's REST page info (build-cursor-page.util.ts): going backward there is always a next
	// page; cursors are the plain ids.
	info := pageInfo{HasNextPage: more, HasPreviousPage: p.afterID != ""}
	if p.backward {
		info.HasNextPage, info.HasPreviousPage = true, more
	}
	if len(window) > 0 {
		start, end := id(window[0]), id(window[len(window)-1])
		info.StartCursor, info.EndCursor = &start, &end
	}
	writeJSON(w, http.StatusOK, struct {
		Data       map[string][]json.RawMessage `json:"data"`
		PageInfo   pageInfo                     `json:"pageInfo"`
		TotalCount int                          `json:"totalCount"`
	}{
		Data:       map[string][]json.RawMessage{kind: page},
		PageInfo:   info,
		TotalCount: len(items),
	})
}
