// Tests of the glue (glue.mjs) with a real Go program: shared/cfworker/internal/gluetest, built to
// wasm once and driven through createWorker with fake env bindings and ExecutionContexts. Each
// test that needs fresh Go state starts its own worker, hence its own Go instance.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createWorker } from "./glue.mjs";

const SHARED = fileURLToPath(new URL("..", import.meta.url));
const INTERNAL_ERROR = '{"statusCode":500,"error":"InternalServerErrorException","messages":["Internal server error"]}';

let dir;
let mod;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gluetest-"));
  const out = join(dir, "gluetest.wasm");
  execFileSync("go", ["build", "-o", out, "./cfworker/internal/gluetest"], {
    cwd: SHARED,
    env: { ...process.env, GOOS: "js", GOARCH: "wasm" },
  });
  mod = await WebAssembly.compile(readFileSync(out));
});

after(() => rmSync(dir, { recursive: true, force: true }));

function fakeCtx() {
  return {
    promises: [],
    waitUntil(p) {
      this.promises.push(p);
    },
  };
}

// start returns a new worker (its Go instance starts on the first event) and helpers to call it.
function start(env = {}, options = {}) {
  const worker = createWorker(mod, options);
  const fetch = (path, init, ctx = fakeCtx()) => worker.fetch(new Request(`https://worker.test${path}`, init), env, ctx);
  const instance = async () => (await fetch("/instance")).json();
  return { worker, env, fetch, instance };
}

async function assertInternalError(res) {
  assert.equal(res.status, 500);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(await res.text(), INTERNAL_ERROR);
}

test("fetch: status, headers, body, query and POST body bytes make the round trip", async () => {
  const w = start();
  const ok = await w.fetch("/ok");
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "ok");

  const bytes = new Uint8Array([0, 1, 2, 0x7f, 0x80, 0xfe, 0xff]);
  const res = await w.fetch("/echo?a=1&a=2&b=x%20y", { method: "POST", headers: { "x-test": "hello" }, body: bytes });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("x-multi"), "a, b");
  const echo = await res.json();
  assert.deepEqual(
    { ...echo, body: [...Buffer.from(echo.body, "base64")] },
    { method: "POST", path: "/echo", query: { a: ["1", "2"], b: ["x y"] }, header: "hello", body: [...bytes] },
  );

  const missing = await w.fetch("/no-such-route");
  assert.equal(missing.status, 404);
});

test("fetch: a 204 has no body", async () => {
  const res = await start().fetch("/status/204");
  assert.equal(res.status, 204);
  assert.equal(res.body, null);
});

test("one Go instance serves many requests", async () => {
  const w = start();
  const first = await w.instance();
  assert.match(first.id, /^[0-9a-f]{16}$/);
  assert.equal(first.served, 1);
  for (let i = 0; i < 3; i++) assert.equal((await w.fetch("/ok")).status, 200);
  assert.deepEqual(await w.instance(), { id: first.id, served: 5 });
});

test("a handler panic answers Twenty's 500 envelope and the instance keeps serving", async () => {
  const w = start();
  const { id } = await w.instance();
  const res = await w.fetch("/panic");
  assert.equal(res.headers.get("x-partial"), null);
  await assertInternalError(res);
  assert.deepEqual(await w.instance(), { id, served: 3 });
});

test("a request Go does not answer in time gets a 503 in the route's envelope, and the instance keeps serving", async () => {
  const w = start({}, { deadlineMs: 200 });
  const { id } = await w.instance();
  const rest = await w.fetch("/hang");
  assert.equal(rest.status, 503);
  assert.equal(rest.headers.get("retry-after"), "1");
  assert.deepEqual(await rest.json(), {
    statusCode: 503,
    error: "ServiceUnavailableException",
    messages: ["The request was not answered within 0.2 seconds."],
  });
  const gql = await w.fetch("/graphql", { method: "POST", body: "{}" });
  assert.equal(gql.status, 503);
  assert.deepEqual(await gql.json(), {
    errors: [{ message: "The request was not answered within 0.2 seconds.", extensions: { code: "SERVICE_UNAVAILABLE" } }],
  });
  assert.equal((await w.instance()).id, id);
});

test("a crash answers GraphQL's envelope on the GraphQL routes", async () => {
  const w = start({}, { beforeGo: (req) => { if (new URL(req.url).pathname === "/metadata") throw new Error("boom"); } });
  const res = await w.fetch("/metadata", { method: "POST", body: "{}" });
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
});

test("a crash of the Go program answers 500 and the next request starts a new instance", async () => {
  const w = start();
  const before = await w.instance();
  await assertInternalError(await w.fetch("/crash"));
  const after = await w.instance();
  assert.notEqual(after.id, before.id);
  assert.equal(after.served, 1);
  assert.equal(await (await w.fetch("/ok")).text(), "ok");
});

