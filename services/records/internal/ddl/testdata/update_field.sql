ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ADD COLUMN "_swap_phase" TEXT NOT NULL DEFAULT 'READY' CHECK ("_swap_phase" IN ('READY', 'LAUNCHED', 'LOST'));

UPDATE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" SET "_swap_phase" = CASE "status" WHEN 'IDLE' THEN 'READY' WHEN 'LAUNCHED' THEN 'LAUNCHED' ELSE 'READY' END;

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" DROP COLUMN "status";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" RENAME COLUMN "_swap_phase" TO "phase";

UPDATE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" SET "payloads" = (SELECT json_group_array(CASE value WHEN 'SATELLITE' THEN 'SAT' ELSE value END) FROM json_each("ws_3b8e64585fc14e638563008ccddaa6db_rocket"."payloads") WHERE value IN ('SATELLITE', 'CARGO')) WHERE "payloads" IS NOT NULL;

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "_swap_city" TEXT CHECK ("_swap_city" <> '');

UPDATE "ws_3b8e64585fc14e638563008ccddaa6db_person" SET "_swap_city" = NULLIF("city", '');

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "city";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" RENAME COLUMN "_swap_city" TO "city";

CREATE UNIQUE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__city_key" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("city");

