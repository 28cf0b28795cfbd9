// d1wire runs a D1 batch for Go in one crossing each way: Go sends the statements as one JSON
// string and receives the results as one JSON document, UTF-8 in a Uint8Array that Go copies once
// (a string is encoded alike, then copied twice more in Go). Reading a result cell by cell
// through syscall/js costs a few crossings per cell (a page of 20 records is about 3,000), which
// was most of a list request's time in the records Worker.
//
// Request: [{"sql": "...", "args": [null | number | string | {"b64": "..."}]}]
// Response: [{"columns": [...], "rows": [[cell, ...]], "changes": n}], a cell being null, a
// number, a string or {"b64": "..."} for a BLOB.

const UTF8 = new TextEncoder();

// What this isolate's D1 batches cost, from D1's own meta (rows read and written are what D1
// bills): the dev route /__dev/instance reports it (shared/cfworker), and docs/operations.md's
// cost analysis is measured from it.
export const d1Usage = { batches: 0, statements: 0, rowsRead: 0, rowsWritten: 0 };
globalThis.__d1Usage = d1Usage;

export async function d1Batch(db, request) {
  const stmts = JSON.parse(request);
  const prepared = stmts.map(({ sql, args }) => db.prepare(sql).bind(...args.map(fromWire)));
  const results = await db.batch(prepared);
  d1Usage.batches++;
  for (const r of results) {
    d1Usage.statements++;
    d1Usage.rowsRead += r.meta?.rows_read ?? 0;
    d1Usage.rowsWritten += r.meta?.rows_written ?? 0;
  }
  return UTF8.encode(JSON.stringify(results.map(toWire)));
}

function fromWire(arg) {
  if (arg !== null && typeof arg === "object") return base64ToBytes(arg.b64);
  return arg;
}

function toWire(result) {
  const rows = result.results ?? [];
  // D1 returns rows as objects keyed by column: the first row's keys are the columns, in order.
  const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
  return {
    columns,
    rows: rows.map((row) => columns.map((c) => cell(row[c]))),
    changes: result.meta?.changes ?? 0,
  };
}

function cell(v) {
  if (v === undefined) return null;
  if (v instanceof ArrayBuffer) return { b64: bytesToBase64(new Uint8Array(v)) };
  if (ArrayBuffer.isView(v)) return { b64: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  if (Array.isArray(v)) return { b64: bytesToBase64(Uint8Array.from(v)) };
  return v;
}

function bytesToBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function base64ToBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
