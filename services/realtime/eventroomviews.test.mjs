import { test } from "node:test";
import assert from "node:assert/strict";
import { EventStreams, acceptSocket, handleSocketMessage, restoreSocket, viewEvent } from "./eventroom.mjs";

const member = { userWorkspaceId: "uw-m" };
const view = { deny: ["opportunity"], hide: { person: ["jobTitle"] } };

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
  const data = /^event: \w+\ndata: (.*)\n\n$/s.exec(text)[1];
  return JSON.parse(data);
}

test("a stream's view travels with its queries, a query refreshes it, and the stream gets its event variant", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const r = rooms.open({ eventStreamId: "s1", view, ...member }).body.getReader();
  await next(r);
  await rooms.query({ op: "add", eventStreamId: "s1", queryId: "q1", signature: { objectNameSingular: "person" }, caller: member }).json();
  assert.deepEqual(rooms.state().views, { s1: view });

  const full = { action: "CREATED", objectNameSingular: "person", recordId: "p1", properties: { after: { id: "p1", jobTitle: "CEO" } } };
  const redacted = { ...full, properties: { after: { id: "p1" } } };
  const res = rooms.deliver({
    version: rooms.version,
    events: [{ id: "e1", recordId: "p1", date: "2026-01-01T00:00:00.000Z", matches: { s1: ["q1"] }, event: full, variant: { s1: "v1" }, variants: { v1: redacted } }],
  });
  assert.deepEqual(await res.json(), { delivered: 1 });
  const got = (await next(r)).data.onEventSubscription.objectRecordEventsWithQueryIds;
  assert.deepEqual(got, [{ queryIds: ["q1"], objectRecordEvent: redacted }]);

  // A query registered with the permissions read again replaces the view; null clears it.
  await rooms.query({ op: "add", eventStreamId: "s1", queryId: "q2", signature: { objectNameSingular: "person" }, caller: member, view: null }).json();
  assert.deepEqual(rooms.state().views, {});
});

test("an onDbEvent stream sees record events through its view", async () => {
  const rooms = new EventStreams({ pingMs: 0 });
  const r = rooms.open({ eventStreamId: "db", responseKey: "onDbEvent", dbEvent: {}, view, ...member }).body.getReader();
  const ev = (id, object, action, properties) => ({ id, recordId: id, date: "2026-01-01T00:00:00.000Z", matches: {}, event: { action, objectNameSingular: object, recordId: id, properties } });
  const res = rooms.deliver({
    version: rooms.version,
    events: [
      ev("o1", "opportunity", "CREATED", { after: { id: "o1" } }),
      ev("p1", "person", "UPDATED", { before: { jobTitle: "a" }, after: { jobTitle: "b" }, updatedFields: ["jobTitle"] }),
      ev("p2", "person", "UPDATED", { before: { city: "x", jobTitle: "a" }, after: { city: "y", jobTitle: "b" }, updatedFields: ["city", "jobTitle"] }),
    ],
  });
  assert.deepEqual(await res.json(), { delivered: 1 });
  assert.deepEqual((await next(r)).data.onDbEvent, { action: "UPDATED", objectNameSingular: "person", eventDate: "2026-01-01T00:00:00.000Z", record: { city: "y" }, updatedFields: ["city"] });
});

test("viewEvent", () => {
  const upd = { action: "UPDATED", objectNameSingular: "person", recordId: "p", properties: { before: { a: 1, jobTitle: 1 }, after: { a: 2, jobTitle: 2 }, updatedFields: ["a", "jobTitle"], diff: { a: {}, jobTitle: {} } } };
  const cases = [
    ["no view", null, upd, upd],
    ["denied object", view, { ...upd, objectNameSingular: "opportunity" }, null],
    ["denied everything", { deny: ["*"] }, upd, null],
    ["nothing hidden on the object", { hide: { company: ["x"] } }, upd, upd],
    ["hidden field", view, upd, { ...upd, properties: { before: { a: 1 }, after: { a: 2 }, updatedFields: ["a"], diff: { a: {} } } }],
    ["only hidden fields updated", view, { ...upd, properties: { ...upd.properties, updatedFields: ["jobTitle"] } }, null],
  ];
  for (const [name, v, event, want] of cases) assert.deepEqual(viewEvent(v, event), want, name);
});

test("graphql-transport-ws: the socket's view travels with it, a query's refresh reaches its attachment and a woken room", async () => {
  const sock = {
    sent: [],
    attachment: null,
    send(m) { this.sent.push(JSON.parse(m)); },
    close() {},
    serializeAttachment(v) { this.attachment = structuredClone(v); },
    deserializeAttachment() { return structuredClone(this.attachment); },
  };
  const parse = async (payload) => ({ sub: { eventStreamId: payload.variables.id, responseKey: "onEventSubscription" } });
  const rooms = new EventStreams({ pingMs: 0 });
  acceptSocket(sock, { ...member, view });
  await handleSocketMessage(rooms, sock, '{"type":"connection_init","payload":{}}', parse);
  await handleSocketMessage(rooms, sock, JSON.stringify({ type: "subscribe", id: "op1", payload: { query: "subscription { onEventSubscription }", variables: { id: "s1" } } }), parse);
  rooms.query({ op: "add", eventStreamId: "s1", queryId: "q", signature: {}, caller: member });
  assert.deepEqual(rooms.state().views, { s1: view });

  const wider = { hide: { person: ["jobTitle"] } };
  rooms.query({ op: "add", eventStreamId: "s1", queryId: "q2", signature: {}, caller: member, view: wider });
  assert.deepEqual(sock.attachment.info.view, wider);
  const woken = new EventStreams({ pingMs: 0 });
  await restoreSocket(woken, sock, async () => ({ q: {} }));
  assert.deepEqual(woken.state().views, { s1: wider });
  rooms.query({ op: "add", eventStreamId: "s1", queryId: "q3", signature: {}, caller: member, view: null });
  assert.equal("view" in sock.attachment.info, false);
});
