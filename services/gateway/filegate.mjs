// The public file routes (/file/, /files/, /file-upload/) as the gateway's entry serves them: their
// bodies stream between the client and the files Worker without entering Go (a 1 GB PUT or a
// 500 MB GET never sits in an isolate), but Go decides first, from the method, URL and headers
// alone (services/gateway/filegate.go): the caller's rate limit and the request id. Plain JS with
// no Workers API, so that node tests it (filegate.test.mjs).

export const FILE_ROUTES = /^\/(file|files|file-upload)\//;
const FILE_METHODS = new Set(["GET", "HEAD", "PUT"]);
const INTERNAL = "x-twenty-";
const GATE = "x-twenty-file-gate"; // Go's pass (filegate.go's fileGatePass)
const REQUEST_ID = "x-request-id";
const SLOW_MS = 1000; // shared/logging.SlowRequest
const LEVELS = { DEBUG: -4, INFO: 0, WARN: 4, ERROR: 8 };

// isFileRequest reports whether a request is a file download or direct upload.
export function isFileRequest(request) {
  return FILE_METHODS.has(request.method) && FILE_ROUTES.test(new URL(request.url).pathname);
}

function publicHeaders(from) {
  const out = new Headers();
  for (const [k, v] of from) if (!k.toLowerCase().startsWith(INTERNAL)) out.append(k, v);
  return out;
}

// accessLog writes the request's line as Go's access log does (shared/logging.AccessLog): JSON,
// the path without its query (it holds a token), at debug level except server errors and slow
// answers, under the Worker's LOG_LEVEL.
function accessLog(env, write, fields, ms) {
  let level = "DEBUG";
  if (fields.status >= 500) level = "ERROR";
  else if (ms >= SLOW_MS) level = "WARN";
  const min = LEVELS[String(env.LOG_LEVEL || "info").toUpperCase()] ?? LEVELS.INFO;
  if (LEVELS[level] < min) return;
  write(JSON.stringify({ time: new Date().toISOString(), level, msg: "request", service: "gateway", ...fields, duration_ms: ms }));
}

const INTERNAL_ERROR = JSON.stringify({ statusCode: 500, error: "InternalServerErrorException", messages: ["Internal server error"] });

// serveFileRoute answers a file request: gate(request) is Go's answer to a body-less copy of it;
// on Go's pass the request goes to the files Worker (env.FILES) with its body unread and Go's
// request id, else Go's answer (a 429) is the client's. write receives the access log line.
export async function serveFileRoute(request, env, gate, write = console.log) {
  const start = Date.now();
  const path = new URL(request.url).pathname;
  const headers = publicHeaders(request.headers);
  let res;
  let id = "";
  try {
    const decision = await gate(new Request(request.url, { method: request.method, headers }));
    id = decision.headers.get(REQUEST_ID) || "";
    if (decision.headers.get(GATE) === "pass") {
      if (id) headers.set(REQUEST_ID, id);
      // A Request made from the request keeps its body as a stream, unread.
      res = await env.FILES.fetch(new Request(request, { headers }));
    } else {
      res = new Response(decision.body, { status: decision.status, headers: publicHeaders(decision.headers) });
    }
  } catch (err) {
    write(JSON.stringify({ time: new Date().toISOString(), level: "ERROR", msg: "file route failed", service: "gateway", request_id: id, path, error: String(err) }));
    res = new Response(INTERNAL_ERROR, { status: 500, headers: { "content-type": "application/json; charset=utf-8" } });
  }
  const bytes = Number(res.headers.get("content-length") || 0);
  accessLog(env, write, { request_id: id, method: request.method, path, status: res.status, bytes }, Date.now() - start);
  return res;
}
