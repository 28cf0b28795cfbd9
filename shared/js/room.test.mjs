// Tests of the realtime room's request handling (rooms.mjs) with a fake Durable Object state.
// The WebSocket upgrade branch is not tested here: it needs workerd's WebSocketPair and a 101
// Response, which node lacks; the end-to-end tier (make test-e2e, on wrangler dev) covers it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { handleRoomRequest, routeToRoom } from "./rooms.mjs";

function fakeSocket({ fails = false } = {}) {
  return {
    sent: [],
    send(data) {
      if (fails) throw new Error("socket is closing");
      this.sent.push(data);
    },
  };
}

function fakeCtx(sockets) {
  return {
    accepted: [],
    getWebSockets() {
      return sockets;
    },
    acceptWebSocket(ws) {
      this.accepted.push(ws);
    },
  };
}

test("POST /publish sends the body to every socket and counts deliveries", async () => {
  const sockets = [fakeSocket(), fakeSocket(), fakeSocket()];
  const req = new Request("https://room/publish", { method: "POST", body: '{"event":"created"}' });
  const res = await handleRoomRequest(fakeCtx(sockets), req);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { delivered: 3 });
  for (const ws of sockets) assert.deepEqual(ws.sent, ['{"event":"created"}']);
});

test("POST /publish skips a socket whose send throws and does not count it", async () => {
  const sockets = [fakeSocket(), fakeSocket({ fails: true }), fakeSocket()];
  const req = new Request("https://room/publish", { method: "POST", body: "hello" });
  const res = await handleRoomRequest(fakeCtx(sockets), req);
  assert.deepEqual(await res.json(), { delivered: 2 });
  assert.deepEqual(sockets[0].sent, ["hello"]);
  assert.deepEqual(sockets[1].sent, []);
  assert.deepEqual(sockets[2].sent, ["hello"]);
});

test("POST /publish to an empty room delivers to nobody", async () => {
  const req = new Request("https://room/publish", { method: "POST", body: "x" });
  const res = await handleRoomRequest(fakeCtx([]), req);
  assert.deepEqual(await res.json(), { delivered: 0 });
});

test("GET /health reports the number of connections", async () => {
  const ctx = fakeCtx([fakeSocket(), fakeSocket()]);
  const res = await handleRoomRequest(ctx, new Request("https://room/health"));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true, connections: 2 });
  assert.deepEqual(ctx.accepted, []);
});

test("an unknown route, or a known path with the wrong method, answers the 404 envelope", async () => {
  const notFound = { statusCode: 404, error: "NotFoundException", messages: ["Not found"] };
  const ws = fakeSocket();
  for (const req of [
    new Request("https://room/nope"),
    new Request("https://room/publish"), // GET, not POST
    new Request("https://room/health", { method: "POST", body: "x" }),
  ]) {
    const res = await handleRoomRequest(fakeCtx([ws]), req);
    assert.equal(res.status, 404, `${req.method} ${req.url}`);
    assert.deepEqual(await res.json(), notFound);
  }
  assert.deepEqual(ws.sent, []);
});

function fakeRooms() {
  const calls = { idFromName: [], get: [], fetch: [] };
  const ROOMS = {
    idFromName(name) {
      calls.idFromName.push(name);
      return { id: `id-of-${name}` };
    },
    get(id) {
      calls.get.push(id);
      return {
        async fetch(request) {
          calls.fetch.push(request);
          return new Response(`room ${id.id}`);
        },
      };
    },
  };
  return { env: { ROOMS }, calls };
}

test("routeToRoom without x-twenty-room answers 400 and touches no room", async () => {
  const { env, calls } = fakeRooms();
  const res = await routeToRoom(new Request("https://rt/ws", { headers: { upgrade: "websocket" } }), env);
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    statusCode: 400,
    error: "BadRequestException",
    messages: ["Missing realtime room"],
  });
  assert.deepEqual(calls, { idFromName: [], get: [], fetch: [] });
});

test("routeToRoom sends the request itself to the named room's Durable Object", async () => {
  const { env, calls } = fakeRooms();
  const req = new Request("https://rt/ws", { headers: { upgrade: "websocket", "x-twenty-room": "ws-42" } });
  const res = await routeToRoom(req, env);
  assert.equal(await res.text(), "room id-of-ws-42");
  assert.deepEqual(calls.idFromName, ["ws-42"]);
  assert.deepEqual(calls.get, [{ id: "id-of-ws-42" }]);
  assert.equal(calls.fetch.length, 1);
  assert.equal(calls.fetch[0], req);
});
