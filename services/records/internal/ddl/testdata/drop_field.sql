DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__companyId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "companyId";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_ai";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_ad";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_au";

DROP TABLE IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__emails_key";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "emailsPrimaryEmail";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "emailsAdditionalEmails";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_ai";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_ad";

DROP TRIGGER IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search_au";

DROP TABLE IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__search";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "nameFirstName";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "nameLastName";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__position_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "position";

