// The realtime Worker's module entry: WebSocket upgrades (forwarded by the gateway after it has
// chosen the room) go straight to the room's Durable Object; everything else is Go.
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";
import { routeToRoom } from "../../shared/js/room.mjs";

export { RealtimeRoom } from "../../shared/js/room.mjs";

export default createWorker(mod, {
  beforeGo(request, env) {
    if ((request.headers.get("upgrade") || "").toLowerCase() === "websocket") {
      return routeToRoom(request, env);
    }
    return undefined;
  },
});
