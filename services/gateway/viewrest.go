package main

import (
	"encoding/json"
	"io"
	"net/http"

	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// restViews serves Twenty's view REST controller (view.controller.ts) on /rest/metadata/views
// through the records Worker's ViewService, as viewgraphql.go does /metadata's:
//
//	GET    /rest/metadata/views[?objectMetadataId=]  the workspace's views, each with its parts
//	GET    /rest/metadata/views/{id}                 the view, or 404 "View (id: …) not found"
//	POST   /rest/metadata/views                      the created view (a CreateViewInput body)
//	PATCH  /rest/metadata/views/{id}                 the updated view (an UpdateViewInput body)
//	DELETE /rest/metadata/views/{id}                 {"success":true} (a soft delete)
//
// Refusals answer Twenty's REST envelope with the records Worker's messages.
func (g *gateway) restViews(w http.ResponseWriter, r *http.Request) {
	c := principalFrom(r.Context())
	ws, id, ctx := c.WorkspaceID, r.PathValue("id"), r.Context()
	client, ok := g.viewClient()
	if !ok {
		writeError(w, http.StatusServiceUnavailable, "", "Service unavailable")
		return
	}
	kind := recordsv1.ViewPartKind_VIEW_PART_KIND_VIEW
	answer := func(res *recordsv1.FindViewPartsResponse, err error, status int) {
		if err != nil {
			writeConnectError(w, err)
			return
		}
		parts, err := decodeViewParts(res)
		if err != nil || len(parts) == 0 {
			writeError(w, http.StatusInternalServerError, "", "Internal server error")
			return
		}
		writeJSON(w, status, parts[0])
	}
	body := func() ([]byte, bool) {
		b, err := io.ReadAll(r.Body)
		if err != nil || !json.Valid(b) {
			writeError(w, http.StatusBadRequest, "", "The body must be a JSON object")
			return nil, false
		}
		return b, true
	}
	switch method := r.Method; {
	case (method == http.MethodGet || method == http.MethodHead) && id == "":
		res, err := client.FindViewParts(ctx, &recordsv1.FindViewPartsRequest{WorkspaceId: ws, Kind: kind,
			ObjectMetadataId: r.URL.Query().Get("objectMetadataId"), UserWorkspaceId: c.UserWorkspaceID})
		if err != nil {
			writeConnectError(w, err)
			return
		}
		parts, err := decodeViewParts(res)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "", "Internal server error")
			return
		}
		writeJSON(w, http.StatusOK, parts)
	case method == http.MethodGet || method == http.MethodHead:
		res, err := client.FindViewParts(ctx, &recordsv1.FindViewPartsRequest{WorkspaceId: ws, Kind: kind, Id: id})
		if err == nil && len(res.GetPartsJson()) == 0 {
			writeError(w, http.StatusNotFound, "", "View (id: "+id+") not found")
			return
		}
		answer(res, err, http.StatusOK)
	case method == http.MethodPost && id == "":
		b, ok := body()
		if !ok {
			return
		}
		res, err := client.CreateViewParts(ctx, &recordsv1.CreateViewPartsRequest{WorkspaceId: ws, Kind: kind, InputsJson: [][]byte{b}, UserWorkspaceId: c.UserWorkspaceID})
		answer(res, err, http.StatusCreated)
	case (method == http.MethodPatch || method == http.MethodPut) && id != "":
		b, ok := body()
		if !ok {
			return
		}
		res, err := client.UpdateViewPart(ctx, &recordsv1.UpdateViewPartRequest{WorkspaceId: ws, Kind: kind, Id: id, UpdateJson: b, UserWorkspaceId: c.UserWorkspaceID})
		answer(res, err, http.StatusOK)
	case method == http.MethodDelete && id != "":
		if !ids.IsUUID(id) {
			writeError(w, http.StatusNotFound, "", "View to delete not found")
			return
		}
		if _, err := client.DeleteViewPart(ctx, &recordsv1.DeleteViewPartRequest{WorkspaceId: ws, Kind: kind, Id: id, UserWorkspaceId: c.UserWorkspaceID}); err != nil {
			writeConnectError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"success": true})
	default:
		writeError(w, http.StatusNotFound, "", "Cannot "+r.Method+" "+r.URL.Path)
	}
}

// viewClient is the records Worker's ViewService, over the records binding.
func (g *gateway) viewClient() (recordsv1connect.ViewServiceClient, bool) {
	for _, s := range g.services {
		if s.name == "records" && s.http != nil {
			return recordsv1connect.NewViewServiceClient(s.http, baseURL, rpc.ClientOptions()...), true
		}
	}
	return nil, false
}
