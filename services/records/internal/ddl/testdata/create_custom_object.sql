CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_rocket" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "status" TEXT NOT NULL DEFAULT 'IDLE' CHECK ("status" IN ('IDLE', 'FUELING', 'LAUNCHED')),
  "payloads" TEXT CHECK (CASE WHEN json_valid("payloads") THEN json_type("payloads") = 'array' ELSE "payloads" IS NULL END),
  "reusable" INTEGER NOT NULL DEFAULT 0 CHECK ("reusable" IN (0, 1)),
  "launchDate" TEXT CHECK (date("launchDate") IS "launchDate"),
  "costAmountMicros" INTEGER,
  "costCurrencyCode" TEXT DEFAULT '',
  "telemetry" TEXT CHECK (json_valid("telemetry")),
  "rating" TEXT CHECK ("rating" IN ('RATING_1', 'RATING_2', 'RATING_3', 'RATING_4', 'RATING_5')),
  "tags" TEXT CHECK (CASE WHEN json_valid("tags") THEN json_type("tags") = 'array' ELSE "tags" IS NULL END),
  "thrust" REAL,
  "manufacturerId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE RESTRICT,
  "parentId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_rocket__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_rocket__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_rocket__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_rocket__manufacturerId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("manufacturerId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_rocket__parentId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("parentId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ADD COLUMN "targetRocketId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetRocketId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetRocketId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ADD COLUMN "rocketId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__rocketId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("rocketId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ADD COLUMN "rocketId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__rocketId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("rocketId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ADD COLUMN "rocketId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__rocketId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("rocketId");

ALTER TABLE "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ADD COLUMN "rocketId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_rocket" ("id") ON DELETE CASCADE;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__rocketId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("rocketId");

