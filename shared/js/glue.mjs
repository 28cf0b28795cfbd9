// One Go instance per isolate, serving every fetch, queue and scheduled event of a Worker.
//
// syumai/workers' generated entry starts a new Go runtime per event (~45-60 ms each). Here the
// instance is created on the first event and reused; each call still carries that event's own
// ExecutionContext, so waitUntil works per request. If the Go program ever exits (an unrecovered
// panic in a background goroutine, os.Exit), in-flight events fail with a 500 and the next event
// starts a fresh instance. The Go side of this contract is shared/cfworker.
import "./build/wasm_exec.js";
import { d1Batch } from "./d1wire.mjs";

const INTERNAL_ERROR = JSON.stringify({
  statusCode: 500,
  error: "InternalServerErrorException",
  messages: ["Internal server error"],
});

// Twenty's GraphQL envelope for the same failure, on the routes that speak GraphQL.
const GRAPHQL_INTERNAL_ERROR = JSON.stringify({
  errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
});
const GRAPHQL_PATHS = new Set(["/graphql", "/metadata"]);

// options.deadlineMs is how long a request may wait for Go before the glue answers for it with a
// 503 in Twenty's envelope, where workerd would otherwise cancel it as "hung" with its own page.
// The gateway sets it: a Worker behind it that hangs fails the gateway's call, which answers the
// envelope itself. A request hangs when its goroutine waits on another request's I/O (one Go
// instance serves all of an isolate's requests, and that I/O's context may end with the other
// request): the Go side must never hold a lock across I/O, and does not.

// Statuses whose responses must not carry a body.
const NULL_BODY = new Set([101, 204, 205, 304]);

// Response header by which Go asks the glue to forward the original request to a binding (a
// WebSocket upgrade to the realtime Worker). Other "x-twenty-" headers Go sets travel with it.
const FORWARD = "x-twenty-forward";
const INTERNAL_PREFIX = "x-twenty-";

// The Go runtime's settings (see shared/cfworker): the collector runs at four times the live heap
// instead of twice, within a 64 MiB soft limit, which cut the records Worker's GC from about 11% to
// 2% of its CPU while keeping the instance well inside an isolate's 128 MB; and it leaves goroutine
// stacks as they grew, so the workers kept between events (cfworker's eventPool) do not grow
// theirs again on every request.
const GO_ENV = { GOGC: "400", GOMEMLIMIT: "64MiB", GODEBUG: "gcshrinkstackoff=1" };

// Headers cross to and from Go packed in one string, "name\nvalue\n" per value (Go's side and
// why: shared/cfworker/headers.go). Iterating Headers joins repeated values as fetch does.
export function packHeaders(headers) {
  let s = "";
  for (const [k, v] of headers) s += k + "\n" + v + "\n";
  return s;
}

// unpackHeaders reads Go's packed headers as [name, value] pairs.
export function unpackHeaders(packed) {
  const lines = packed.split("\n");
  const pairs = [];
  for (let i = 0; i + 1 < lines.length; i += 2) pairs.push([lines[i], lines[i + 1]]);
  return pairs;
}

// fetchFor runs fetch on a service binding or Durable Object stub for Go's jsfetch: headers packed
// both ways and the response body read here, so Go waits on one promise and reads three values.
async function fetchFor(fetcher, url, method, headers, body) {
  const init = { method, redirect: "manual", headers: unpackHeaders(headers) };
  if (body !== null && body !== undefined) init.body = body;
  const res = await fetcher.fetch(url, init);
  return [res.status, packHeaders(res.headers), new Uint8Array(await res.arrayBuffer())];
}

function log(level, msg, fields = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}

