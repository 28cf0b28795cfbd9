// The gateway's module entry: one Go instance per isolate serves every event (shared/js/glue.mjs).
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";
import { isFileRequest, serveFileRoute } from "./filegate.mjs";
import { isStreamCandidate, serveMultipart } from "./filestream.mjs";

const MAX_MULTIPART = (100 << 20) + (1 << 20); // services/gateway/filemultipart.go

const worker = createWorker(mod, {
  // A request Go has not answered in 30 s gets a 503 in Twenty's envelope (shared/js/glue.mjs).
  deadlineMs: 30_000,
  // With DEV_ROUTES, /__dev/baseline is answered by plain JS in the same stack: the trivial JS
  // Worker that `make bench` compares the Go gateway against.
  beforeGo(request, env) {
    if (env.DEV_ROUTES === "true" && request.url.endsWith("/__dev/baseline")) {
      return Response.json({ ok: true });
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

export default {
  ...worker,
  async fetch(request, env, ctx) {
    // File downloads and direct uploads stream straight to the files Worker, bodies unread (a
    // 1 GB PUT or a 500 MB GET never sits in an isolate), once Go has passed their headers (rate
    // limit, request id: filegate.mjs); the files Worker checks their tokens (services/files).
    if (isFileRequest(request)) return serveFileRoute(request, env, (gateRequest) => worker.fetch(gateRequest, env, ctx));
    // A GraphQL multipart upload within Twenty's 100 MB streams its file to the files Worker
    // through Go's resolver (filestream.mjs); over it, beforeGo refuses it unread.
    if (isStreamCandidate(request) && Number(request.headers.get("content-length")) <= MAX_MULTIPART) {
      return serveMultipart(request, (goRequest) => worker.fetch(goRequest, env, ctx), {
        // R2 stores a stream of a known length; the part's is exact (filestream.mjs).
        fixedLength: (stream, size) => stream.pipeThrough(new FixedLengthStream(size)),
        // The gateway's own upload route is the files Worker's; a presigned URL is R2's.
        put: (url, body) => {
          const put = new Request(url, { method: "PUT", body, headers: { "content-type": "application/octet-stream" } });
          return new URL(url).pathname.startsWith("/file-upload/") ? env.FILES.fetch(put) : fetch(put);
        },
      });
    }
    return worker.fetch(request, env, ctx);
  },
};
