// The Worker's module entry: one Go instance per isolate serves every event (shared/js/glue.mjs).
//
// The public file routes (/file/, /files/, /file-upload/, passed on by the gateway untouched)
// stream their bodies here, in JavaScript, between the client and R2: Go decides everything
// (token, metadata, status, headers) from the request's headers alone and answers with
// instructions in x-twenty-r2-* headers (services/files/download.go). No body of a file ever
// enters Go's memory, so a 1 GB upload or a 500 MB download costs the isolate only what a stream
// buffers.
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";

const worker = createWorker(mod);
const PUBLIC = /^\/(file|files|file-upload)\//;
const INTERNAL = "x-twenty-";

// publicHeaders copies headers without any x-twenty- header: a client may not give Go
// instructions, and Go's instructions never reach a client.
function publicHeaders(from) {
  const out = new Headers();
  for (const [k, v] of from) if (!k.toLowerCase().startsWith(INTERNAL)) out.append(k, v);
  return out;
}

function envelope(status, error, message, headers) {
  const h = new Headers(headers);
  h.set("content-type", "application/json; charset=utf-8");
  h.delete("content-length");
  h.delete("content-disposition");
  return new Response(JSON.stringify({ statusCode: status, error, messages: [message] }), { status, headers: h });
}

function log(level, msg, fields = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}

async function serveFile(request, env, ctx) {
  // Go sees the request without its body: for a PUT, the body is still unread, ready to stream.
  const decision = await worker.fetch(
    new Request(request.url, { method: request.method, headers: publicHeaders(request.headers) }), env, ctx);
  const headers = publicHeaders(decision.headers);
  const putKey = decision.headers.get("x-twenty-r2-put");
  if (putKey) {
    try {
      await env.FILES_BUCKET.put(putKey, request.body, {
        httpMetadata: { contentType: decision.headers.get("x-twenty-r2-content-type") || "application/octet-stream" },
      });
    } catch (err) {
      log("ERROR", "upload to R2 failed", { key: putKey, error: String(err) });
      return envelope(500, "InternalServerErrorException", "Error uploading file", headers);
    }
    headers.delete("content-type");
    headers.delete("content-length");
    return new Response(null, { status: 204, headers });
  }
  const getKey = decision.headers.get("x-twenty-r2-get");
  if (getKey) {
    const range = decision.headers.get("x-twenty-r2-range");
    let options;
    if (range) {
      const [offset, length] = range.split(",").map(Number);
      options = { range: { offset, length } };
    }
    const object = await env.FILES_BUCKET.get(getKey, options);
    if (object === null) {
      log("ERROR", "file object missing", { key: getKey });
      return envelope(404, "NotFoundException", "File not found", headers);
    }
    return new Response(object.body, { status: decision.status, headers });
  }
  return new Response(decision.body, { status: decision.status, headers });
}

export default {
  ...worker,
  async fetch(request, env, ctx) {
    if (PUBLIC.test(new URL(request.url).pathname)) {
      try {
        return await serveFile(request, env, ctx);
      } catch (err) {
        log("ERROR", "file route failed", { error: String(err) });
        return envelope(500, "InternalServerErrorException", "Internal server error");
      }
    }
    return worker.fetch(request, env, ctx);
  },
};
