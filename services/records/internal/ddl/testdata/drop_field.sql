DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__companyId_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "companyId";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__emails_key";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "emailsPrimaryEmail";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "emailsAdditionalEmails";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "nameFirstName";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "nameLastName";

DROP INDEX IF EXISTS "ws_3b8e64585fc14e638563008ccddaa6db_person__position_idx";

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" DROP COLUMN "position";