// internalError answers a failure of the runtime (a crash, a failing binding) in Twenty's
// envelope: GraphQL's on /graphql and /metadata, REST's elsewhere.
export function internalError(request) {
  const graphql = request !== undefined && GRAPHQL_PATHS.has(new URL(request.url).pathname);
  return new Response(graphql ? GRAPHQL_INTERNAL_ERROR : INTERNAL_ERROR, {
    status: 500,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

class DeadlineError extends Error {}

// timedOut answers a request Go did not answer in time: 503, which a retry may cure.
function timedOut(request, ms) {
  const message = `The request was not answered within ${ms / 1000} seconds.`;
  const graphql = GRAPHQL_PATHS.has(new URL(request.url).pathname);
  const body = graphql
    ? { errors: [{ message, extensions: { code: "SERVICE_UNAVAILABLE" } }] }
    : { statusCode: 503, error: "ServiceUnavailableException", messages: [message] };
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { "content-type": "application/json; charset=utf-8", "retry-after": "1" },
  });
}

// GoInstance owns one running Go program.
//
// workerd binds every promise to the request that created it: a later request may not await a
// promise of an earlier one (handle_cross_request_promise_resolution). So the instance keeps no
// promise across requests: readiness is a flag plus per-request waiters, the program's exit is
// seen synchronously by wrapping Go's runtime.wasmExit import, and every call in flight, each
// with its own promise, is rejected when the program exits.
class GoInstance {
  constructor(mod, env) {
    this.binding = {};
    // syumai's bindings (D1, KV, R2, Queues) read the env from globalThis.context.
    globalThis.context = { env, binding: this.binding };
    // Helpers Go calls (not events): see the Go side of each.
    this.binding.d1Batch = d1Batch; // shared/d1
    this.binding.fetchFor = fetchFor; // shared/jsfetch
    // cfworker.Sleep: a timer of the event that asks for it (Go's own timers are not).
    this.binding.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    // cfworker.Await: Go waits on a promise by id and is told through binding.settle, which Go
    // sets on its first wait; a program that has exited is not called.
    this.binding.track = (promise, id) => {
      const settle = (ok) => (v) => {
        if (!this.exited) this.binding.settle(id, ok, v);
      };
      Promise.resolve(promise).then(settle(true), settle(false));
    };
    this.exited = false;
    this.ready = false;
    this.waiters = []; // {resolve, reject} of events waiting for the program to be ready
    this.inflight = new Set(); // reject functions of calls Go has not answered yet
    this.binding.ready = () => {
      this.ready = true;
      for (const w of this.waiters.splice(0)) w.resolve();
    };
    const go = new Go();
    go.env = GO_ENV;
    this.go = go;
    const wasmExit = go.importObject.gojs["runtime.wasmExit"];
    go.importObject.gojs["runtime.wasmExit"] = (sp) => {
      wasmExit(sp);
      this.onExit("exit");
    };
    const instance = new WebAssembly.Instance(mod, go.importObject);
    go.run(instance).catch((err) => this.onExit(String(err)));
  }

  onExit(reason) {
    if (this.exited) return;
    this.exited = true;
    log("ERROR", "go instance exited", { reason });
    // wasm_exec.js leaves the dead program's timers (a goroutine's sleep, say) pending; each would
    // call into it and throw "Go program has already exited" from a timer callback.
    for (const timer of this.go._scheduledTimeouts.values()) clearTimeout(timer);
    this.go._scheduledTimeouts.clear();
    const err = new Error(`Go program exited: ${reason}`);
    for (const w of this.waiters.splice(0)) w.reject(err);
    for (const reject of this.inflight) reject(err);
    this.inflight.clear();
  }

  whenReady() {
    if (this.ready) return Promise.resolve();
    if (this.exited) return Promise.reject(new Error("Go program exited before it was ready"));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  // call invokes a Go callback that takes (…args, resolve, reject) and resolves with the array of
  // the values Go resolves with; it fails if Go exits first.
  call(name, ...args) {
    return this.callWithin(0, name, ...args);
  }

  // callWithin is call that also fails, with a DeadlineError, after deadlineMs (when over 0). The
  // timer lives in the call's own promise: no extra promise or race per request.
  callWithin(deadlineMs, name, ...args) {
    const fn = this.binding[name];
    if (this.exited) return Promise.reject(new Error("Go program exited"));
    if (typeof fn !== "function") return Promise.reject(new Error(`Go does not handle ${name} events`));
    return new Promise((resolve, reject) => {
      let timer;
      const settled = () => (this.inflight.delete(reject), clearTimeout(timer));
      this.inflight.add(reject);
      if (deadlineMs > 0) timer = setTimeout(() => (settled(), reject(new DeadlineError())), deadlineMs);
      fn(
        ...args,
        (...values) => (settled(), resolve(values)),
        (err) => (settled(), reject(err)),
      );
    });
  }
}

// createRuntime returns a function giving the current Go instance, starting one when there is none
// or the last one exited.
export function createRuntime(mod) {
  let current = null;
  return async function instance(env) {
    if (current === null || current.exited) {
      current = new GoInstance(mod, env);
    }
    const it = current;
    await it.whenReady();
    return it;
  };
}

function toBytes(body) {
  if (body === null || body === undefined) return new Uint8Array(0);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === "string") return new TextEncoder().encode(body);
  return new TextEncoder().encode(JSON.stringify(body));
}

// forwardRequest rebuilds the original request for the binding Go named, carrying Go's x-twenty-*
// headers and none that the client sent.
function forwardRequest(request, body, goHeaders) {
  const headers = new Headers();
  for (const [k, v] of request.headers) {
    if (!k.toLowerCase().startsWith(INTERNAL_PREFIX)) headers.append(k, v);
  }
  for (const [k, v] of goHeaders) {
    const key = k.toLowerCase();
    if (key.startsWith(INTERNAL_PREFIX) && key !== FORWARD) headers.set(key, v);
  }
  return new Request(request.url, { method: request.method, headers, body });
}

// createWorker returns a module Worker's handlers running on mod (a compiled Go wasm module).
// options.beforeGo(request, env, ctx) may answer a request in JS, returning a Response, or
// return undefined to let Go handle it; if it fails, the request answers the 500 envelope.
export function createWorker(mod, options = {}) {
  const instance = createRuntime(mod);
  return {
    async fetch(request, env, ctx) {
      try {
        if (options.beforeGo) {
          const early = await options.beforeGo(request, env, ctx);
          if (early) return early;
        }
        const go = await instance(env);
        const hasBody = request.method !== "GET" && request.method !== "HEAD";
        const body = hasBody ? new Uint8Array(await request.arrayBuffer()) : null;
        const [status, packed, resBody] = await go.callWithin(options.deadlineMs ?? 0,
          "fetch", request.method, request.url, packHeaders(request.headers), body, ctx);
        const headers = unpackHeaders(packed);
        const target = headers.find(([k]) => k.toLowerCase() === FORWARD);
        if (target) {
          const binding = env[target[1]];
          if (!binding) throw new Error(`forward to unknown binding ${target[1]}`);
          // Awaited, so that a failing binding answers the 500 envelope below, not a rejection.
          return await binding.fetch(forwardRequest(request, body, headers));
        }
        return new Response(NULL_BODY.has(status) ? null : resBody, { status, headers });
      } catch (err) {
        const path = new URL(request.url).pathname;
        if (err instanceof DeadlineError) {
          log("ERROR", "fetch timed out", { path });
          return timedOut(request, options.deadlineMs ?? 0);
        }
        log("ERROR", "fetch failed", { error: String(err), path });
        return internalError(request);
      }
    },

    async queue(batch, env, ctx) {
      // Each message is acked or retried on its own: a thrown error would redeliver the whole
      // batch, acknowledged messages included. Whatever Go did not decide is retried here.
      const decided = new Set();
      const messages = batch.messages.map((m) => ({
        id: m.id,
        attempts: m.attempts,
        timestamp: m.timestamp.getTime(),
        body: toBytes(m.body),
        ack: () => (decided.add(m.id), m.ack()),
        retry: (delaySeconds) => (decided.add(m.id), m.retry(delaySeconds > 0 ? { delaySeconds } : undefined)),
      }));
      try {
        const go = await instance(env);
        await go.call("queue", batch.queue, messages, ctx);
      } catch (err) {
        log("ERROR", "queue batch failed", { queue: batch.queue, error: String(err) });
      }
      for (const m of batch.messages) {
        if (!decided.has(m.id)) m.retry();
      }
    },

    async scheduled(controller, env, ctx) {
      const go = await instance(env);
      await go.call("scheduled", controller.cron, controller.scheduledTime, ctx);
    },
  };
}
