// A workspace's event streams, as the RealtimeRoom Durable Object (room.mjs) holds them: Twenty's
// onEventSubscription over graphql-sse. Plain JS with no Workers API beyond streams, so that node
// tests it (eventroom.test.mjs).
//
// The gateway authenticates the subscription and forwards it here with the stream's identity in
// the x-twenty-stream header; the realtime Worker's Go registers queries (/queries) and sends
// events already matched against them (/events, stamped with the version of the queries it
// matched, which must be the room's current one). The room delivers each event once (by id) and
// never an event older than one it already delivered for the same record, so the queue's
// redeliveries and concurrent batches reach clients as one ordered stream.

const encoder = new TextEncoder();

// Twenty's limits have no counterpart: these bound what one workspace's object holds.
export const DEFAULT_LIMITS = {
  streamsPerWorkspace: 5000, // open streams in one workspace
  streamsPerOwner: 100, // open streams of one user (membership) or API key
  queriesPerStream: 200, // registered queries of one stream
  queuedMessages: 256, // messages a client has not read yet before it is dropped as too slow (SSE and graphql-ws)
  // An idle SSE stream gets a keepalive this often: Twenty's payload with nothing in it on an
  // event stream (Twenty's web app drops a stream that sent no payload for 90 s,
  // SSE_LIVENESS_TIMEOUT_IN_MS), a comment on onDbEvent's; either keeps proxies from closing it.
  pingMs: 30000,
};

// How many event ids and record dates a room remembers to dedupe and order.
const REMEMBERED = 10000;

function sseMessage(event, data) {
  return encoder.encode(`event: ${event}\ndata: ${data}\n\n`);
}

// extensionsOf are a refusal's GraphQL error extensions; Twenty's event stream exception filter
// adds a subCode and a userFriendlyMessage to its FORBIDDEN errors, which its web app reads.
function extensionsOf(code, subCode) {
  if (subCode === "EVENT_STREAM_ALREADY_EXISTS") return { code, subCode, userFriendlyMessage: "Failed to receive real time updates." };
  return { code };
}

// graphqlError is a GraphQL error as Twenty answers it.
function graphqlError(message, code, subCode) {
  return JSON.stringify({ errors: [{ message, extensions: extensionsOf(code, subCode) }] });
}

export class EventStreams {
  constructor(limits = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.streams = new Map(); // eventStreamId -> stream
    // Bumped whenever a registered query changes; it starts from the clock so that a room evicted
    // and started again never reuses a version the Worker cached.
    this.version = Date.now();
    this.seen = new Map(); // event id -> true, oldest first
    this.lastDate = new Map(); // record id -> date of the newest event delivered
    this.pinger = null;
    // openSockets counts the WebSockets open in the room (room.mjs: its object's), which may take
    // subscriptions later.
    this.openSockets = () => 0;
  }

  ownerCount(owner) {
    let n = 0;
    for (const s of this.streams.values()) if (s.owner === owner) n++;
    return n;
  }

  // admit checks that info's owner may open a stream now, answering a refusal [message, code]
  // or null; the owner's own stream of the same id is closed first (Twenty's reconnect: the
  // stream starts again, empty).
  admit(info) {
    const owner = ownerOf(info);
    const old = this.streams.get(info.eventStreamId);
    if (old && old.owner !== owner) return ["Event stream already exists", "FORBIDDEN", "EVENT_STREAM_ALREADY_EXISTS"];
    if (old) this.close(old, true);
    if (this.streams.size >= this.limits.streamsPerWorkspace) {
      return [`This workspace has ${this.limits.streamsPerWorkspace} open event streams, the most it may have`, "TOO_MANY_REQUESTS"];
    }
    if (this.ownerCount(owner) >= this.limits.streamsPerOwner) {
      return [`You have ${this.limits.streamsPerOwner} open event streams, the most one user or API key may have`, "TOO_MANY_REQUESTS"];
    }
    return null;
  }

  // add registers a stream whose transport is sink ({send(data) -> bool, end(complete, abort)})
  // and sends Twenty's first payload: the stream is ready for queries.
  add(info, sink, queries = new Map()) {
    const stream = {
      id: info.eventStreamId,
      owner: ownerOf(info),
      key: info.responseKey || "onEventSubscription",
      queries,
      // db is the legacy onDbEvent's input: the stream gets each record event it names, alone.
      db: info.dbEvent || null,
      // selection is the subscription's selection set (eventsub.Selection), which payloads follow.
      selection: info.selection || null,
      // selectionKey names the selection, for streams that share it to share payloads.
      selectionKey: info.selection ? JSON.stringify(info.selection) : "",
      // view is what the subscriber's role may not read (eventsub.View: {deny, hide}), null for
      // nothing; the realtime Worker matches record events through it, onDbEvent's here (viewEvent).
      view: info.view || null,
      sink,
      closed: false,
    };
    this.streams.set(stream.id, stream);
    return stream;
  }

