// RealtimeRoom is a workspace's Durable Object: Twenty's event streams over graphql-sse and, beyond
// Twenty, graphql-ws (eventroom.mjs), and the development WebSocket fan-out (shared/js/rooms.mjs).
// Plain JS: matching events to queries and reading subscriptions are Go's, in the realtime Worker,
// so the object holds no Go runtime and a Go panic cannot end it. graphql-ws sockets hibernate:
// an idle room with only sockets costs nothing, and wakes with their subscriptions rebuilt from
// the sockets' attachments and their queries from storage.
import { DurableObject } from "cloudflare:workers";
import { handleRoomRequest } from "../../shared/js/rooms.mjs";
import { EventStreams, acceptSocket, closeSocket, handleEventRequest, handleSocketMessage, restoreSocket } from "./eventroom.mjs";

const WS_PROTOCOL = "graphql-transport-ws";
const PARSE = "http://internal/twenty.realtime.v1.RealtimeService/ParseSubscription";

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
    this.streams.openSockets = () => ctx.getWebSockets().length;
    // A socket's queries outlive hibernation in storage; an SSE stream's live with its request.
    this.streams.onQueries = (stream, queries) => {
      if (!stream.sink.ws) return;
      const key = "q:" + stream.id;
      (queries ? ctx.storage.put(key, Object.fromEntries(queries)) : ctx.storage.delete(key)).catch(() => {});
    };
    ctx.blockConcurrencyWhile(async () => {
      for (const ws of ctx.getWebSockets()) {
        await restoreSocket(this.streams, ws, (id) => ctx.storage.get("q:" + id));
      }
      // Queries of sockets that closed while no close reached the object are dropped now.
      const stale = [];
      for (const key of (await ctx.storage.list({ prefix: "q:" })).keys()) {
        if (!this.streams.streams.has(key.slice(2))) stale.push(key);
      }
      for (let i = 0; i < stale.length; i += 128) await ctx.storage.delete(stale.slice(i, i + 128));
    });
    // Answered by the runtime without waking the object (the development fan-out's keepalive).
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  async fetch(request) {
    const info = request.headers.get("x-twenty-stream");
    if (info && (request.headers.get("upgrade") || "").toLowerCase() === "websocket") {
      const { 0: client, 1: server } = new WebSocketPair();
      this.ctx.acceptWebSocket(server);
      acceptSocket(server, JSON.parse(info));
      return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": WS_PROTOCOL } });
    }
    const res = await handleEventRequest(this.streams, request);
    if (res) return res;
    return handleRoomRequest(this.ctx, request);
  }

  // parse has the realtime Worker read a subscribe message's operation.
  async parse(payload) {
    const res = await this.env.SELF.fetch(PARSE, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: payload.query, operationName: payload.operationName || "", variablesJson: JSON.stringify(payload.variables ?? {}) }),
    });
    const out = await res.json();
    if (!res.ok) return { error: { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } } };
    if (out.errorJson) return { error: JSON.parse(out.errorJson) };
    return { sub: JSON.parse(out.subscriptionJson) };
  }

  async webSocketMessage(ws, message) {
    await handleSocketMessage(this.streams, ws, message, (p) => this.parse(p));
  }

  webSocketClose(ws, code, reason) {
    closeSocket(this.streams, ws);
    ws.close(code, reason);
  }

  webSocketError(ws) {
    closeSocket(this.streams, ws);
    ws.close(1011, "error");
  }
}
