import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStreams, acceptSocket, closeSocket, handleEventRequest, handleSocketMessage, project, restoreSocket } from "./eventroom.mjs";

const alice = { userWorkspaceId: "uw-a" };
const bob = { userWorkspaceId: "uw-b" };

// next reads the reader's next SSE message, across chunks.
async function next(reader) {
  reader.buffer ??= "";
  while (!reader.buffer.includes("\n\n")) {
    const { value, done } = await reader.read();
    assert.ok(!done, "stream ended");
    reader.buffer += new TextDecoder().decode(value);
  }
  const end = reader.buffer.indexOf("\n\n") + 2;
  const text = reader.buffer.slice(0, end);
  reader.buffer = reader.buffer.slice(end);
  const m = /^event: (\w+)\ndata: (.*)\n\n$/s.exec(text);
  assert.ok(m, `not an SSE message: ${JSON.stringify(text)}`);
  return { event: m[1], data: m[2] ? JSON.parse(m[2]) : null };
}

function open(rooms, id, who) {
  const res = rooms.open({ eventStreamId: id, ...who });
  return res.body.getReader();
}

function event(id, recordId, date, matches) {
  return { id, recordId, date, matches, event: { action: "CREATED", objectNameSingular: "person", recordId, properties: {} } };
}

test("a stream gets Twenty's first payload, then the events matched to its queries, once and in order", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const r = open(rooms, "s1", alice);
  const first = await next(r);
  assert.deepEqual(first.data.data.onEventSubscription, { eventStreamId: "s1", objectRecordEventsWithQueryIds: [], metadataEvents: [], queueJobEvents: [] });

  assert.deepEqual(await rooms.query({ op: "add", eventStreamId: "s1", queryId: "q1", signature: { objectNameSingular: "person" }, caller: alice }).json(), { ok: true });
  assert.equal(rooms.query({ op: "add", eventStreamId: "s1", queryId: "q2", signature: {}, caller: bob }).status, 403);
  assert.deepEqual(await rooms.query({ op: "add", eventStreamId: "nope", queryId: "q", signature: {}, caller: alice }).json(), { ok: false });

  const stale = rooms.deliver({ version: 0, events: [event("e1", "r1", "2026-01-01T00:00:00.002Z", { s1: ["q1"] })] });
  assert.equal(stale.status, 409);
  assert.deepEqual(await stale.json(), { version: rooms.version, streams: { s1: { q1: { objectNameSingular: "person" } } }, views: {} });

  const ok = rooms.deliver({ version: rooms.version, events: [event("e1", "r1", "2026-01-01T00:00:00.002Z", { s1: ["q1"] })] });
  assert.deepEqual(await ok.json(), { delivered: 1 });
  const got = await next(r);
  assert.deepEqual(got.data.data.onEventSubscription.objectRecordEventsWithQueryIds.map((e) => [e.queryIds, e.objectRecordEvent.recordId]), [[["q1"], "r1"]]);

  // A redelivery and an older event of the same record are dropped; a newer one passes.
  const again = rooms.deliver({
    version: rooms.version,
    events: [
      event("e1", "r1", "2026-01-01T00:00:00.002Z", { s1: ["q1"] }),
      event("e0", "r1", "2026-01-01T00:00:00.001Z", { s1: ["q1"] }),
      event("e2", "r1", "2026-01-01T00:00:00.003Z", { s1: ["q1"] }),
    ],
  });
  assert.deepEqual(await again.json(), { delivered: 1 });
  const newer = await next(r);
  assert.deepEqual(newer.data.data.onEventSubscription.objectRecordEventsWithQueryIds.map((e) => e.objectRecordEvent.recordId), ["r1"]);
  assert.equal(rooms.seen.has("e0"), false);
});

