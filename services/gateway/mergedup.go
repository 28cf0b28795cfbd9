package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// Twenty's messages for the group-by parameters (engine/api/rest/input-request-parsers/:
// group-by-parser-utils, aggregate-fields-parser-utils and
// order-by-with-group-by-parser-utils/parse-order-by-with-group-by-rest-request.util.ts).
const (
	msgInvalidGroupBy   = recordquery.MsgInvalidGroupBy
	msgInvalidAggregate = `Invalid aggregate query parameter - should be a valid array of string - ex: ["countNotEmptyId", "countEmptyField"]`
	msgInvalidGroupsBy  = `Invalid order_by query parameter - should be a valid array of objects - ex: [{"firstField": "AscNullsFirst"}, {"secondField": {"subField": "DescNullsLast"}}, {"aggregate": {"aggregateField": "DescNullsLast"}}, {dateField: {"orderBy": "AscNullsFirst", "granularity": "DAY"}}]`
)

// given reports whether a body member is given as JavaScript would find it truthy: present, and
// not null, false, 0 or "".
func given(v json.RawMessage) bool {
	switch s := string(bytes.TrimSpace(v)); s {
	case "", "null", "false", "0", `""`:
		return false
	}
	return true
}

// restMerge serves PATCH /rest/{plural}/merge with {"ids":[…],"conflictPriorityIndex":0,
// "dryRun":false}: {"data":{"mergePerson":{…}}} (the key is singular, as Twenty's). depth and
// fields shape the record; a missing conflictPriorityIndex is 0. A record that does not exist is
// Twenty's 404 "Record not found".
func (g *gateway) restMerge(w http.ResponseWriter, r *http.Request) {
	shape, ok := restShape(w, r.URL.Query())
	if !ok {
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var in struct {
		IDs                   []string `json:"ids"`
		ConflictPriorityIndex *float64 `json:"conflictPriorityIndex"`
		DryRun                bool     `json:"dryRun"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "", "Request body must be an object with ids (an array of record ids), conflictPriorityIndex (a number) and dryRun (a boolean)")
		return
	}
	index := int32(0)
	if p := in.ConflictPriorityIndex; p != nil {
		if *p != math.Trunc(*p) || math.Abs(*p) > math.MaxInt32 {
			writeError(w, http.StatusBadRequest, "", "Invalid conflict priority '"+strconv.FormatFloat(*p, 'f', -1, 64)+"'. Valid options for "+
				strconv.Itoa(len(in.IDs))+" records: 0-"+strconv.Itoa(len(in.IDs)-1))
			return
		}
		index = int32(*p)
	}
	c := principalFrom(r.Context())
	res, err := g.records.MergeMany(r.Context(), &recordsv1.MergeManyRequest{
		WorkspaceId: c.WorkspaceID, ObjectNamePlural: r.PathValue("plural"),
		Ids: in.IDs, ConflictPriorityIndex: index, DryRun: in.DryRun, Actor: actorOf(c), Shape: shape,
	})
	if connect.CodeOf(err) == connect.CodeNotFound {
		writeError(w, http.StatusNotFound, "", "Record not found")
		return
	}
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeData(w, "merge"+capitalized(res.GetObjectNameSingular()), res.GetRecordJson())
}

// restDuplicates serves POST /rest/{plural}/duplicates with {"data":[…]} or {"ids":[…]}:
// {"data":[{"personDuplicates":[…],"totalCount":N,"pageInfo":{…}}, …]}, one entry per record
// given. depth shapes the records.
func (g *gateway) restDuplicates(w http.ResponseWriter, r *http.Request) {
	depth, err := restquery.DepthParam(r.URL.Query())
	if err != nil {
		writeBadQuery(w, err)
		return
	}
	body, ok := readBody(w, r)
	if !ok {
		return
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil || in == nil {
		writeError(w, http.StatusBadRequest, "", "Request body must be an object")
		return
	}
	req := &recordsv1.FindDuplicatesRequest{
		WorkspaceId: principalFrom(r.Context()).WorkspaceID, ObjectNamePlural: r.PathValue("plural"),
		HasData: given(in["data"]), HasIds: given(in["ids"]), Shape: &recordsv1.Shape{Depth: int32(depth)},
	}
	if req.HasData {
		var data []json.RawMessage
		if json.Unmarshal(in["data"], &data) != nil {
			writeError(w, http.StatusBadRequest, "", `"data" must be an array of records`)
			return
		}
		req.DataJson = in["data"]
	}
	if req.HasIds && json.Unmarshal(in["ids"], &req.Ids) != nil {
		writeError(w, http.StatusBadRequest, "", `"ids" must be an array of record ids`)
		return
	}
	res, err := g.records.FindDuplicates(r.Context(), req)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	key, err := json.Marshal(res.GetObjectNameSingular() + "Duplicates")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "Internal server error")
		return
	}
	out := []json.RawMessage{}
	for _, d := range res.GetResults() {
		records := arrayOrEmpty(d.GetRecordsJson())
		info, err := json.Marshal(pageInfoOf(d.GetPageInfo()))
		if err != nil {
			writeError(w, http.StatusInternalServerError, "", "Internal server error")
			return
		}
		// {"<singular>Duplicates":[…],"totalCount":N,"pageInfo":{…}}, in Twenty's order.
		var b bytes.Buffer
		b.WriteByte('{')
		b.Write(key)
		b.WriteByte(':')
		b.Write(records)
		b.WriteString(`,"totalCount":` + strconv.Itoa(int(d.GetTotalCount())) + `,"pageInfo":`)
		b.Write(info)
		b.WriteByte('}')
		out = append(out, b.Bytes())
	}
	writeJSON(w, http.StatusOK, map[string][]json.RawMessage{"data": out})
}

// restGroupBy serves GET /rest/{plural}/groupBy: the bare array of groups
// [{"maxAmountAmountMicros":"…","groupByDimensionValues":["Wednesday","NEW"],"records":[…]}].
// groupByRequest reads its parameters.
func (g *gateway) restGroupBy(w http.ResponseWriter, r *http.Request) {
	req, err := groupByRequest(r.URL.Query())
	if err != nil {
		writeBadQuery(w, err)
		return
	}
	req.WorkspaceId, req.ObjectNamePlural = principalFrom(r.Context()).WorkspaceID, r.PathValue("plural")
	res, err := g.records.GroupBy(r.Context(), req)
	if err != nil {
		writeConnectError(w, err)
		return
	}
	groups := res.GetGroupsJson()
	if len(groups) == 0 {
		groups = []byte("[]")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(append(groups, '\n'))
}

// groupByRequest reads a group-by's parameters into the records Worker's request (without its
// workspace and object), checked in Twenty's order: order_by (the groups' ordering, checked but
// not applied: groups come in the order of their keys), order_by_for_records, filter, group_by
// (required: a JSON array), include_records_sample, aggregate (a JSON array of names), limit
// (50 groups by default, at most 200), and last group_by's items (recordquery.ParseGroupBy).
// Its errors are 400s with Twenty's messages.
func groupByRequest(query url.Values) (*recordsv1.GroupByRequest, error) {
	if s, ok := query["order_by"]; ok && len(s) == 1 && !json.Valid([]byte(s[0])) {
		return nil, errors.New(msgInvalidGroupsBy)
	}
	var recordsOrder []recordquery.Order
	if s, ok := query["order_by_for_records"]; ok && len(s) == 1 {
		var err error
		if recordsOrder, err = restquery.ParseOrderBy(s[0]); err != nil {
			return nil, err
		}
	}
	filter, err := restquery.FilterParam(query)
	if err != nil {
		return nil, err
	}
	groupBy, ok := query["group_by"]
	if !ok || len(groupBy) != 1 {
		return nil, errors.New(msgInvalidGroupBy)
	}
	var items any
	if json.Unmarshal([]byte(groupBy[0]), &items) != nil {
		return nil, errors.New(msgInvalidGroupBy)
	}
	if _, isArray := items.([]any); !isArray && items != nil {
		return nil, errors.New(msgInvalidGroupBy)
	}
	var aggregates []string
	if s, ok := query["aggregate"]; ok {
		if len(s) != 1 || json.Unmarshal([]byte(s[0]), &aggregates) != nil {
			return nil, errors.New(msgInvalidAggregate)
		}
	}
	limit := 0 // the records Worker's default, Twenty's 50 groups
	if v := query["limit"]; len(v) > 1 || len(v) == 1 && v[0] != "" {
		if limit, err = restquery.LimitParam(query); err != nil {
			return nil, err
		}
	}
	dims, err := recordquery.ParseGroupBy(items)
	if err != nil {
		return nil, err
	}
	return &recordsv1.GroupByRequest{
		GroupBy: recordquery.GroupByToProto(dims), Aggregates: aggregates,
		Filter:               recordquery.ToProto(&recordquery.Query{Filter: filter}).GetFilter(),
		IncludeRecordsSample: query.Get("include_records_sample") == "true",
		OrderByForRecords:    recordquery.ToProto(&recordquery.Query{OrderBy: recordsOrder}).GetOrderBy(),
		Limit:                int32(limit),
		ViewId:               groupByViewID(query),
	}, nil
}

// groupByViewID is the view whose filters a group-by adds: Twenty's viewId parameter
// (parse-view-id-rest-request.util.ts), or view_id in this API's snake_case spelling.
func groupByViewID(query url.Values) string {
	if v := query.Get("viewId"); v != "" {
		return v
	}
	return query.Get("view_id")
}