  // open answers a subscription the gateway forwarded: an SSE response that stays open.
  open(info) {
    const refused = this.admit(info);
    if (refused) return errorStream(...refused);
    const { readable, writable } = new TransformStream();
    const writer = writable.getWriter();
    const limits = this.limits;
    let stream;
    const sink = {
      // A client with too many unread messages is dropped (it reconnects), so that it holds
      // neither memory nor the others.
      send: (data) => {
        if (writer.desiredSize !== null && writer.desiredSize < -limits.queuedMessages) {
          this.close(stream, false, true);
          return false;
        }
        writer.write(sseMessage("next", data)).catch(() => this.close(stream, false));
        return true;
      },
      ping: (bytes) => writer.write(bytes).catch(() => this.close(stream, false)),
      end: (complete, abort) => {
        if (abort) {
          writer.abort(new Error("client too slow")).catch(() => {});
        } else if (complete) {
          writer.write(sseMessage("complete", "")).catch(() => {});
          writer.close().catch(() => {});
        }
      },
    };
    stream = this.add(info, sink);
    writer.closed.catch(() => this.close(stream, false));
    if (!stream.db) this.write(stream, this.payload(stream, [], []));
    this.startPing();
    return new Response(readable, {
      status: 200,
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" },
    });
  }

  // payload is one message of a stream: records are [{queryIds, objectRecordEvent}], metadata
  // Twenty's MetadataEvents, as the stream's selection asks for them.
  payload(stream, records, metadata) {
    const value = { eventStreamId: stream.id, objectRecordEventsWithQueryIds: records, metadataEvents: metadata, queueJobEvents: [] };
    return `{"data":{${JSON.stringify(stream.key)}:${JSON.stringify(project(value, stream.selection))}}}`;
  }

  // dbPayload is Twenty's legacy OnDbEvent: the record (after, else before) and its update.
  dbPayload(stream, e) {
    const p = e.event.properties || {};
    const out = {
      action: e.event.action,
      objectNameSingular: e.event.objectNameSingular,
      eventDate: e.date,
      record: p.after ?? p.before ?? null,
      updatedFields: p.updatedFields ?? null,
    };
    return `{"data":{${JSON.stringify(stream.key)}:${JSON.stringify(project(out, stream.selection))}}}`;
  }

  // write sends one message to a stream.
  write(stream, data) {
    if (stream.closed) return false;
    return stream.sink.send(data);
  }

  // close ends a stream: with a last "complete" when complete, at once when abort.
  close(stream, complete, abort = false) {
    if (stream.closed) return;
    stream.closed = true;
    if (this.streams.get(stream.id) === stream) {
      this.streams.delete(stream.id);
      if (stream.queries.size > 0) this.version++;
      this.onQueries?.(stream, null);
    }
    stream.sink.end(complete, abort);
    if (this.pinger !== null && ![...this.streams.values()].some((s) => s.sink.ping)) {
      clearInterval(this.pinger);
      this.pinger = null;
    }
  }

  startPing() {
    if (this.pinger !== null || !(this.limits.pingMs > 0)) return;
    const ping = encoder.encode(":\n\n");
    this.pinger = setInterval(() => {
      for (const s of this.streams.values()) {
        if (!s.sink.ping) continue; // a socket: graphql-ws has its own pings, and it hibernates
        if (s.db) s.sink.ping(ping);
        else this.write(s, this.payload(s, [], []));
      }
    }, this.limits.pingMs);
  }

