// The realtime Worker's module entry: WebSocket upgrades and event-stream subscriptions (both
// forwarded by the gateway after it has authenticated the caller and chosen the room) go straight
// to the room's Durable Object, and so does RoomListening sent as Connect JSON (the records relay's
// question before each publish); everything else is Go.
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";
import { routeToRoom } from "../../shared/js/rooms.mjs";
import { roomListening, ROOM_LISTENING } from "./listening.mjs";

export { RealtimeRoom } from "./room.mjs";

export default createWorker(mod, {
  beforeGo(request, env) {
    if ((request.headers.get("upgrade") || "").toLowerCase() === "websocket" || request.headers.has("x-twenty-stream")) {
      return routeToRoom(request, env);
    }
    if (request.method === "POST" && new URL(request.url).pathname === ROOM_LISTENING) {
      return roomListening(request, (room) => env.ROOMS.get(env.ROOMS.idFromName(room)));
    }
    return undefined;
  },
});