test("metadata events reach every stream; a reconnect by the owner starts the stream again; another owner is refused", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const a = open(rooms, "s1", alice);
  const b = open(rooms, "s2", bob);
  await next(a);
  await next(b);
  const res = rooms.deliver({ metadataEvents: [{ id: "m1", recordId: "o1", date: "2026-01-01T00:00:00.000Z", event: { type: "CREATED", metadataName: "objectMetadata", recordId: "o1", properties: {} } }] });
  assert.deepEqual(await res.json(), { delivered: 2 });
  assert.equal((await next(a)).data.data.onEventSubscription.metadataEvents[0].metadataName, "objectMetadata");
  assert.equal((await next(b)).data.data.onEventSubscription.metadataEvents[0].recordId, "o1");

  const refused = open(rooms, "s1", bob);
  const err = await next(refused);
  assert.equal(err.data.errors[0].message, "Event stream already exists");
  assert.deepEqual(err.data.errors[0].extensions, { code: "FORBIDDEN", subCode: "EVENT_STREAM_ALREADY_EXISTS", userFriendlyMessage: "Failed to receive real time updates." });
  assert.equal((await next(refused)).event, "complete");

  const again = open(rooms, "s1", alice);
  assert.equal((await next(again)).event, "next");
  assert.equal((await next(a)).event, "complete");
});

test("streams are bounded per workspace and per owner, with a clear error", async () => {
  const rooms = new EventStreams({ pingMs: 0, streamsPerWorkspace: 3, streamsPerOwner: 2 });
  await next(open(rooms, "s1", alice));
  await next(open(rooms, "s2", alice));
  const third = await next(open(rooms, "s3", alice));
  assert.equal(third.data.errors[0].extensions.code, "TOO_MANY_REQUESTS");
  await next(open(rooms, "s4", bob));
  const full = await next(open(rooms, "s5", { apiKeyId: "k1" }));
  assert.match(full.data.errors[0].message, /workspace has 3 open event streams/);
});

test("a client that does not read is dropped and does not hold the others", async () => {
  const rooms = new EventStreams({ pingMs: 0, queuedMessages: 3 });
  open(rooms, "slow", alice); // never read
  const fast = open(rooms, "fast", bob);
  await next(fast);
  for (const id of ["slow", "fast"]) rooms.query({ op: "add", eventStreamId: id, queryId: "q", signature: {}, caller: id === "slow" ? alice : bob });
  for (let i = 0; i < 10; i++) {
    rooms.deliver({ version: rooms.version, events: [event(`e${i}`, `r${i}`, "2026-01-01T00:00:00.000Z", { slow: ["q"], fast: ["q"] })] });
    await next(fast);
  }
  assert.equal(rooms.streams.has("slow"), false);
  assert.equal(rooms.streams.has("fast"), true);
});

test("handleEventRequest routes the gateway's subscription and the Worker's calls", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const sub = await handleEventRequest(rooms, new Request("http://x/metadata", { method: "POST", headers: { "x-twenty-stream": JSON.stringify({ eventStreamId: "s", ...alice }) }, body: "{}" }));
  assert.equal(sub.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const q = await handleEventRequest(rooms, new Request("http://room/queries", { method: "POST", body: JSON.stringify({ op: "add", eventStreamId: "s", queryId: "q", signature: {}, caller: alice }) }));
  assert.deepEqual(await q.json(), { ok: true });
  assert.equal(await handleEventRequest(rooms, new Request("http://room/health")), undefined);
});

test("the legacy onDbEvent stream gets each record event its input names, as OnDbEvent", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const r = rooms.open({ eventStreamId: "db-1", responseKey: "onDbEvent", dbEvent: { objectNameSingular: "person", action: "UPDATED" }, ...alice }).body.getReader();
  const upd = { id: "u1", recordId: "r1", date: "2026-01-01T00:00:00.000Z", matches: {}, event: { action: "UPDATED", objectNameSingular: "person", recordId: "r1", properties: { before: { a: 1 }, after: { a: 2 }, updatedFields: ["a"] } } };
  const created = { ...event("c1", "r2", "2026-01-01T00:00:00.000Z", {}) };
  assert.deepEqual(await rooms.deliver({ version: rooms.version, events: [created, upd] }).json(), { delivered: 1 });
  const got = await next(r);
  assert.deepEqual(got.data.data.onDbEvent, { action: "UPDATED", objectNameSingular: "person", eventDate: "2026-01-01T00:00:00.000Z", record: { a: 2 }, updatedFields: ["a"] });
});