  // query serves /queries: {op: "add"|"remove", eventStreamId, queryId, signature, caller}.
  query(body) {
    const stream = this.streams.get(body.eventStreamId);
    if (!stream) return Response.json({ ok: false });
    if (stream.owner !== ownerOf(body.caller || {})) {
      const verb = body.op === "add" ? "add a query to" : "remove a query from";
      return Response.json({ message: `You are not authorized to ${verb} this event stream` }, { status: 403 });
    }
    if (body.op === "add") {
      if (!stream.queries.has(body.queryId) && stream.queries.size >= this.limits.queriesPerStream) {
        return Response.json({ message: `An event stream may hold ${this.limits.queriesPerStream} queries` }, { status: 429 });
      }
      stream.queries.set(body.queryId, body.signature);
      if ("view" in body) refreshView(stream, body.view || null); // the subscriber's permissions read again
    } else if (body.op === "remove") {
      if (!stream.queries.delete(body.queryId)) return Response.json({ ok: true });
    } else {
      return Response.json({ message: "op must be add or remove" }, { status: 400 });
    }
    this.version++;
    this.onQueries?.(stream, stream.queries);
    return Response.json({ ok: true });
  }

  state() {
    const streams = {};
    const views = {};
    for (const s of this.streams.values()) {
      if (s.queries.size > 0) streams[s.id] = Object.fromEntries(s.queries);
      if (s.queries.size > 0 && s.view) views[s.id] = s.view;
    }
    return { version: this.version, streams, views };
  }

  // fresh reports whether an event is new: not delivered before, and not older than the newest
  // event delivered for its record. It remembers it.
  fresh(e) {
    if (this.seen.has(e.id)) return false;
    const last = this.lastDate.get(e.recordId);
    if (last !== undefined && e.date < last) return false;
    remember(this.seen, e.id, true);
    if (last === undefined || e.date > last) remember(this.lastDate, e.recordId, e.date);
    return true;
  }

  // deliver serves /events: {version, events: [{id, recordId, date, matches, event, variant,
  // variants}], metadataEvents: [{id, recordId, date, event}]}; a stream named in an event's
  // variant gets that redacted variant instead of event.
  deliver(body) {
    const events = body.events || [];
    const metadata = body.metadataEvents || [];
    // A room with nothing open says so (idle), and the records relay stops publishing to it.
    if (this.streams.size === 0) return Response.json(this.openSockets() === 0 ? { delivered: 0, idle: true } : { delivered: 0 });
    if (events.length > 0 && body.version !== this.version) return Response.json(this.state(), { status: 409 });
    const perStream = new Map();
    const freshEvents = [];
    for (const e of events) {
      if (!this.fresh(e)) continue;
      freshEvents.push(e);
      for (const [sid, queryIds] of Object.entries(e.matches || {})) {
        if (!this.streams.has(sid)) continue;
        let p = perStream.get(sid);
        if (!p) perStream.set(sid, (p = { records: [], metadata: [] }));
        const variant = e.variant?.[sid];
        p.records.push({ queryIds, objectRecordEvent: variant ? e.variants[variant] : e.event });
      }
    }
    let delivered = 0;
    for (const e of freshEvents) {
      const shared = new Map(); // one payload per response key and selection
      for (const stream of this.streams.values()) {
        if (!stream.db || !dbEventMatches(stream.db, e.event)) continue;
        const key = stream.key + "\n" + stream.selectionKey + "\n" + (stream.view ? JSON.stringify(stream.view) : "");
        let data = shared.get(key);
        if (data === undefined) {
          const event = viewEvent(stream.view, e.event);
          shared.set(key, (data = event ? this.dbPayload(stream, { ...e, event }) : null));
        }
        if (data === null) continue;
        if (this.write(stream, data)) delivered++;
      }
    }
    const fresh = metadata.filter((e) => this.fresh(e)).map((e) => e.event);
    if (fresh.length > 0) {
      for (const [sid, stream] of this.streams) {
        if (stream.db) continue;
        let p = perStream.get(sid);
        if (!p) perStream.set(sid, (p = { records: [], metadata: [] }));
        p.metadata.push(...fresh);
      }
    }
    for (const [sid, p] of perStream) {
      const stream = this.streams.get(sid);
      if (stream && this.write(stream, this.payload(stream, p.records, p.metadata))) delivered++;
    }
    return Response.json({ delivered });
  }
}

// project answers value as selection (eventsub.Selection: {responseKey: [field, selection]})
// selects it; a null selection keeps everything.
export function project(value, selection) {
  if (selection === null || selection === undefined || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => project(v, selection));
  if (typeof value !== "object") return value;
  const out = {};
  for (const [key, [name, sub]] of Object.entries(selection)) {
    out[key] = name.startsWith("__typename:") ? name.slice("__typename:".length) : sub ? project(value[name], sub) : (value[name] ?? null);
  }
  return out;
}