test("a crash fails the requests in flight on that instance too", async () => {
  const w = start();
  const { id } = await w.instance();
  const slow = w.fetch("/slow"); // sleeping in Go when the program exits
  await assertInternalError(await w.fetch("/crash"));
  await assertInternalError(await slow);
  // Let the dead instance's pending Go timer (the 100 ms sleep of /slow) fire: it must not throw.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const after = await w.instance();
  assert.notEqual(after.id, id);
  assert.equal(after.served, 1);
});

test("waitUntil hands the event's ctx a promise that settles after the background work", async () => {
  const w = start();
  const ctx = fakeCtx();
  const res = await w.fetch("/wait", undefined, ctx);
  assert.equal(await res.text(), "accepted");
  assert.equal(ctx.promises.length, 1);

  const otherCtx = fakeCtx();
  assert.deepEqual(await (await w.fetch("/waited", undefined, otherCtx)).json(), { waited: false });
  assert.equal(otherCtx.promises.length, 0);

  await Promise.all(ctx.promises);
  assert.deepEqual(await (await w.fetch("/waited")).json(), { waited: true });
});

test("forward: the original request goes to the binding Go names, with Go's x-twenty-* headers only", async () => {
  const seen = [];
  const w = start({
    TARGET: {
      async fetch(req) {
        seen.push({ req, body: await req.text() });
        return new Response("forwarded " + req.headers.get("x-twenty-room"), { status: 202 });
      },
    },
  });
  const res = await w.fetch("/forward?q=1", {
    method: "POST",
    headers: {
      authorization: "Bearer t",
      "x-twenty-room": "client-room",
      "X-Twenty-User": "spoofed",
      "x-twenty-forward": "OTHER",
    },
    body: "payload",
  });
  assert.equal(res.status, 202);
  assert.equal(await res.text(), "forwarded r1");
  assert.equal(seen.length, 1);
  const { req, body } = seen[0];
  assert.equal(req.method, "POST");
  assert.equal(req.url, "https://worker.test/forward?q=1");
  assert.equal(body, "payload");
  assert.equal(req.headers.get("authorization"), "Bearer t");
  assert.equal(req.headers.get("x-twenty-room"), "r1");
  assert.equal(req.headers.get("x-twenty-user"), null);
  assert.equal(req.headers.get("x-twenty-forward"), null);

  // A GET (a WebSocket upgrade, in production) is forwarded without a body.
  const get = await w.fetch("/forward", { headers: { upgrade: "websocket" } });
  assert.equal(await get.text(), "forwarded r1");
  assert.equal(seen[1].req.method, "GET");
  assert.equal(seen[1].req.headers.get("upgrade"), "websocket");
  assert.equal(seen[1].body, "");
});

