ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "nickname" TEXT DEFAULT 'none';

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'IDLE' CHECK ("status" IN ('IDLE', 'FUELING', 'LAUNCHED'));

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "metAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "metAt") IS "metAt");

UPDATE "ws_3b8e64585fc14e638563008ccddaa6db_person" SET "metAt" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "mentorId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE SET NULL;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__mentorId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("mentorId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "websitePrimaryLinkLabel" TEXT DEFAULT '';

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "websitePrimaryLinkUrl" TEXT DEFAULT '';

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" ADD COLUMN "websiteSecondaryLinks" TEXT CHECK (json_valid("websiteSecondaryLinks"));

