// RealtimeRoom is the per-room (per-workspace) Durable Object that fans events out to connected
// WebSocket clients. It is plain JS on purpose: it only fans out, so it wakes fast, holds no Go
// runtime (5-10 MiB per instance) and cannot be taken down by a Go panic. Sockets use the
// hibernation API, so idle rooms cost nothing.
import { DurableObject } from "cloudflare:workers";
import { handleRoomRequest } from "./rooms.mjs";

export { handleRoomRequest, routeToRoom } from "./rooms.mjs";

export class RealtimeRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // Answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request) {
    return handleRoomRequest(this.ctx, request);
  }

  webSocketClose(ws, code, reason) {
    ws.close(code, reason);
  }

  webSocketError(ws) {
    ws.close(1011, "error");
  }
}