test("jsfetch: a call to another Worker carries method, URL, headers and body bytes both ways", async () => {
  const seen = [];
  const w = start({
    TARGET: {
      async fetch(url, init) {
        const req = new Request(url, init);
        seen.push({ req, body: new Uint8Array(await req.arrayBuffer()) });
        const headers = new Headers([["content-type", "application/proto"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
        return new Response(new Uint8Array([9, 0, 8]), { status: 207, headers });
      },
    },
  });
  const res = await w.fetch("/call");
  assert.equal(res.status, 200);
  const got = await res.json();
  assert.deepEqual(
    { ...got, body: [...Buffer.from(got.body, "base64")] },
    { status: 207, header: { "Content-Type": ["application/proto"], "Set-Cookie": ["a=1", "b=2"] }, body: [9, 0, 8] },
  );
  assert.equal(seen.length, 1);
  const { req, body } = seen[0];
  assert.equal(req.method, "POST");
  assert.equal(req.url, "https://target.internal/called?x=1");
  assert.equal(req.headers.get("x-multi"), "a, b");
  assert.equal(req.headers.get("content-type"), "application/proto");
  assert.deepEqual([...body], [0, 1, 0xff]);
});

test("jsfetch: a failing call is an error in Go, and the instance keeps serving", async () => {
  const w = start({
    TARGET: {
      async fetch() {
        throw new Error("target down");
      },
    },
  });
  const res = await w.fetch("/call");
  assert.equal(res.status, 502);
  assert.match(await res.text(), /jsfetch: POST \/called: Error: target down/);
  assert.equal((await w.fetch("/ok")).status, 200);
});

test("packHeaders and unpackHeaders: Go's wire format both ways", async () => {
  const { packHeaders, unpackHeaders } = await import("./glue.mjs");
  const packed = packHeaders(new Headers([["X-A", "1"], ["x-b", "two words: yes"], ["x-a", "3"]]));
  assert.equal(packed, "x-a\n1, 3\nx-b\ntwo words: yes\n");
  assert.deepEqual(unpackHeaders(packed), [["x-a", "1, 3"], ["x-b", "two words: yes"]]);
  assert.deepEqual(unpackHeaders(""), []);
});

test("forward: an unknown or failing binding answers Twenty's 500 envelope", async () => {
  const w = start({
    TARGET: {
      async fetch() {
        throw new Error("binding unavailable");
      },
    },
  });
  await assertInternalError(await w.fetch("/forward-unknown"));
  await assertInternalError(await w.fetch("/forward"));
});

test("beforeGo answers in JS without waking Go, and its failure answers Twenty's 500 envelope", async () => {
  const w = start({}, {
    async beforeGo(request) {
      const { pathname } = new URL(request.url);
      if (pathname === "/js") return new Response("from js");
      if (pathname === "/js-fails") throw new Error("room unavailable");
      return undefined;
    },
  });
  assert.equal(await (await w.fetch("/js")).text(), "from js");
  await assertInternalError(await w.fetch("/js-fails"));
  assert.equal((await w.instance()).served, 1);
});

function fakeMessage(id, body) {
  return {
    id,
    attempts: 1,
    timestamp: new Date(),
    body,
    calls: [],
    ack() {
      this.calls.push(["ack"]);
    },
    retry(opts) {
      this.calls.push(["retry", opts]);
    },
  };
}

test("queue: each message is acked, retried with its delay, or retried when left undecided", async () => {
  const w = start();
  const messages = [
    fakeMessage("m1", "ack"),
    fakeMessage("m2", new TextEncoder().encode("retry")), // bytes as well as text
    fakeMessage("m3", "leave"),
    fakeMessage("m4", { json: true }),
  ];
  const ctx = fakeCtx();
  assert.equal(await w.worker.queue({ queue: "jobs", messages }, w.env, ctx), undefined);
  assert.deepEqual(
    messages.map((m) => m.calls),
    [[["ack"]], [["retry", { delaySeconds: 2 }]], [["retry", undefined]], [["retry", undefined]]],
  );
  assert.equal((await w.instance()).served, 2);
});

test("queue: a panic keeps the decisions made before it, retries the rest, and the instance lives on", async () => {
  const w = start();
  const { id } = await w.instance();
  const messages = ["ack", "retry", "panic", "ack", "leave"].map((body, i) => fakeMessage(`m${i}`, body));
  await w.worker.queue({ queue: "jobs", messages }, w.env, fakeCtx());
  assert.deepEqual(
    messages.map((m) => m.calls),
    [[["ack"]], [["retry", { delaySeconds: 2 }]], [["retry", undefined]], [["retry", undefined]], [["retry", undefined]]],
  );
  assert.deepEqual(await w.instance(), { id, served: 3 });
});

test("queue: a crash of the Go program keeps the decisions made, and the glue retries the rest", async () => {
  const w = start();
  const { id } = await w.instance();
  const messages = ["ack", "retry", "crash", "ack"].map((body, i) => fakeMessage(`m${i}`, body));
  await w.worker.queue({ queue: "jobs", messages }, w.env, fakeCtx());
  assert.deepEqual(
    messages.map((m) => m.calls),
    [[["ack"]], [["retry", { delaySeconds: 2 }]], [["retry", undefined]], [["retry", undefined]]],
  );
  assert.notEqual((await w.instance()).id, id);
});

test("scheduled: resolves for a normal cron and rejects with Go's error", async () => {
  const w = start();
  const controller = (cron) => ({ cron, scheduledTime: Date.now(), noRetry() {} });
  assert.equal(await w.worker.scheduled(controller("*/5 * * * *"), w.env, fakeCtx()), undefined);
  await assert.rejects(w.worker.scheduled(controller("fail"), w.env, fakeCtx()), /cron failed on purpose/);
  assert.equal((await w.instance()).served, 3);
});

test("concurrency: 20 requests at once are all answered, in parallel, by one instance", async () => {
  const w = start();
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      if (i % 2 === 0) return { i, res: await w.fetch("/slow"), echo: null };
      const res = await w.fetch(`/echo?i=${i}`, { headers: { "x-test": `h${i}` } });
      return { i, res, echo: await res.json() };
    }),
  );
  const elapsed = performance.now() - started;
  for (const { i, res, echo } of results) {
    if (i % 2 === 0) {
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "slow");
    } else {
      assert.equal(res.status, 201);
      assert.deepEqual([echo.query.i, echo.header], [[String(i)], `h${i}`]);
    }
  }
  // Ten 100 ms sleeps take a second one after the other; concurrently, about 100 ms.
  assert.ok(elapsed < 600, `20 requests took ${elapsed.toFixed(0)} ms`);
  assert.equal((await w.instance()).served, 21);
});
