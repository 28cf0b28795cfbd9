import { test } from "node:test";
import assert from "node:assert/strict";
import { isFileRequest, serveFileRoute } from "./filegate.mjs";

// A gate answering as filegate.go does: pass with a request id, or 429 after budget requests.
function gateWith(budget) {
  const seen = [];
  const gate = async (req) => {
    seen.push({ method: req.method, url: req.url, body: req.body, auth: req.headers.get("authorization"), internal: req.headers.get("x-twenty-file-gate") });
    if (seen.length > budget) {
      return new Response('{"statusCode":429,"error":"ThrottlerException","messages":["ThrottlerException: Too Many Requests"]}',
        { status: 429, headers: { "retry-after": "60", "x-request-id": "rid-" + seen.length } });
    }
    return new Response(null, { status: 204, headers: { "x-twenty-file-gate": "pass", "x-request-id": "rid-" + seen.length } });
  };
  return { gate, seen };
}

// A files Worker that reads what it is sent.
function filesWorker() {
  const got = [];
  return {
    got,
    FILES: {
      async fetch(req) {
        const body = req.body ? new Uint8Array(await req.arrayBuffer()) : null;
        got.push({ method: req.method, url: req.url, requestId: req.headers.get("x-request-id"), body });
        return new Response(req.method === "PUT" ? null : "bytes", { status: req.method === "PUT" ? 204 : 200, headers: { "content-length": req.method === "PUT" ? "0" : "5" } });
      },
    },
  };
}

test("only file downloads and direct uploads take the file route", () => {
  const at = (method, path) => isFileRequest(new Request("http://gw" + path, { method }));
  assert.deepEqual(
    [at("GET", "/file/core-picture/x"), at("HEAD", "/files/a/b.png"), at("PUT", "/file-upload/x"), at("POST", "/file/x"), at("OPTIONS", "/file/x"), at("GET", "/filez/x"), at("GET", "/rest/file/x")],
    [true, true, true, false, false, false, false],
  );
});

test("a passed upload streams to the files Worker with Go's request id; Go sees no body; a spent budget gets Go's 429", async () => {
  const { gate, seen } = gateWith(1);
  const files = filesWorker();
  const lines = [];
  const env = { FILES: files.FILES, LOG_LEVEL: "debug" };
  const payload = new Uint8Array(3 << 20).fill(7);
  const stream = new Blob([payload]).stream();
  const put = new Request("http://gw/file-upload/f1?token=secret", { method: "PUT", body: stream, duplex: "half", headers: { "x-twenty-file-gate": "pass", "x-request-id": "client-id" } });
  const res = await serveFileRoute(put, env, gate, (l) => lines.push(JSON.parse(l)));
  assert.equal(res.status, 204);
  assert.deepEqual(seen.map((s) => [s.method, s.body, s.internal]), [["PUT", null, null]], "Go gets the headers alone, and no x-twenty- header of the client's");
  assert.equal(files.got.length, 1);
  assert.equal(files.got[0].requestId, "rid-1");
  assert.deepEqual(files.got[0].body, payload);

  const refused = await serveFileRoute(new Request("http://gw/file/files-field/f1?token=t"), env, gate, (l) => lines.push(JSON.parse(l)));
  assert.equal(refused.status, 429);
  assert.equal(refused.headers.get("retry-after"), "60");
  assert.equal((await refused.json()).error, "ThrottlerException");
  assert.equal(files.got.length, 1, "a refused request never reaches the files Worker");

  assert.deepEqual(lines.map(({ level, msg, request_id, method, path, status }) => ({ level, msg, request_id, method, path, status })), [
    { level: "DEBUG", msg: "request", request_id: "rid-1", method: "PUT", path: "/file-upload/f1", status: 204 },
    { level: "DEBUG", msg: "request", request_id: "rid-2", method: "GET", path: "/file/files-field/f1", status: 429 },
  ]);
  assert.ok(lines.every((l) => !JSON.stringify(l).includes("secret")), "the token stays out of the log");
});

test("the access line follows LOG_LEVEL; a failing files Worker answers the 500 envelope, logged as an error", async () => {
  const { gate } = gateWith(10);
  const lines = [];
  const write = (l) => lines.push(JSON.parse(l));
  await serveFileRoute(new Request("http://gw/file/a/b"), { FILES: filesWorker().FILES }, gate, write);
  assert.equal(lines.length, 0, "a fast success is a debug line, under the default info level");
  const res = await serveFileRoute(new Request("http://gw/file/a/b"), { FILES: { fetch: async () => { throw new Error("binding down"); } } }, gate, write);
  assert.equal(res.status, 500);
  assert.equal((await res.json()).error, "InternalServerErrorException");
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.status ?? null]), [["ERROR", "file route failed", null], ["ERROR", "request", 500]]);
});
