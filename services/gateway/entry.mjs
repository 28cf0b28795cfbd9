// The gateway's module entry: one Go instance per isolate serves every event (shared/js/glue.mjs).
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";

const FILE_ROUTES = /^\/(file|files|file-upload)\//;
const FILE_METHODS = new Set(["GET", "HEAD", "PUT"]);
const MAX_MULTIPART = (100 << 20) + (1 << 20); // services/gateway/filemultipart.go

export default createWorker(mod, {
  // A request Go has not answered in 30 s gets a 503 in Twenty's envelope (shared/js/glue.mjs).
  deadlineMs: 30_000,
  // With DEV_ROUTES, /__dev/baseline is answered by plain JS in the same stack: the trivial JS
  // Worker that `make bench` compares the Go gateway against.
  beforeGo(request, env) {
    if (env.DEV_ROUTES === "true" && request.url.endsWith("/__dev/baseline")) {
      return Response.json({ ok: true });
    }
    // File downloads and direct uploads stream straight to the files Worker, bodies unread (a
    // 1 GB PUT or a 500 MB GET never sits in an isolate); it checks their tokens (services/files).
    if (FILE_METHODS.has(request.method) && FILE_ROUTES.test(new URL(request.url).pathname)) {
      return env.FILES.fetch(request);
    }
    // A GraphQL multipart upload over Twenty's 100 MB is refused before its body is read.
    if (request.method === "POST" && Number(request.headers.get("content-length")) > MAX_MULTIPART &&
      (request.headers.get("content-type") || "").startsWith("multipart/form-data")) {
      return Response.json({ errors: [{ message: "File truncated as it exceeds the 104857600 byte size limit.",
        extensions: { code: "BAD_REQUEST" } }] }, { status: 413 });
    }
    return undefined;
  },
});
