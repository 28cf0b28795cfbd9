// The realtime Worker's module entry: WebSocket upgrades and event-stream subscriptions (both
// forwarded by the gateway after it has authenticated the caller and chosen the room) go straight
// to the room's Durable Object; everything else is Go.
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";
import { routeToRoom } from "../../shared/js/rooms.mjs";

export { RealtimeRoom } from "./room.mjs";

export default createWorker(mod, {
  beforeGo(request, env) {
    if ((request.headers.get("upgrade") || "").toLowerCase() === "websocket" || request.headers.has("x-twenty-stream")) {
      return routeToRoom(request, env);
    }
    return undefined;
  },
});
