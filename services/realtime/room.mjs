// RealtimeRoom is a workspace's Durable Object: Twenty's event streams (eventroom.mjs) and the
// development WebSocket fan-out (shared/js/rooms.mjs). Plain JS: matching events to queries is
// Go's, in the realtime Worker, so the object holds no Go runtime and a Go panic cannot end it.
import { DurableObject } from "cloudflare:workers";
import { handleRoomRequest } from "../../shared/js/rooms.mjs";
import { EventStreams, handleEventRequest } from "./eventroom.mjs";

function limitsOf(env) {
  const n = (name) => (env[name] ? Number(env[name]) : undefined);
  const limits = {
    streamsPerWorkspace: n("REALTIME_MAX_STREAMS_PER_WORKSPACE"),
    streamsPerOwner: n("REALTIME_MAX_STREAMS_PER_OWNER"),
  };
  for (const k of Object.keys(limits)) if (!(limits[k] > 0)) delete limits[k];
  return limits;
}

export class RealtimeRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.streams = new EventStreams(limitsOf(env));
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request) {
    const res = await handleEventRequest(this.streams, request);
    if (res) return res;
    return handleRoomRequest(this.ctx, request);
  }

  webSocketClose(ws, code, reason) {
    ws.close(code, reason);
  }

  webSocketError(ws) {
    ws.close(1011, "error");
  }
}