// refreshView sets a stream's view; a socket's attachment keeps it too, for a woken room.
function refreshView(stream, view) {
  stream.view = view;
  const ws = stream.sink.ws;
  if (!ws) return;
  try {
    const att = ws.deserializeAttachment();
    if (!att?.gql) return;
    if (view) att.info.view = view;
    else delete att.info.view;
    ws.serializeAttachment(att);
  } catch {
    // the socket is gone
  }
}

// viewEvent answers a record event as a subscriber with view (eventsub.View) may see it: null
// for an object it may not read or an update of hidden fields alone, else the event without the
// hidden fields (the realtime Worker's Go does the same for event streams: eventviews.go).
export function viewEvent(view, event) {
  if (!view) return event;
  const deny = view.deny || [];
  if (deny.includes(event.objectNameSingular) || deny.includes("*")) return null;
  const hidden = (view.hide || {})[event.objectNameSingular];
  if (!hidden || hidden.length === 0) return event;
  const p = event.properties || {};
  const without = (m) => (m ? Object.fromEntries(Object.entries(m).filter(([k]) => !hidden.includes(k))) : m);
  const props = { ...p, before: without(p.before), after: without(p.after), diff: without(p.diff) };
  for (const k of ["before", "after", "diff"]) if (p[k] === undefined) delete props[k];
  if (Array.isArray(p.updatedFields)) {
    props.updatedFields = p.updatedFields.filter((f) => !hidden.includes(f));
    if (p.updatedFields.length > 0 && props.updatedFields.length === 0) return null;
  }
  return { ...event, properties: props };
}

// dbEventMatches applies onDbEvent's input: each given field must equal the event's.
function dbEventMatches(input, event) {
  return (
    (!input.action || input.action === event.action) &&
    (!input.objectNameSingular || input.objectNameSingular === event.objectNameSingular) &&
    (!input.recordId || input.recordId === event.recordId)
  );
}

function ownerOf(info) {
  if (info.userWorkspaceId) return "u:" + info.userWorkspaceId;
  return "k:" + (info.apiKeyId || "");
}

function remember(map, key, value) {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value);
}

