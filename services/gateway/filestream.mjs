// Streamed GraphQL multipart uploads (services/gateway/filestream.go has the Go half). The
// multipart request spec puts the small parts first: operations, map, then the files. For a
// request whose one file is its last part, the entry reads operations, map and the file part's
// headers, keeps the rest of the body as a stream of exactly the file's bytes (its size follows
// from Content-Length), and sends Go the operations alone with the file described in
// x-twenty-upload-stream. Go's resolver creates the upload and calls stream(key, uploadURL), which
// pipes the part to the files Worker (or R2's presigned URL): the file never sits in an isolate.
// Any other multipart request goes to Go whole, as before. Plain JS, tested by node.

const enc = new TextEncoder();
const dec = new TextDecoder();
const INTERNAL = "x-twenty-";
const STREAM_HEADER = "x-twenty-upload-stream";
const MAX_SMALL_PART = (1 << 20) + 1024; // filemultipart.go's maxOperationsPart, and some
const MAX_PART_HEADERS = 16 << 10;

// isStreamCandidate reports whether a request is a multipart POST to a GraphQL route with a length.
export function isStreamCandidate(request) {
  if (request.method !== "POST" || !request.body) return false;
  const path = new URL(request.url).pathname;
  if (path !== "/metadata" && path !== "/graphql") return false;
  return /^multipart\/form-data\b/i.test(request.headers.get("content-type") || "") && Number(request.headers.get("content-length")) > 0;
}

