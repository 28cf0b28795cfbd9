// The platform floor for make bench: what the least any implementation pays on this local stack
// for a record list — a JS Worker calling a JS Worker over a service binding, which reads a page,
// its count and a stamp in one D1 batch; with ?rl it first asks a Rate Limiting binding, as the
// gateway does for every API request.
export default {
  async fetch(req, env) {
    const url = new URL(req.url);
    if (url.pathname === "/baseline") return new Response("ok");
    if (url.searchParams.has("rl")) await env.RL.limit({ key: "ws:x" });
    const res = await env.RECORDS.fetch("http://records" + url.pathname + url.search, { method: "POST", body: "{}" });
    return new Response(await res.arrayBuffer(), { headers: { "content-type": "application/json" } });
  },
};