// errorStream answers a subscription refused after authentication as graphql-sse clients read a
// failed operation: one "next" with the errors, then "complete".
function errorStream(message, code, subCode) {
  const body = new Uint8Array([...sseMessage("next", graphqlError(message, code, subCode)), ...sseMessage("complete", "")]);
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

// handleEventRequest serves the event streams' routes of a room, or answers undefined.
export async function handleEventRequest(streams, request) {
  const info = request.headers.get("x-twenty-stream");
  if (info) return streams.open(JSON.parse(info));
  const url = new URL(request.url);
  if (request.method !== "POST") return undefined;
  if (url.pathname === "/events") return streams.deliver(await request.json());
  if (url.pathname === "/queries") return streams.query(await request.json());
  return undefined;
}

// graphql-ws (the graphql-transport-ws protocol) over a hibernatable WebSocket: beyond Twenty,
// which has no WebSocket API. The socket's attachment keeps who it is and its subscriptions, so
// that a room woken from hibernation rebuilds them (restoreSocket); their queries are kept by the
// room's storage (EventStreams.onQueries).

// A slow socket is bounded as a slow SSE client is: a Durable Object's WebSocket does not say how
// much of what it was given it has not sent, so the room counts what the client has read. Every
// PING_EVERY messages it sends graphql-ws's ping, which the protocol requires a client to answer
// with a pong as soon as it reads it (graphql-ws's client does); the messages sent after the last
// answered ping are unread. A socket with queuedMessages unread is closed with SLOW_CLOSE (which
// graphql-ws's client retries, then subscribes again) and its subscriptions end, so that it holds
// neither memory nor the others. Counts live in memory: a woken room starts each socket at zero.
export const PING_EVERY = 32;
export const SLOW_CLOSE = [4013, "Too slow: too many messages left unread"];
const backlogs = new WeakMap(); // ws -> {sent, read, pings: [messages sent at each ping]}

function backlogOf(ws) {
  let b = backlogs.get(ws);
  if (!b) backlogs.set(ws, (b = { sent: 0, read: 0, pings: [] }));
  return b;
}

// pongReceived marks the messages sent before the oldest unanswered ping as read.
function pongReceived(ws) {
  const b = backlogs.get(ws);
  if (b && b.pings.length > 0) b.read = b.pings.shift();
}

function dropSlowSocket(streams, ws) {
  try {
    ws.close(...SLOW_CLOSE);
  } catch {
    // already closed
  }
  closeSocket(streams, ws);
}

// wsSink is the transport of one subscription of a socket.
function wsSink(streams, ws, opId) {
  return {
    ws,
    opId,
    send: (data) => {
      const b = backlogOf(ws);
      if (b.sent - b.read >= streams.limits.queuedMessages) {
        dropSlowSocket(streams, ws);
        return false;
      }
      try {
        ws.send(`{"id":${JSON.stringify(opId)},"type":"next","payload":${data}}`);
        // A ping at least four times per allowance, so that a client that reads keeps up.
        if (++b.sent % Math.max(1, Math.min(PING_EVERY, Math.floor(streams.limits.queuedMessages / 4))) === 0) {
          ws.send('{"type":"ping"}');
          b.pings.push(b.sent);
        }
        return true;
      } catch {
        return false;
      }
    },
    end: (complete) => {
      if (!complete) return;
      try {
        ws.send(JSON.stringify({ id: opId, type: "complete" }));
      } catch {
        // the socket is gone
      }
    },
  };
}

// acceptSocket sets up a socket the gateway authenticated (info: its owner).
export function acceptSocket(ws, info) {
  ws.serializeAttachment({ gql: true, info, acked: false, subs: {} });
}

// restoreSocket re-registers a woken socket's subscriptions; queriesOf(eventStreamId) answers a
// stream's stored queries (an object of query id to signature) or undefined.
export async function restoreSocket(streams, ws, queriesOf) {
  const att = ws.deserializeAttachment();
  if (!att?.gql) return;
  for (const [opId, sub] of Object.entries(att.subs)) {
    if (streams.streams.has(sub.eventStreamId)) continue;
    const stored = await queriesOf(sub.eventStreamId);
    streams.add({ ...att.info, ...sub }, wsSink(streams, ws, opId), new Map(Object.entries(stored || {})));
  }
}

// closeSocket ends a socket's subscriptions.
export function closeSocket(streams, ws) {
  const att = ws.deserializeAttachment();
  if (!att?.gql) return;
  for (const sub of Object.values(att.subs)) {
    const s = streams.streams.get(sub.eventStreamId);
    if (s && s.sink.ws === ws) streams.close(s, false);
  }
}

// handleSocketMessage serves one graphql-transport-ws message. parse(payload) reads a subscribe
// message's operation (the realtime Worker's ParseSubscription) and answers {sub} or {error}.
export async function handleSocketMessage(streams, ws, message, parse) {
  const att = ws.deserializeAttachment();
  if (!att?.gql) return;
  let msg;
  try {
    msg = JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message));
  } catch {
    msg = null;
  }
  const send = (m) => ws.send(JSON.stringify(m));
  switch (msg?.type) {
    case "connection_init":
      if (att.acked) return ws.close(4429, "Too many initialisation requests");
      att.acked = true;
      ws.serializeAttachment(att);
      return send({ type: "connection_ack" });
    case "ping":
      return send({ type: "pong" });
    case "pong":
      return pongReceived(ws);
    case "subscribe": {
      if (!att.acked) return ws.close(4401, "Unauthorized");
      const id = msg.id;
      if (typeof id !== "string" || !id || typeof msg.payload?.query !== "string") return ws.close(4400, "Invalid message received");
      if (att.subs[id]) return ws.close(4409, `Subscriber for ${id} already exists`);
      const parsed = await parse(msg.payload);
      if (parsed.error) return send({ id, type: "error", payload: [parsed.error] });
      const info = { ...att.info, ...parsed.sub };
      const refused = streams.admit(info);
      if (refused) return send({ id, type: "error", payload: [{ message: refused[0], extensions: extensionsOf(refused[1], refused[2]) }] });
      const current = ws.deserializeAttachment(); // another message may have changed it meanwhile
      current.subs[id] = parsed.sub;
      ws.serializeAttachment(current);
      const stream = streams.add(info, wsSink(streams, ws, id));
      if (!stream.db) streams.write(stream, streams.payload(stream, [], []));
      return;
    }
    case "complete": {
      const sub = att.subs[msg.id];
      if (!sub) return;
      delete att.subs[msg.id];
      ws.serializeAttachment(att);
      const s = streams.streams.get(sub.eventStreamId);
      if (s && s.sink.ws === ws) streams.close(s, false);
      return;
    }
  }
  ws.close(4400, "Invalid message received");
}
