// RealtimeRoom is the per-room (per-workspace) Durable Object that fans events out to connected
// WebSocket clients. It is plain JS on purpose: it only fans out, so it wakes fast, holds no Go
// runtime (5-10 MiB per instance) and cannot be taken down by a Go panic. Sockets use the
// hibernation API, so idle rooms cost nothing.
import { DurableObject } from "cloudflare:workers";

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

// handleRoomRequest serves the room's three routes: a WebSocket upgrade joins the room,
// POST /publish sends the body to every socket and answers {"delivered":n}, GET /health answers
// {"ok":true,"connections":n}. Exported for tests with a fake ctx.
export async function handleRoomRequest(ctx, request) {
  const url = new URL(request.url);
  if ((request.headers.get("upgrade") || "").toLowerCase() === "websocket") {
    const { 0: client, 1: server } = new WebSocketPair();
    ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
  if (request.method === "POST" && url.pathname === "/publish") {
    const event = await request.text();
    let delivered = 0;
    for (const ws of ctx.getWebSockets()) {
      try {
        ws.send(event);
        delivered++;
      } catch {
        // A socket that is closing is skipped; it is not counted.
      }
    }
    return Response.json({ delivered });
  }
  if (request.method === "GET" && url.pathname === "/health") {
    return Response.json({ ok: true, connections: ctx.getWebSockets().length });
  }
  return Response.json({ statusCode: 404, error: "NotFoundException", messages: ["Not found"] }, { status: 404 });
}

// routeToRoom sends a request to the room named by the x-twenty-room header (set only by the
// gateway's Go code, after it has authorised the caller).
export function routeToRoom(request, env) {
  const room = request.headers.get("x-twenty-room");
  if (!room) {
    return Response.json(
      { statusCode: 400, error: "BadRequestException", messages: ["Missing realtime room"] },
      { status: 400 },
    );
  }
  return env.ROOMS.get(env.ROOMS.idFromName(room)).fetch(request);
}
