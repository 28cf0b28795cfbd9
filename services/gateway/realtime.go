package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/twentyworkers/twenty/shared/fanout"
	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// Headers by which Go asks the JS glue (shared/js/glue.mjs) to forward the original request: the
// glue sends it to the binding named by forwardHeader, with the other X-Twenty-* headers set here.
const (
	forwardHeader = "X-Twenty-Forward"
	roomHeader    = "X-Twenty-Room"
)

// websocket hands a WebSocket upgrade to the realtime Worker's room. Go decides who may join which
// room; the socket itself is accepted by the room's Durable Object, never by Go.
func (g *gateway) websocket(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, http.StatusBadRequest, "", "Expected a WebSocket upgrade")
		return
	}
	room := r.URL.Query().Get("room")
	if err := fanout.ValidateRoom(room); err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid realtime room")
		return
	}
	w.Header().Set(forwardHeader, "REALTIME")
	w.Header().Set(roomHeader, room)
	w.WriteHeader(http.StatusOK)
}

// publish sends {"room","event"} to the room's clients through the realtime Worker's contract.
func (g *gateway) publish(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Room  string          `json:"room"`
		Event json.RawMessage `json:"event"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in.Event) == 0 {
		writeError(w, http.StatusBadRequest, "", `Body must be {"room": string, "event": JSON}`)
		return
	}
	res, err := g.realtime.Publish(r.Context(), &realtimev1.PublishRequest{Room: in.Room, Event: string(in.Event)})
	if err != nil {
		writeConnectError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"delivered": res.GetDelivered()})
}
