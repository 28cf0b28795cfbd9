// The gateway's module entry: one Go instance per isolate serves every event (shared/js/glue.mjs).
import mod from "./build/app.wasm";
import { createWorker } from "../../shared/js/glue.mjs";

export default createWorker(mod, {
  // A request Go has not answered in 30 s gets a 503 in Twenty's envelope (shared/js/glue.mjs).
  deadlineMs: 30_000,
  // With DEV_ROUTES, /__dev/baseline is answered by plain JS in the same stack: the trivial JS
  // Worker that `make bench` compares the Go gateway against.
  beforeGo(request, env) {
    if (env.DEV_ROUTES === "true" && request.url.endsWith("/__dev/baseline")) {
      return Response.json({ ok: true });
    }
    return undefined;
  },
});
