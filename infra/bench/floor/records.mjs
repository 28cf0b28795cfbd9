// The floor's records Worker: a people table with the records Worker's 32 columns, 20 rows, and a
// list read as the records Worker batches it (page, count, schema stamp).
let inited = false;
const COLS = ["id","createdAt","updatedAt","deletedAt","nameFirstName","nameLastName","emailsPrimaryEmail","emailsAdditionalEmails","linkedinLinkPrimaryLinkLabel","linkedinLinkPrimaryLinkUrl","linkedinLinkSecondaryLinks","xLinkPrimaryLinkLabel","xLinkPrimaryLinkUrl","xLinkSecondaryLinks","jobTitle","city","phone","phonesPrimaryPhoneNumber","phonesPrimaryPhoneCountryCode","phonesPrimaryPhoneCallingCode","phonesAdditionalPhones","avatarUrl","position","createdBySource","createdByWorkspaceMemberId","createdByName","createdByContext","updatedBySource","updatedByWorkspaceMemberId","updatedByName","updatedByContext","companyId"];
export default {
  async fetch(req, env) {
    await req.arrayBuffer();
    const db = env.DB;
    if (!inited) {
      await db.exec(`CREATE TABLE IF NOT EXISTS person (${COLS.map((c) => `"${c}" ${c === "position" ? "REAL" : "TEXT"}`).join(", ")})`);
      await db.exec(`CREATE TABLE IF NOT EXISTS stamp (v INTEGER)`);
      const n = await db.prepare("SELECT COUNT(*) AS n FROM person").first("n");
      if (n < 20) {
        await db.batch(Array.from({ length: 20 }, (_, i) => db.prepare(`INSERT INTO person (id, nameFirstName, nameLastName, city, position, createdAt) VALUES (?, 'Bench', ?, 'Paris', ?, '2026-01-01T00:00:00.000Z')`).bind(crypto.randomUUID(), String(i), i)));
      }
      inited = true;
    }
    const stmts = [db.prepare(`SELECT ${COLS.map((c) => `"t"."${c}"`).join(", ")} FROM person AS t WHERE t.deletedAt IS NULL ORDER BY t.id LIMIT ?`).bind(21)];
    stmts.push(db.prepare(`SELECT COUNT(*) AS totalCount FROM person AS t WHERE t.deletedAt IS NULL`));
    stmts.push(db.prepare(`SELECT v FROM stamp`));
    const results = await db.batch(stmts);
    const rows = results[0].results;
    return Response.json({ data: { people: rows.slice(0, 20) }, pageInfo: { hasNextPage: rows.length > 20 }, totalCount: results[1]?.results[0]?.totalCount });
  },
};
