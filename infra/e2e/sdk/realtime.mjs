// Subscribes to Twenty's event streams of a running stack with the clients Twenty's front end
// uses: graphql-sse (SSEClientEffect.tsx's createClient on /metadata) or, beyond Twenty,
// graphql-ws on the same subscription. Run by infra/e2e/realtime_test.go:
//
//	node infra/e2e/sdk/realtime.mjs <base URL> <sse|ws> <A's record:metadata events> <token A> <token B>
//
// Each token's client opens a stream, waits for its first payload and registers its queries (A:
// Paris people and people named Grace; B: every person), then prints {"ready":true}. After a
// "done" line on stdin it waits for A's expected record and metadata events (at most 20 s), a moment more for any
// extra, and prints what each client received as one JSON line.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createClient as createSSEClient } from 'graphql-sse';
import { createClient as createWSClient } from 'graphql-ws';

const [baseURL, mode, expectedText, tokenA, tokenB] = process.argv.slice(2);
if (!baseURL || !['sse', 'ws'].includes(mode) || !tokenA || !tokenB) {
  console.error('usage: realtime.mjs <base URL> <sse|ws> <expected> <token A> <token B>');
  process.exit(2);
}
// expected is "<record events>:<metadata events>" for A.
const [expected, expectedMetadata] = expectedText.split(':').map(Number);

const SUBSCRIPTION = `subscription OnEventSubscription($eventStreamId: String!) {
  onEventSubscription(eventStreamId: $eventStreamId) {
    eventStreamId
    objectRecordEventsWithQueryIds {
      queryIds
      objectRecordEvent { action objectNameSingular recordId userId workspaceMemberId properties { updatedFields before after diff } }
    }
    metadataEvents { type metadataName recordId properties { updatedFields before after diff } updatedCollectionHash }
  }
}`;

async function metadata(token, query, variables) {
  const res = await fetch(`${baseURL}/metadata`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function client(token) {
  if (mode === 'sse') {
    return createSSEClient({ url: `${baseURL}/metadata`, headers: { Authorization: `Bearer ${token}` }, retryAttempts: 0 });
  }
  // The token goes on the upgrade request, as on every call (node's WebSocket takes headers).
  class AuthorizedWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, { protocols, headers: { Authorization: `Bearer ${token}` } });
    }
  }
  const url = `${baseURL.replace(/^http/, 'ws')}/metadata`;
  return createWSClient({ url, webSocketImpl: AuthorizedWebSocket, retryAttempts: 0, lazy: true });
}

// open subscribes with token and registers queries once the stream's first payload arrived.
async function open(token, queries) {
  const eventStreamId = randomUUID();
  const received = { events: [], metadataEvents: [], payloads: 0, errors: [] };
  const c = client(token);
  let ready;
  const first = new Promise((resolve, reject) => (ready = { resolve, reject }));
  c.subscribe(
    { query: SUBSCRIPTION, variables: { eventStreamId } },
    {
      next(result) {
        if (result.errors) {
          received.errors.push(...result.errors);
          ready.reject(new Error(JSON.stringify(result.errors)));
          return;
        }
        const p = result.data.onEventSubscription;
        received.payloads++;
        if (p.eventStreamId !== eventStreamId) received.errors.push({ message: `eventStreamId ${p.eventStreamId}` });
        for (const e of p.objectRecordEventsWithQueryIds) {
          const ev = e.objectRecordEvent;
          const rec = ev.properties.after ?? ev.properties.before ?? {};
          received.events.push({
            action: ev.action, object: ev.objectNameSingular, recordId: ev.recordId, queryIds: e.queryIds,
            city: rec.city ?? null, firstName: rec.name?.firstName ?? null, userId: ev.userId ?? null,
            updatedFields: ev.properties.updatedFields ?? null, diffCity: ev.properties.diff?.city ?? null,
          });
        }
        received.metadataEvents.push(...p.metadataEvents.map((m) => ({ type: m.type, metadataName: m.metadataName })));
        ready.resolve();
      },
      error(err) {
        received.errors.push({ message: String(err?.message ?? JSON.stringify(err)) });
        ready.reject(err);
      },
      complete() {},
    },
  );
  await first;
  const adds = [];
  for (const [queryId, operationSignature] of Object.entries(queries)) {
    const d = await metadata(token,
      `mutation($input: AddQuerySubscriptionInput!) { addQueryToEventStream(input: $input) }`,
      { input: { eventStreamId, queryId, operationSignature } });
    adds.push(d.addQueryToEventStream);
  }
  return { c, eventStreamId, received, adds };
}

const person = (filter) => ({ objectNameSingular: 'person', variables: filter ? { filter } : {} });
const a = await open(tokenA, {
  paris: person({ city: { eq: 'Paris' } }),
  grace: person({ name: { firstName: { eq: 'Grace' } } }),
});
const b = await open(tokenB, { everyone: person(null) });
// B may not register on A's stream: it is not B's (nor in B's workspace).
let foreign;
try {
  foreign = (await metadata(tokenB, `mutation($input: AddQuerySubscriptionInput!) { addQueryToEventStream(input: $input) }`,
    { input: { eventStreamId: a.eventStreamId, queryId: 'spy', operationSignature: person(null) } })).addQueryToEventStream;
} catch (err) {
  foreign = String(err.message);
}
console.log(JSON.stringify({ ready: true }));

const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'done') break;
const started = Date.now();
while ((a.received.events.length < expected || a.received.metadataEvents.length < expectedMetadata) && Date.now() - started < 20000) await new Promise((r) => setTimeout(r, 50));
const waitedMs = Date.now() - started;
await new Promise((r) => setTimeout(r, 1500)); // anything extra arrives now
a.c.dispose();
b.c.dispose();
console.log(JSON.stringify({ a: a.received, b: b.received, adds: [...a.adds, ...b.adds], foreign, waitedMs }));
process.exit(0);
