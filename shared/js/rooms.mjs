// The realtime room's request handling as plain functions, apart from room.mjs so that node can
// test them: room.mjs needs "cloudflare:workers", which only workerd provides.

// handleRoomRequest serves the room's three routes: a WebSocket upgrade joins the room,
// POST /publish sends the body to every socket and answers {"delivered":n}, GET /health answers
// {"ok":true,"connections":n}.
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