function concat(a, b) {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function indexOf(hay, needle, from = 0) {
  const first = needle[0];
  for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

// Source reads a body through a reader, keeping what it read for a fallback to Go.
class Source {
  constructor(reader) {
    this.reader = reader;
    this.buf = new Uint8Array(0);
    this.consumed = 0;
    this.read = []; // every chunk read, until the request is known to stream
  }
  async fill() {
    const { value, done } = await this.reader.read();
    if (done) return false;
    this.read?.push(value);
    this.buf = concat(this.buf, value);
    return true;
  }
  async need(n) {
    while (this.buf.length < n) if (!(await this.fill())) return false;
    return true;
  }
  // until answers the bytes before delim and consumes both, or null past limit or the body's end.
  async until(delim, limit) {
    let at;
    while ((at = indexOf(this.buf, delim)) < 0) {
      if (this.buf.length > limit + delim.length || !(await this.fill())) return null;
    }
    const out = this.buf.slice(0, at);
    this.take(at + delim.length);
    return out;
  }
  take(n) {
    this.buf = this.buf.subarray(n);
    this.consumed += n;
  }
  // replay is the whole body again: what was read, then the rest.
  replay() {
    const chunks = this.read;
    const reader = this.reader;
    return new ReadableStream({
      pull: async (c) => {
        if (chunks.length > 0) return c.enqueue(chunks.shift());
        const { value, done } = await reader.read();
        if (done) c.close();
        else c.enqueue(value);
      },
      cancel: (why) => reader.cancel(why),
    });
  }
}

function headerParams(text) {
  const h = {};
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) h[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const cd = h["content-disposition"] || "";
  return { name: /\bname="([^"]*)"/.exec(cd)?.[1], filename: /\bfilename="([^"]*)"/.exec(cd)?.[1], contentType: h["content-type"] || "" };
}

// parseEnvelope reads operations, map and the file part's headers; it answers what to stream, or
// null when the request is not one file as its last part (then Go reads it whole).
async function parseEnvelope(src, boundary, length) {
  const delim = enc.encode("\r\n--" + boundary);
  if ((await src.until(enc.encode("--" + boundary + "\r\n"), 1024)) === null) return null;
  const parts = {};
  for (const want of ["operations", "map"]) {
    const head = await src.until(enc.encode("\r\n\r\n"), MAX_PART_HEADERS);
    if (head === null || headerParams(dec.decode(head)).name !== want) return null;
    const body = await src.until(delim, MAX_SMALL_PART);
    if (body === null || !(await src.need(2)) || src.buf[0] !== 13 || src.buf[1] !== 10) return null; // another part follows
    src.take(2);
    parts[want] = body;
  }
  let map;
  try {
    map = JSON.parse(dec.decode(parts.map));
  } catch {
    return null;
  }
  const keys = map && typeof map === "object" && !Array.isArray(map) ? Object.keys(map) : [];
  if (keys.length !== 1 || !Array.isArray(map[keys[0]]) || !map[keys[0]].every((p) => typeof p === "string")) return null;
  if (!/^\s*\{/.test(dec.decode(parts.operations))) return null; // batches go to Go, which refuses them
  const head = await src.until(enc.encode("\r\n\r\n"), MAX_PART_HEADERS);
  const file = head && headerParams(dec.decode(head));
  if (!file || file.name !== keys[0] || file.filename === undefined) return null;
  // The file runs to the closing delimiter, "\r\n--boundary--\r\n", as every client ends the body.
  const trailer = enc.encode("\r\n--" + boundary + "--\r\n");
  const size = length - src.consumed - trailer.length;
  if (size < 0) return null;
  return { operations: parts.operations, paths: map[keys[0]], name: file.filename, contentType: file.contentType, size, trailer, delim };
}

// partStream is the file part's bytes: exactly size of them, its last byte held back until the
// closing delimiter is seen where it must be, so that a body that was not what it announced ends
// the stream in an error (and a fixed-length upload of it fails) instead of storing a wrong file.
function partStream(src, size, trailer, delim, onBad) {
  let sent = 0;
  let carry = new Uint8Array(0); // the end of what was sent, where a delimiter may begin
  // A delimiter inside the part means another part follows it (a boundary never occurs in content).
  const clean = (bytes) => {
    const seen = concat(carry, bytes);
    if (indexOf(seen, delim) >= 0) return false;
    carry = seen.slice(Math.max(0, seen.length - delim.length + 1));
    return true;
  };
  const bad = (c, why) => {
    onBad(why);
    c.error(new Error(why));
    src.reader.cancel(why).catch(() => {});
  };
  return new ReadableStream({
    async pull(c) {
      if (sent < size - 1) {
        if (src.buf.length === 0 && !(await src.fill())) return bad(c, "the body ended inside its file part");
        const n = Math.min(src.buf.length, size - 1 - sent);
        const bytes = src.buf.slice(0, n);
        if (!clean(bytes)) return bad(c, "the file part is not the body's last part");
        c.enqueue(bytes);
        src.take(n);
        sent += n;
        return;
      }
      const left = size - sent;
      while (src.buf.length < left + trailer.length + 1 && (await src.fill()));
      const rest = src.buf.subarray(left);
      if (rest.length !== trailer.length || indexOf(rest, trailer) !== 0 || !clean(src.buf.slice(0, left))) {
        return bad(c, "the file part is not the body's last part");
      }
      if (left > 0) c.enqueue(src.buf.slice(0, left));
      sent = size;
      c.close();
    },
    cancel: (why) => src.reader.cancel(why),
  });
}

// asciiJSON is JSON a header can carry: non-ASCII characters escaped (a file's name may have them).
function asciiJSON(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0"));
}

// The streams this isolate holds, by key, for Go's resolver (filestream_js.go).
const held = new Map();
globalThis.twentyUploadStreams = {
  // stream pipes a held part to url and answers "" when it was stored, or why the part was not
  // what its request announced; other failures reject.
  async stream(key, url) {
    const h = held.get(key);
    if (!h || h.used) return "the file part was already read";
    h.used = true;
    const res = await h.put(url, h.body).catch((err) => {
      if (h.bad) return null;
      throw err;
    });
    if (h.bad) return h.bad;
    if (res.status !== 204 && res.status !== 200) throw new Error(`the upload answered ${res.status}`);
    return "";
  },
};

// serveMultipart answers a multipart upload: streamed through Go's resolver when it is one file
// as its last part, else whole through callGo. options.fixedLength(stream, size) gives the body a
// known length (FixedLengthStream on workerd); options.put(url, body, size) sends the upload.
export async function serveMultipart(request, callGo, options) {
  const boundary = /boundary="?([^";]+)"?/i.exec(request.headers.get("content-type") || "")?.[1];
  if (!boundary) return callGo(request);
  const length = Number(request.headers.get("content-length"));
  const src = new Source(request.body.getReader());
  const env = await parseEnvelope(src, boundary, length).catch(() => null);
  const headers = new Headers();
  for (const [k, v] of request.headers) if (!k.toLowerCase().startsWith(INTERNAL)) headers.append(k, v);
  if (env === null) {
    return callGo(new Request(request.url, { method: "POST", headers, body: src.replay(), duplex: "half" }));
  }
  src.read = null;
  const key = crypto.randomUUID();
  const h = { used: false, bad: "" };
  h.body = options.fixedLength(partStream(src, env.size, env.trailer, env.delim, (why) => (h.bad = why)), env.size);
  h.put = (url, body) => options.put(url, body, env.size);
  held.set(key, h);
  headers.delete("content-length");
  headers.set("content-type", "application/json");
  headers.set(STREAM_HEADER, asciiJSON({ key, name: env.name, contentType: env.contentType, size: env.size, paths: env.paths }));
  try {
    return await callGo(new Request(request.url, { method: "POST", headers, body: env.operations }));
  } finally {
    held.delete(key);
    if (!h.used) src.reader.cancel("the file part was not used").catch(() => {});
  }
}
