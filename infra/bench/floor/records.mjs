// The floor's records Worker: a people table with the records Worker's 32 columns, 20 rows, and a
// list read as the records Worker batches it (page, count, schema stamp). /create and /update are
// the least a write that keeps its events pays: the change and its event row (the record's image
// as JSON, before and after) in one D1 batch, as the records Worker's outbox writes them.
let inited = false;
let firstID = null; // the person /update changes
const COLS = ["id","createdAt","updatedAt","deletedAt","nameFirstName","nameLastName","emailsPrimaryEmail","emailsAdditionalEmails","linkedinLinkPrimaryLinkLabel","linkedinLinkPrimaryLinkUrl","linkedinLinkSecondaryLinks","xLinkPrimaryLinkLabel","xLinkPrimaryLinkUrl","xLinkSecondaryLinks","jobTitle","city","phone","phonesPrimaryPhoneNumber","phonesPrimaryPhoneCountryCode","phonesPrimaryPhoneCallingCode","phonesAdditionalPhones","avatarUrl","position","createdBySource","createdByWorkspaceMemberId","createdByName","createdByContext","updatedBySource","updatedByWorkspaceMemberId","updatedByName","updatedByContext","companyId"];
const COL_LIST = COLS.map((c) => `"${c}"`).join(", ");
export default {
  async fetch(req, env) {
    await req.arrayBuffer();
    const db = env.DB;
    if (!inited) {
      await db.exec(`CREATE TABLE IF NOT EXISTS person (${COLS.map((c) => `"${c}" ${c === "position" ? "REAL" : "TEXT"}`).join(", ")})`);
      await db.exec(`CREATE TABLE IF NOT EXISTS stamp (v INTEGER)`);
      await db.exec(`CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, record_id TEXT, before_image TEXT, after_image TEXT)`);
      const n = await db.prepare("SELECT COUNT(*) AS n FROM person").first("n");
      if (n < 20) {
        await db.batch(Array.from({ length: 20 }, (_, i) => db.prepare(`INSERT INTO person (id, nameFirstName, nameLastName, city, position, createdAt) VALUES (?, 'Bench', ?, 'Paris', ?, '2026-01-01T00:00:00.000Z')`).bind(crypto.randomUUID(), String(i), i)));
      }
      firstID = await db.prepare(`SELECT id FROM person ORDER BY id LIMIT 1`).first("id");
      inited = true;
    }
    const path = new URL(req.url).pathname;
    if (path === "/create" || path === "/update") return write(db, path === "/create");
    const stmts = [db.prepare(`SELECT ${COLS.map((c) => `"t"."${c}"`).join(", ")} FROM person AS t WHERE t.deletedAt IS NULL ORDER BY t.id LIMIT ?`).bind(21)];
    stmts.push(db.prepare(`SELECT COUNT(*) AS totalCount FROM person AS t WHERE t.deletedAt IS NULL`));
    stmts.push(db.prepare(`SELECT v FROM stamp`));
    const results = await db.batch(stmts);
    const rows = results[0].results;
    return Response.json({ data: { people: rows.slice(0, 20) }, pageInfo: { hasNextPage: rows.length > 20 }, totalCount: results[1]?.results[0]?.totalCount });
  },
};

// IMAGE is a person's image as a JSON object of its columns.
const IMAGE = `(SELECT json_object(${COLS.map((c) => `'${c}', "${c}"`).join(", ")}) FROM person WHERE id = ?)`;

// write creates a person, or updates the first one, with its event row, in one batch.
async function write(db, create) {
  const now = new Date().toISOString();
  const event = crypto.randomUUID();
  const stmts = [db.prepare(`SELECT v FROM stamp`)];
  let id;
  if (create) {
    id = crypto.randomUUID();
    stmts.push(db.prepare(`INSERT INTO person (id, nameFirstName, nameLastName, city, position, createdAt, updatedAt) VALUES (?, 'Floor', 'Write', 'Paris', 100, ?, ?) RETURNING ${COL_LIST}`).bind(id, now, now));
    stmts.push(db.prepare(`INSERT INTO outbox (id, record_id, after_image) VALUES (?, ?, ${IMAGE}) RETURNING id`).bind(event, id, id));
  } else {
    id = firstID;
    stmts.push(db.prepare(`INSERT INTO outbox (id, record_id, before_image) VALUES (?, ?, ${IMAGE}) RETURNING id`).bind(event, id, id));
    stmts.push(db.prepare(`UPDATE person SET city = ?, updatedAt = ? WHERE id = ? RETURNING ${COL_LIST}`).bind("City " + now, now, id));
    stmts.push(db.prepare(`UPDATE outbox SET after_image = ${IMAGE} WHERE id = ? RETURNING id`).bind(id, event));
  }
  const results = await db.batch(stmts);
  return Response.json({ data: results[create ? 1 : 2].results[0] }); // the person as written
}