// fakeSocket is a hibernatable WebSocket as the room sees it.
function fakeSocket() {
  return {
    sent: [],
    closed: null,
    attachment: null,
    send(m) {
      if (this.closed) throw new Error("send on a closed WebSocket");
      this.sent.push(JSON.parse(m));
    },
    take() { const out = this.sent; this.sent = []; return out; },
    close(code, reason) { this.closed = [code, reason]; },
    serializeAttachment(v) { this.attachment = structuredClone(v); },
    deserializeAttachment() { return structuredClone(this.attachment); },
  };
}

const parse = async (payload) =>
  payload.query.includes("onEventSubscription")
    ? { sub: { eventStreamId: payload.variables.id, responseKey: "onEventSubscription" } }
    : { error: { message: "Unknown subscription", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } } };

test("graphql-transport-ws: ack, subscribe, events, complete; a woken room rebuilds the socket's subscriptions", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const ws = fakeSocket();
  acceptSocket(ws, alice);
  await handleSocketMessage(rooms, ws, JSON.stringify({ type: "subscribe", id: "1", payload: { query: "subscription { onEventSubscription }" } }), parse);
  assert.deepEqual(ws.closed, [4401, "Unauthorized"]);

  const sock = fakeSocket();
  acceptSocket(sock, alice);
  await handleSocketMessage(rooms, sock, '{"type":"connection_init","payload":{}}', parse);
  await handleSocketMessage(rooms, sock, '{"type":"ping"}', parse);
  await handleSocketMessage(rooms, sock, JSON.stringify({ type: "subscribe", id: "op1", payload: { query: "subscription { onEventSubscription }", variables: { id: "s1" } } }), parse);
  await handleSocketMessage(rooms, sock, JSON.stringify({ type: "subscribe", id: "op2", payload: { query: "subscription { nope }" } }), parse);
  assert.deepEqual(sock.sent.map((m) => m.type), ["connection_ack", "pong", "next", "error"]);
  assert.equal(sock.sent[2].id, "op1");
  assert.equal(sock.sent[2].payload.data.onEventSubscription.eventStreamId, "s1");

  rooms.query({ op: "add", eventStreamId: "s1", queryId: "q", signature: {}, caller: alice });
  await rooms.deliver({ version: rooms.version, events: [event("e1", "r1", "2026-01-01T00:00:00.000Z", { s1: ["q"] })] }).json();
  const next = sock.sent.at(-1);
  assert.equal(next.type, "next");
  assert.deepEqual(next.payload.data.onEventSubscription.objectRecordEventsWithQueryIds[0].queryIds, ["q"]);

  // Hibernation: a new room object rebuilds the subscription from the attachment and storage.
  const woken = new EventStreams({ pingMs: 0 });
  await restoreSocket(woken, sock, async (id) => (id === "s1" ? { q: {} } : undefined));
  assert.deepEqual(woken.state().streams, { s1: { q: {} } });

  await handleSocketMessage(rooms, sock, '{"type":"complete","id":"op1"}', parse);
  assert.equal(rooms.streams.has("s1"), false);
  await handleSocketMessage(rooms, sock, "not json", parse);
  assert.deepEqual(sock.closed, [4400, "Invalid message received"]);
  closeSocket(woken, sock);
});

