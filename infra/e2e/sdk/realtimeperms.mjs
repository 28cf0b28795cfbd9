// Subscribes to a running stack's event streams as several callers, to check that each sees
// only what its role may read. Run by infra/e2e/realtime_permissions_test.go:
//
//	node infra/e2e/sdk/realtimeperms.mjs <base URL> <sse|ws> <token>...
//
// Each token's client opens a stream and registers two queries (every person, every
// opportunity), then prints {"ready":true}. After a "done" line on stdin it waits a moment for
// the events and prints what each client received (in token order) as one JSON line.
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { createClient as createSSEClient } from 'graphql-sse';
import { createClient as createWSClient } from 'graphql-ws';

const [baseURL, mode, ...tokens] = process.argv.slice(2);
if (!baseURL || !['sse', 'ws'].includes(mode) || tokens.length === 0) {
  console.error('usage: realtimeperms.mjs <base URL> <sse|ws> <token>...');
  process.exit(2);
}

const SUBSCRIPTION = `subscription OnEventSubscription($eventStreamId: String!) {
  onEventSubscription(eventStreamId: $eventStreamId) {
    eventStreamId
    objectRecordEventsWithQueryIds { queryIds objectRecordEvent { action objectNameSingular recordId properties { updatedFields before after diff } } }
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
  class AuthorizedWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, { protocols, headers: { Authorization: `Bearer ${token}` } });
    }
  }
  return createWSClient({ url: `${baseURL.replace(/^http/, 'ws')}/metadata`, webSocketImpl: AuthorizedWebSocket, retryAttempts: 0, lazy: true });
}

async function open(token) {
  const eventStreamId = randomUUID();
  const received = { events: [], errors: [] };
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
        for (const e of result.data.onEventSubscription.objectRecordEventsWithQueryIds) {
          const ev = e.objectRecordEvent;
          const rec = ev.properties.after ?? ev.properties.before ?? {};
          received.events.push({ action: ev.action, object: ev.objectNameSingular, recordId: ev.recordId, queryIds: e.queryIds, keys: Object.keys(rec).sort() });
        }
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
  for (const [queryId, objectNameSingular] of [['people', 'person'], ['opportunities', 'opportunity']]) {
    await metadata(token, `mutation($input: AddQuerySubscriptionInput!) { addQueryToEventStream(input: $input) }`,
      { input: { eventStreamId, queryId, operationSignature: { objectNameSingular, variables: {} } } });
  }
  return { c, received };
}

const clients = [];
for (const token of tokens) clients.push(await open(token));
console.log(JSON.stringify({ ready: true }));

const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line.trim() === 'done') break;
// The first client (the one that reads everything) gets two events; then a moment for the rest.
const started = Date.now();
while (clients[0].received.events.length < 2 && Date.now() - started < 20000) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 1500));
for (const c of clients) c.c.dispose();
console.log(JSON.stringify(clients.map((c) => c.received)));
process.exit(0);
