package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/recordquery"
	"github.com/twentyworkers/twenty/shared/restquery"
)

// pageInfo is Twenty's REST pageInfo; absent cursors are null.
type pageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

// pageInfoOf is the contract's page info as REST shows it.
func pageInfoOf(info *recordsv1.PageInfo) pageInfo {
	return pageInfo{
		HasNextPage: info.GetHasNextPage(), HasPreviousPage: info.GetHasPreviousPage(),
		StartCursor: cursorOrNull(info.GetStartCursor()), EndCursor: cursorOrNull(info.GetEndCursor()),
	}
}

// arrayOrEmpty is a JSON array the records Worker answered, [] when it answered nothing.
func arrayOrEmpty(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("[]")
	}
	return json.RawMessage(b)
}

func cursorOrNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// restFindMany serves GET /rest/{plural}: {"data":{"people":[…]},"totalCount":N,"pageInfo":{…}}.
func (g *gateway) restFindMany(w http.ResponseWriter, r *http.Request) {
	q, err := restquery.Parse(r.URL.Query())
	if err != nil {
		writeBadQuery(w, err)
		return
	}
	res, err := g.records.FindMany(r.Context(), &recordsv1.FindManyRequest{
		WorkspaceId:      principalFrom(r.Context()).WorkspaceID,
		ObjectNamePlural: r.PathValue("plural"),
		Query:            recordquery.ToProto(q),
	})
	if err != nil {
		writeConnectError(w, err)
		return
	}
	info, err := json.Marshal(pageInfoOf(res.GetPageInfo()))
	if err != nil {
		writeError(w, http.StatusInternalServerError, "", "Internal server error")
		return
	}
	after := `,"totalCount":` + strconv.Itoa(int(res.GetTotalCount())) + `,"pageInfo":` + string(info)
	writeDataJSON(w, http.StatusOK, res.GetObjectNamePlural(), arrayOrEmpty(res.GetRecordsJson()), after)
}

// writeBadQuery answers a query the REST parser refused with Twenty's 400 envelope.
func writeBadQuery(w http.ResponseWriter, err error) {
	var bad *restquery.BadRequest
	if errors.As(err, &bad) {
		writeError(w, http.StatusBadRequest, "", bad.Messages...)
		return
	}
	writeError(w, http.StatusBadRequest, "", err.Error())
}
