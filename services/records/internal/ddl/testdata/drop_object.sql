DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__rocketId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" DROP COLUMN "rocketId";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__rocketId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" DROP COLUMN "rocketId";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_attachment__rocketId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_attachment" DROP COLUMN "rocketId";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetRocketId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" DROP COLUMN "targetRocketId";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_favorite__rocketId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_favorite" DROP COLUMN "rocketId";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_rocket__search_ai";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_rocket__search_ad";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_rocket__search_au";

DROP TABLE IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_rocket__search";

DROP TABLE "ws_3b8e64585fc14e638563008ccddaa6db_rocket";

