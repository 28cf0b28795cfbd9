// Package engine is the records query engine that the REST and GraphQL front ends share: it
// compiles a recordquery.Query on one object into parameterized SQL for the workspace's D1
// (SQLite) tables, runs it in one d1.DB.Batch round trip, and turns the rows back into records
// shaped as Twenty's API returns them.
//
// # Compiling
//
// [Compiler.FindMany] is pure: it resolves every field path of the filter and the ordering against
// the object's metadata, types each filter value from its field's type, and returns two
// statements, the page and its count. Identifiers come from metadata and are always quoted; every
// value the client sent is a bound ? argument, including the page size. Lists (in, containsAny)
// travel as one JSON array argument read with json_each, so a long list costs one of D1's 100
// parameters.
//
// Conditions follow Twenty's semantics on SQLite. like is case-sensitive as PostgreSQL's LIKE is
// (SQLite's LIKE ignores ASCII case) and ilike folds ASCII case on both sides; startsWith and
// endsWith take the client's text literally. D1 caps LIKE and GLOB patterns at 50 bytes, so
// patterns that are an exact text, a prefix (text%), a suffix (%text) or a substring (%text%)
// compile to =, substr and instr comparisons, and only other patterns to GLOB (like) or LOWER(…)
// LIKE LOWER(?) ESCAPE '\' (ilike), within MaxPatternBytes. Text keeps Twenty's null
// equivalence: "is NULL" also matches the empty string (the empty array for JSON arrays), and
// eq "" also matches NULL. containsAny on a MULTI_SELECT or ARRAY column is an EXISTS over
// json_each of the column. A filter through a MANY_TO_ONE relation (company.name) is a sub-query
// on the related table.
//
// The page statement reads the object's table as "t":
//
//	SELECT "t"."id", …, json_object('id', "r0"."id", …) AS "company.0", …
//	FROM "ws_…_person" AS "t"
//	LEFT JOIN "ws_…_company" AS "r0" ON "r0"."id" = "t"."companyId" AND "r0"."deletedAt" IS NULL
//	WHERE "t"."deletedAt" IS NULL AND (<filter>) AND (<cursor>)
//	ORDER BY "t"."position" DESC NULLS LAST, "t"."id" ASC NULLS FIRST
//	LIMIT ?
//
// The LEFT JOINs appear at depth 1 only, one per MANY_TO_ONE relation (person.company): a to-one
// join cannot multiply rows, so the page keeps its LIMIT and the related records come in the same
// statement. Each related record travels as JSON objects of up to 16 columns ("company.0",
// "company.1", …), as D1 returns at most 100 columns and passes at most 32 arguments to a
// function. The count statement is COUNT(*) under the same filter, without the cursor, as Twenty
// counts.
//
// The ordering is the client's plus Twenty's {id: AscNullsFirst} tie-breaker. The page fetches one
// record more than the limit, to know whether another page follows. A cursor (starting_after, or
// ending_before, which reverses the scan) becomes a keyset predicate over the whole ordering,
// Twenty's null-aware algebra (build-cursor-keyset-condition.utils.ts): for each key k, the rows
// equal on the keys before k and strictly after the cursor on k, where "after" follows the key's
// direction and where its nulls sit in the scan.
//
// # Executing
//
// [Engine.FindMany] compiles, runs both statements in one batch and builds a [Page]: composite
// columns nested back into objects (name → {firstName, lastName}), JSON columns parsed, booleans
// and numbers typed, Twenty's empty values for NULLs (TEXT → "", arrays → []), cursors encoded with
// recordquery.EncodeCursor from the stored values of the ordering, and Twenty's page flags.
//
// # Errors
//
// Input the engine rejects is a *[QueryError] carrying Twenty's message and exception code; the
// REST layer answers it as a 400 and the GraphQL layer as BAD_USER_INPUT. Other errors (an invalid
// workspace id, a D1 failure) are the server's.
package engine
