import { test } from "node:test";
import assert from "node:assert/strict";
import { d1Batch } from "./d1wire.mjs";

// fakeD1 records what was prepared and bound and answers canned results, as D1's batch() does:
// rows as objects keyed by column, BLOBs as arrays of bytes.
function fakeD1(results) {
  const bound = [];
  return {
    bound,
    prepare(sql) {
      return { bind: (...args) => ({ sql, args, _: bound.push({ sql, args }) }) };
    },
    async batch(stmts) {
      assert.equal(stmts.length, results.length);
      return results;
    },
  };
}

test("statements, arguments and results cross as JSON", async () => {
  const db = fakeD1([
    { results: [{ id: "a", n: 1, x: null, blob: [1, 2, 255] }, { id: "b", n: 2.5, x: "s", blob: new Uint8Array([0]).buffer }], meta: { changes: 0 } },
    { results: [], meta: { changes: 3 } },
  ]);
  const out = await d1Batch(db, JSON.stringify([
    { sql: "SELECT ?", args: [1, "two", null, { b64: "AQL/" }] },
    { sql: "UPDATE t SET a = 1", args: [] },
  ]));
  assert.deepEqual(db.bound[0].args.slice(0, 3), [1, "two", null]);
  assert.deepEqual([...db.bound[0].args[3]], [1, 2, 255]);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out)), [
    { columns: ["id", "n", "x", "blob"], rows: [["a", 1, null, { b64: "AQL/" }], ["b", 2.5, "s", { b64: "AA==" }]], changes: 0 },
    { columns: [], rows: [], changes: 3 },
  ]);
});

test("a failing batch rejects", async () => {
  const db = fakeD1([]);
  db.batch = async () => { throw new Error("D1_ERROR: no such table: t"); };
  await assert.rejects(d1Batch(db, JSON.stringify([{ sql: "SELECT 1 FROM t", args: [] }])), /no such table/);
});
