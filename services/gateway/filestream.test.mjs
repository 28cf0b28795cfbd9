import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { isStreamCandidate, serveMultipart } from "./filestream.mjs";

const B = "----e2eBoundary7MA4YWxkTrZu0gW";

// multipart builds a body as clients send it: operations, map, then the parts given.
function multipart(operations, map, parts, end = `\r\n--${B}--\r\n`) {
  const chunks = [`--${B}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n`, `--${B}\r\nContent-Disposition: form-data; name="map"\r\n\r\n${map}\r\n`];
  const bytes = [Buffer.from(chunks.join(""))];
  parts.forEach(([name, filename, type, content], i) => {
    if (i > 0) bytes.push(Buffer.from("\r\n"));
    bytes.push(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`));
    bytes.push(content);
  });
  bytes.push(Buffer.from(end));
  return new Uint8Array(Buffer.concat(bytes));
}

// request sends body in chunks of 1000 bytes, so that every boundary may fall across two.
function request(body, path = "/metadata") {
  let at = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (at >= body.length) return c.close();
      c.enqueue(body.slice(at, at + 1000));
      at += 1000;
    },
  });
  return new Request("http://gw" + path, {
    method: "POST", body: stream, duplex: "half",
    headers: { "content-type": `multipart/form-data; boundary=${B}`, "content-length": String(body.length), authorization: "Bearer t", "x-twenty-upload-stream": "forged" },
  });
}

async function readAll(stream) {
  const out = [];
  for await (const c of stream) out.push(c);
  return new Uint8Array(Buffer.concat(out));
}

// harness runs serveMultipart with a Go that, like filestream.go's resolver, streams the part it
// is told of to an upload URL, and a put that reads what it is sent.
function harness() {
  const seen = { go: [], puts: [] };
  const callGo = async (req) => {
    const described = req.headers.get("x-twenty-upload-stream");
    const body = new Uint8Array(await req.arrayBuffer());
    seen.go.push({ described: described && JSON.parse(described), auth: req.headers.get("authorization"), type: req.headers.get("content-type"), body });
    if (!described) return Response.json({ whole: true });
    const bad = await globalThis.twentyUploadStreams.stream(JSON.parse(described).key, "http://gw/file-upload/f-1?token=t");
    return Response.json({ bad });
  };
  const options = {
    fixedLength: (s) => s,
    put: async (url, body, size) => {
      const got = await readAll(body);
      seen.puts.push({ url, size, got });
      return new Response(null, { status: 204 });
    },
  };
  return { seen, run: (req) => serveMultipart(req, callGo, options) };
}

test("one file as the last part streams to the upload, Go gets the operations and its description", async () => {
  const file = randomBytes(3 << 20);
  const ops = '{"query":"mutation($file: Upload!) { uploadFile(file: $file) { path } }","variables":{"file":null}}';
  const body = multipart(ops, '{"0":["variables.file"]}', [["0", "rapport é.png", "image/png", file]]);
  const req = request(body);
  assert.equal(isStreamCandidate(req), true);
  const { seen, run } = harness();
  const res = await run(req);
  assert.deepEqual(await res.json(), { bad: "" });
  assert.equal(seen.go.length, 1);
  const { described, auth, type, body: goBody } = seen.go[0];
  assert.deepEqual({ ...described, key: typeof described.key }, { key: "string", name: "rapport é.png", contentType: "image/png", size: file.length, paths: ["variables.file"] });
  assert.equal(auth, "Bearer t");
  assert.equal(type, "application/json");
  assert.equal(new TextDecoder().decode(goBody), ops);
  assert.equal(seen.puts.length, 1);
  assert.equal(seen.puts[0].size, file.length);
  assert.ok(Buffer.from(seen.puts[0].got).equals(file), "the stored bytes are the file's");
  // The stream is read once, and is gone after its request.
  assert.equal(await globalThis.twentyUploadStreams.stream(described.key, "http://gw/x"), "the file part was already read");
});

test("other multipart requests reach Go whole, byte for byte", async () => {
  const a = randomBytes(5000), b = randomBytes(7000);
  const cases = {
    "two files": multipart('{"query":"q","variables":{"a":null,"b":null}}', '{"0":["variables.a"],"1":["variables.b"]}', [["0", "a.bin", "application/octet-stream", a], ["1", "b.bin", "application/octet-stream", b]]),
    "a batch": multipart('[{"query":"q"}]', '{"0":["0.variables.file"]}', [["0", "a.bin", "application/octet-stream", a]]),
    "map out of order": new Uint8Array(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}\r\n--${B}--\r\n`)),
  };
  for (const [name, body] of Object.entries(cases)) {
    const { seen, run } = harness();
    assert.deepEqual(await (await run(request(body))).json(), { whole: true }, name);
    assert.equal(seen.puts.length, 0, name);
    assert.ok(Buffer.from(seen.go[0].body).equals(Buffer.from(body)), `${name}: Go reads the body as sent`);
  }
});

test("a file part that is not the last part, or a body cut short, stores nothing", async () => {
  const file = randomBytes(10000);
  const notLast = multipart('{"query":"q","variables":{"file":null}}', '{"0":["variables.file"]}', [["0", "a.bin", "application/octet-stream", file], ["extra", "x", "text/plain", Buffer.from("x")]]);
  const cut = multipart('{"query":"q","variables":{"file":null}}', '{"0":["variables.file"]}', [["0", "a.bin", "application/octet-stream", file]], `\r\n--${B}--`);
  for (const [name, body, why] of [["not last", notLast, "the file part is not the body's last part"], ["no final CRLF", cut, "the file part is not the body's last part"]]) {
    const { seen, run } = harness();
    const harnessPut = seen;
    const res = await run(request(body));
    assert.deepEqual(await res.json(), { bad: why }, name);
    assert.equal(harnessPut.puts.length, 0, `${name}: the put never completes`);
  }
});