test("payloads follow the subscription's selection: aliases, subsets, __typename", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const selection = {
    id: ["eventStreamId", null],
    events: ["objectRecordEventsWithQueryIds", { q: ["queryIds", null], objectRecordEvent: ["objectRecordEvent", { recordId: ["recordId", null], __typename: ["__typename:ObjectRecordEvent", null] }] }],
  };
  const r = rooms.open({ eventStreamId: "s1", responseKey: "live", selection, ...alice }).body.getReader();
  assert.deepEqual((await next(r)).data.data, { live: { id: "s1", events: [] } });
  rooms.query({ op: "add", eventStreamId: "s1", queryId: "q1", signature: {}, caller: alice });
  await rooms.deliver({ version: rooms.version, events: [event("e1", "r1", "2026-01-01T00:00:00.000Z", { s1: ["q1"] })] }).json();
  assert.deepEqual((await next(r)).data.data, { live: { id: "s1", events: [{ q: ["q1"], objectRecordEvent: { recordId: "r1", __typename: "ObjectRecordEvent" } }] } });
  assert.deepEqual(project({ a: 1, b: { c: 2, d: 3 } }, null), { a: 1, b: { c: 2, d: 3 } });
  assert.deepEqual(project({ a: null }, { x: ["a", { y: ["y", null] }], z: ["missing", null] }), { x: null, z: null });
});

test("an idle event stream gets Twenty's empty payload as a keepalive", async () => {
  const rooms = new EventStreams({ pingMs: 20 });
  const r = rooms.open({ eventStreamId: "s1", ...alice }).body.getReader();
  await next(r); // the first payload
  const keepalive = await next(r);
  assert.deepEqual(keepalive.data.data.onEventSubscription.objectRecordEventsWithQueryIds, []);
  rooms.close(rooms.streams.get("s1"), true);
  assert.equal(rooms.pinger, null);
});

test("graphql-transport-ws: a socket that leaves its messages unread is closed and does not hold the others", async () => {
  const rooms = new EventStreams({ pingMs: 0, queuedMessages: 8 });
  const subscribe = async (ws, who, ids) => {
    acceptSocket(ws, who);
    await handleSocketMessage(rooms, ws, '{"type":"connection_init"}', parse);
    for (const id of ids) {
      await handleSocketMessage(rooms, ws, JSON.stringify({ type: "subscribe", id, payload: { query: "subscription { onEventSubscription }", variables: { id } } }), parse);
      rooms.query({ op: "add", eventStreamId: id, queryId: "q", signature: {}, caller: who });
    }
  };
  const slow = fakeSocket(); // two subscriptions, never answers a ping
  const fast = fakeSocket(); // answers each ping as it reads it
  await subscribe(slow, alice, ["slow-1", "slow-2"]);
  await subscribe(fast, bob, ["fast"]);
  let pongs = 0;
  for (let i = 0; i < 40; i++) {
    await rooms.deliver({ version: rooms.version, events: [event(`e${i}`, `r${i}`, "2026-01-01T00:00:00.000Z", { "slow-1": ["q"], "slow-2": ["q"], fast: ["q"] })] }).json();
    for (const m of fast.take()) {
      if (m.type === "ping") {
        pongs++;
        await handleSocketMessage(rooms, fast, '{"type":"pong"}', parse);
      }
    }
  }
  assert.deepEqual(slow.closed, [4013, "Too slow: too many messages left unread"]);
  assert.equal(slow.sent.filter((m) => m.type === "next").length, 8, "the slow socket got its allowance, then nothing");
  assert.equal(rooms.streams.has("slow-1") || rooms.streams.has("slow-2"), false);
  assert.equal(fast.closed, null);
  assert.equal(rooms.streams.has("fast"), true);
  assert.ok(pongs >= 20, `the fast socket was pinged ${pongs} times`);
  // The room's close callback after the socket closed finds nothing left to end.
  closeSocket(rooms, slow);
  assert.equal(rooms.streams.size, 1);
});

test("a room with nothing open answers idle, one with a stream or a socket does not", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const events = () => handleEventRequest(rooms, new Request("http://room/events", { method: "POST", body: JSON.stringify({ version: rooms.version, events: [] }) }));
  assert.deepEqual(await (await events()).json(), { delivered: 0, idle: true });
  let sockets = 1; // a graphql-ws socket with no subscription yet
  rooms.openSockets = () => sockets;
  assert.deepEqual(await (await events()).json(), { delivered: 0 });
  sockets = 0;
  rooms.open({ eventStreamId: "s", ...alice });
  assert.equal((await (await events()).json()).idle, undefined);
  rooms.close(rooms.streams.get("s"), true);
  assert.equal((await (await events()).json()).idle, true);
});
