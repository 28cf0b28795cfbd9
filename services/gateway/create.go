package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// actorOf is Twenty's createdBy for the caller: API for an API key, MANUAL for a user, whose
// user id the record events carry (a webhook's userId).
func actorOf(c *authtoken.Claims) *recordsv1.Actor {
	if c.Type == authtoken.TypeAPIKey {
		return &recordsv1.Actor{Source: "API"}
	}
	return &recordsv1.Actor{Source: "MANUAL", WorkspaceMemberId: c.WorkspaceMemberID, UserId: c.UserID}
}

// capitalized is s with its first letter upper-cased (createPerson, createPeople).
func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// restCreate serves POST /rest/{plural} (one record, an object body) and POST /rest/batch/{plural}
// (several, an array body): 201 {"data":{"createPerson":{…}}} or {"data":{"createPeople":[…]}},
// with depth and fields; upsert=true updates the records the inputs match.
func (g *gateway) restCreate(many bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		trimmed := strings.TrimSpace(string(body))
		records := trimmed
		switch {
		case many && strings.HasPrefix(trimmed, "["):
		case !many && strings.HasPrefix(trimmed, "{"):
			records = "[" + trimmed + "]"
		default:
			want := "an object"
			if many {
				want = "an array"
			}
			writeError(w, http.StatusBadRequest, "", "Request body must be "+want)
			return
		}
		query := r.URL.Query()
		shape, ok := restShape(w, query)
		if !ok {
			return
		}
		c := principalFrom(r.Context())
		res, err := g.records.CreateMany(r.Context(), &recordsv1.CreateManyRequest{
			WorkspaceId: c.WorkspaceID, ObjectNamePlural: r.PathValue("plural"),
			RecordsJson: []byte(records), Actor: actorOf(c),
			Upsert: query.Get("upsert") == "true", Shape: shape,
		})
		if err != nil {
			writeConnectError(w, err)
			return
		}
		var out json.RawMessage = res.GetRecordsJson()
		key := "create" + capitalized(res.GetObjectNamePlural())
		if !many {
			var list []json.RawMessage
			if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 {
				writeError(w, http.StatusInternalServerError, "", "Internal server error")
				return
			}
			out, key = list[0], "create"+capitalized(res.GetObjectNameSingular())
		}
		writeDataJSON(w, http.StatusCreated, key, out, "")
	}
}
