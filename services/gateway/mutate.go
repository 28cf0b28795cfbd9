package main

import (
	"encoding/json"
	"net/http"
	"net/url"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// Twenty's 400s for bulk deletes without a filter
// (engine/api/rest/core/handlers/rest-api-{delete,destroy}-many.handler.ts).
const (
	msgBulkDeleteNeedsFilter  = "Filters are mandatory for bulk delete operations. Please provide at least one filter to prevent accidental deletion of all records."
	msgBulkDestroyNeedsFilter = "Filters are mandatory for bulk destroy operations. Please provide at least one filter to prevent accidental deletion of all records."
)

// restFindOne serves GET /rest/{plural}/{id}: {"data":{"person":{…}}}, with depth and fields.
func (g *gateway) restFindOne(w http.ResponseWriter, r *http.Request) {
	id, ok := recordID(w, r)
	if !ok {
		return
	}
	shape, ok := restShape(w, r.URL.Query())
	if !ok {
		return
	}
	res, err := g.records.FindOne(r.Context(), &recordsv1.FindOneRequest{
		WorkspaceId: principalFrom(r.Context()).WorkspaceID, ObjectNamePlural: r.PathValue("plural"), Id: id, Shape: shape,
	})
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeData(w, res.GetObjectNameSingular(), res.GetRecordJson())
}

// restUpdate serves PATCH (and PUT) /rest/{plural}/{id}, {"data":{"updatePerson":{…}}}, and
// /rest/{plural}?filter=…, {"data":{"updatePeople":[…]}}: the body is the partial record to set.
func (g *gateway) restUpdate(w http.ResponseWriter, r *http.Request) {
	sel, one, ok := restSelection(w, r)
	if !ok {
		return
	}
	shape, ok := restShape(w, r.URL.Query())
	if !ok {
		return
	}
	body, ok := objectBody(w, r)
	if !ok {
		return
	}
	c := principalFrom(r.Context())
	res, err := g.records.UpdateMany(r.Context(), &recordsv1.UpdateManyRequest{
		WorkspaceId: c.WorkspaceID, ObjectNamePlural: r.PathValue("plural"), Selection: sel,
		DataJson: body, Actor: actorOf(c), Shape: shape,
	})
	writeMutation(w, "update", one, res, err)
}

// restDelete serves DELETE /rest/{plural}/{id} and /rest/{plural}?filter=…: a hard delete
// (destroy), answering {"data":{"deletePerson":{"id":…}}} or {"data":{"deletePeople":[{"id":…}]}},
// or with soft_delete=true a soft delete, answering the deleted record (with depth and fields)
// or, for a filter, the ids. A bulk delete needs a filter.
func (g *gateway) restDelete(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	soft := query.Get("soft_delete") == "true"
	sel, one, ok := restSelection(w, r)
	if !ok {
		return
	}
	if !one && sel == nil {
		msg := msgBulkDestroyNeedsFilter
		if soft {
			msg = msgBulkDeleteNeedsFilter
		}
		writeError(w, http.StatusBadRequest, "", msg)
		return
	}
	// Twenty answers the ids only, but for a soft delete of one record.
	shape := &recordsv1.Shape{Fields: []string{"id"}, HasFields: true}
	if soft && one {
		if shape, ok = restShape(w, query); !ok {
			return
		}
	}
	c := principalFrom(r.Context())
	res, err := g.records.DeleteMany(r.Context(), &recordsv1.DeleteManyRequest{
		WorkspaceId: c.WorkspaceID, ObjectNamePlural: r.PathValue("plural"), Selection: sel,
		Destroy: !soft, Actor: actorOf(c), Shape: shape,
	})
	writeMutation(w, "delete", one, res, err)
}

// restRestore serves PATCH /rest/{plural}/{id}/restore, {"data":{"restorePerson":{…}}}, and
// /rest/{plural}/restore?filter=…, {"data":{"restorePeople":[…]}}, with depth and fields.
func (g *gateway) restRestore(w http.ResponseWriter, r *http.Request) {
	sel, one, ok := restSelection(w, r)
	if !ok {
		return
	}
	shape, ok := restShape(w, r.URL.Query())
	if !ok {
		return
	}
	c := principalFrom(r.Context())
	res, err := g.records.RestoreMany(r.Context(), &recordsv1.RestoreManyRequest{
		WorkspaceId: c.WorkspaceID, ObjectNamePlural: r.PathValue("plural"), Selection: sel,
		Actor: actorOf(c), Shape: shape,
	})
	writeMutation(w, "restore", one, res, err)
}

// recordID returns the {id} path value, answering Twenty's 400 when it is not a UUID.
func recordID(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("id")
	if !ids.IsUUID(id) {
		writeError(w, http.StatusBadRequest, "", "'"+id+"' is not a valid UUID")
		return "", false
	}
	return id, true
}

// restSelection returns the records a mutation route names: the {id} of the path (one), or the
// filter parameter's, nil when there is none (the records Worker refuses it, the delete route
// answers its own 400). It answers the 400s of a malformed id or filter.
func restSelection(w http.ResponseWriter, r *http.Request) (sel *recordsv1.Selection, one, ok bool) {
	if r.PathValue("id") != "" {
		id, ok := recordID(w, r)
		if !ok {
			return nil, true, false
		}
		return &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: id}}, true, true
	}
	f, err := restquery.FilterParam(r.URL.Query())
	if err != nil {
		writeBadQuery(w, err)
		return nil, false, false
	}
	if f == nil {
		return nil, false, true
	}
	p := recordquery.ToProto(&recordquery.Query{Filter: f}).GetFilter()
	return &recordsv1.Selection{By: &recordsv1.Selection_Filter{Filter: p}}, false, true
}

// restShape reads the depth and fields parameters of a route answering records, answering
// Twenty's 400 for a bad one.
func restShape(w http.ResponseWriter, query url.Values) (*recordsv1.Shape, bool) {
	depth, err := restquery.DepthParam(query)
	if err != nil {
		writeBadQuery(w, err)
		return nil, false
	}
	fields, err := restquery.FieldsParam(query)
	if err != nil {
		writeBadQuery(w, err)
		return nil, false
	}
	return &recordsv1.Shape{Depth: int32(depth), Fields: fields, HasFields: fields != nil}, true
}

// writeMutation answers a mutation: {"data":{"<verb>Person":{…}}} for one record, else
// {"data":{"<verb>People":[…]}}, or the error's envelope.
func writeMutation(w http.ResponseWriter, verb string, one bool, res *recordsv1.MutationResponse, err error) {
	if err != nil {
		writeConnectError(w, err)
		return
	}
	records := arrayOrEmpty(res.GetRecordsJson())
	if !one {
		writeData(w, verb+capitalized(res.GetObjectNamePlural()), records)
		return
	}
	var list []json.RawMessage
	if err := json.Unmarshal(records, &list); err != nil || len(list) != 1 {
		writeError(w, http.StatusInternalServerError, "", "Internal server error")
		return
	}
	writeData(w, verb+capitalized(res.GetObjectNameSingular()), list[0])
}

// writeData answers 200 {"data":{key:value}}.
func writeData(w http.ResponseWriter, key string, value json.RawMessage) {
	writeDataJSON(w, http.StatusOK, key, value, "")
}
