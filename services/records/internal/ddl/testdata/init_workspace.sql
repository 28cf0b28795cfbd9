CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db__schema" ("version" INTEGER NOT NULL) STRICT;

INSERT INTO "ws_3b8e64585fc14e638563008ccddaa6db__schema" ("version") VALUES (1);

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "position" REAL NOT NULL DEFAULT 0,
  "nameFirstName" TEXT DEFAULT '',
  "nameLastName" TEXT DEFAULT '',
  "colorScheme" TEXT NOT NULL DEFAULT 'System',
  "locale" TEXT NOT NULL DEFAULT 'en',
  "avatarUrl" TEXT DEFAULT '',
  "userEmail" TEXT CHECK ("userEmail" <> ''),
  "userId" TEXT NOT NULL,
  "timeZone" TEXT NOT NULL DEFAULT 'system',
  "dateFormat" TEXT NOT NULL DEFAULT 'SYSTEM' CHECK ("dateFormat" IN ('SYSTEM', 'MONTH_FIRST', 'DAY_FIRST', 'YEAR_FIRST')),
  "timeFormat" TEXT NOT NULL DEFAULT 'SYSTEM' CHECK ("timeFormat" IN ('SYSTEM', 'HOUR_24', 'HOUR_12')),
  "numberFormat" TEXT NOT NULL DEFAULT 'SYSTEM' CHECK ("numberFormat" IN ('SYSTEM', 'COMMAS_AND_DOT', 'SPACES_AND_COMMA', 'DOTS_AND_COMMA', 'APOSTROPHE_AND_DOT')),
  "calendarStartDay" REAL NOT NULL DEFAULT 7
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("position");

CREATE UNIQUE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember__userEmail_key" ON "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("userEmail");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_company" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "domainNamePrimaryLinkLabel" TEXT DEFAULT '',
  "domainNamePrimaryLinkUrl" TEXT CHECK ("domainNamePrimaryLinkUrl" <> ''),
  "domainNameSecondaryLinks" TEXT CHECK (json_valid("domainNameSecondaryLinks")),
  "employees" REAL,
  "linkedinLinkPrimaryLinkLabel" TEXT DEFAULT '',
  "linkedinLinkPrimaryLinkUrl" TEXT DEFAULT '',
  "linkedinLinkSecondaryLinks" TEXT CHECK (json_valid("linkedinLinkSecondaryLinks")),
  "xLinkPrimaryLinkLabel" TEXT DEFAULT '',
  "xLinkPrimaryLinkUrl" TEXT DEFAULT '',
  "xLinkSecondaryLinks" TEXT CHECK (json_valid("xLinkSecondaryLinks")),
  "annualRecurringRevenueAmountMicros" INTEGER,
  "annualRecurringRevenueCurrencyCode" TEXT DEFAULT '',
  "addressAddressStreet1" TEXT DEFAULT '',
  "addressAddressStreet2" TEXT DEFAULT '',
  "addressAddressStreet3" TEXT DEFAULT '',
  "addressAddressCity" TEXT DEFAULT '',
  "addressAddressPostcode" TEXT DEFAULT '',
  "addressAddressState" TEXT DEFAULT '',
  "addressAddressCountry" TEXT DEFAULT '',
  "addressAddressLat" REAL,
  "addressAddressLng" REAL,
  "addressOld" TEXT DEFAULT '',
  "idealCustomerProfile" INTEGER NOT NULL DEFAULT 0 CHECK ("idealCustomerProfile" IN (0, 1)),
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "accountOwnerId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE SET NULL
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_company__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_company" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_company__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_company" ("deletedAt");

CREATE UNIQUE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_company__domainName_key" ON "ws_3b8e64585fc14e638563008ccddaa6db_company" ("domainNamePrimaryLinkUrl");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_company__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_company" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_company__accountOwnerId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_company" ("accountOwnerId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_person" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "nameFirstName" TEXT DEFAULT '',
  "nameLastName" TEXT DEFAULT '',
  "emailsPrimaryEmail" TEXT CHECK ("emailsPrimaryEmail" <> ''),
  "emailsAdditionalEmails" TEXT CHECK (json_valid("emailsAdditionalEmails")),
  "linkedinLinkPrimaryLinkLabel" TEXT DEFAULT '',
  "linkedinLinkPrimaryLinkUrl" TEXT DEFAULT '',
  "linkedinLinkSecondaryLinks" TEXT CHECK (json_valid("linkedinLinkSecondaryLinks")),
  "xLinkPrimaryLinkLabel" TEXT DEFAULT '',
  "xLinkPrimaryLinkUrl" TEXT DEFAULT '',
  "xLinkSecondaryLinks" TEXT CHECK (json_valid("xLinkSecondaryLinks")),
  "jobTitle" TEXT DEFAULT '',
  "city" TEXT DEFAULT '',
  "phone" TEXT DEFAULT '',
  "phonesPrimaryPhoneNumber" TEXT DEFAULT '',
  "phonesPrimaryPhoneCountryCode" TEXT DEFAULT '',
  "phonesPrimaryPhoneCallingCode" TEXT DEFAULT '',
  "phonesAdditionalPhones" TEXT CHECK (json_valid("phonesAdditionalPhones")),
  "avatarUrl" TEXT DEFAULT '',
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE SET NULL
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("deletedAt");

CREATE UNIQUE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__emails_key" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("emailsPrimaryEmail");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_person__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_person" ("companyId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "amountAmountMicros" INTEGER,
  "amountCurrencyCode" TEXT DEFAULT '',
  "closeDate" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "closeDate") IS "closeDate"),
  "stage" TEXT NOT NULL DEFAULT 'NEW' CHECK ("stage" IN ('NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER')),
  "probability" TEXT DEFAULT '',
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "pointOfContactId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE SET NULL,
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE SET NULL,
  "ownerId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE SET NULL
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__pointOfContactId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("pointOfContactId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("companyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_opportunity__ownerId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("ownerId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_note" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "title" TEXT DEFAULT '',
  "body" TEXT DEFAULT '',
  "bodyV2Blocknote" TEXT,
  "bodyV2Markdown" TEXT,
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext"))
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_note__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_note" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_note__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_note" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_note__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_note" ("position");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_task" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "title" TEXT DEFAULT '',
  "body" TEXT DEFAULT '',
  "bodyV2Blocknote" TEXT,
  "bodyV2Markdown" TEXT,
  "dueAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "dueAt") IS "dueAt"),
  "status" TEXT DEFAULT 'TODO' CHECK ("status" IN ('TODO', 'IN_PROGRESS', 'DONE')),
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "assigneeId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE SET NULL
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_task__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_task" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_task__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_task" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_task__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_task" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_task__assigneeId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_task" ("assigneeId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "noteId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_note" ("id") ON DELETE CASCADE,
  "personId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE CASCADE,
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE CASCADE,
  "opportunityId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__noteId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("noteId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__personId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("personId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("companyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget__opportunityId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_noteTarget" ("opportunityId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "taskId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_task" ("id") ON DELETE CASCADE,
  "personId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE CASCADE,
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE CASCADE,
  "opportunityId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__taskId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("taskId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__personId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("personId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("companyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget__opportunityId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_taskTarget" ("opportunityId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_attachment" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "fullPath" TEXT DEFAULT '',
  "type" TEXT DEFAULT '',
  "fileCategory" TEXT NOT NULL DEFAULT 'OTHER' CHECK ("fileCategory" IN ('ARCHIVE', 'AUDIO', 'IMAGE', 'PRESENTATION', 'SPREADSHEET', 'TEXT_DOCUMENT', 'VIDEO', 'OTHER')),
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "authorId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE SET NULL,
  "taskId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_task" ("id") ON DELETE SET NULL,
  "noteId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_note" ("id") ON DELETE SET NULL,
  "personId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE CASCADE,
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE CASCADE,
  "opportunityId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__authorId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("authorId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__taskId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("taskId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__noteId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("noteId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__personId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("personId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("companyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_attachment__opportunityId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_attachment" ("opportunityId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "happensAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "happensAt") IS "happensAt"),
  "name" TEXT DEFAULT '',
  "properties" TEXT CHECK (json_valid("properties")),
  "linkedRecordCachedName" TEXT DEFAULT '',
  "linkedRecordId" TEXT,
  "linkedObjectMetadataId" TEXT,
  "workspaceMemberId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE CASCADE,
  "targetPersonId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE CASCADE,
  "targetCompanyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE CASCADE,
  "targetOpportunityId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("id") ON DELETE CASCADE,
  "targetNoteId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_note" ("id") ON DELETE CASCADE,
  "targetTaskId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_task" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__workspaceMemberId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("workspaceMemberId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetPersonId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetPersonId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetCompanyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetCompanyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetOpportunityId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetOpportunityId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetNoteId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetNoteId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity__targetTaskId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_timelineActivity" ("targetTaskId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_favorite" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "position" REAL NOT NULL DEFAULT 0,
  "viewId" TEXT,
  "forWorkspaceMemberId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workspaceMember" ("id") ON DELETE CASCADE,
  "personId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_person" ("id") ON DELETE CASCADE,
  "companyId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_company" ("id") ON DELETE CASCADE,
  "opportunityId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_opportunity" ("id") ON DELETE CASCADE,
  "taskId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_task" ("id") ON DELETE CASCADE,
  "noteId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_note" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__forWorkspaceMemberId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("forWorkspaceMemberId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__personId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("personId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__companyId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("companyId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__opportunityId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("opportunityId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__taskId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("taskId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_favorite__noteId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_favorite" ("noteId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_workflow" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "lastPublishedVersionId" TEXT DEFAULT '',
  "statuses" TEXT CHECK (CASE WHEN json_valid("statuses") THEN json_type("statuses") = 'array' ELSE "statuses" IS NULL END),
  "position" REAL NOT NULL DEFAULT 0,
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext"))
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflow__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflow__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflow__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("position");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "trigger" TEXT CHECK (json_valid("trigger")),
  "steps" TEXT CHECK (json_valid("steps")),
  "status" TEXT NOT NULL DEFAULT 'DRAFT' CHECK ("status" IN ('DRAFT', 'ACTIVE', 'DEACTIVATED', 'ARCHIVED')),
  "position" REAL NOT NULL DEFAULT 0,
  "workflowId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion__workflowId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" ("workflowId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "name" TEXT DEFAULT '',
  "enqueuedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "enqueuedAt") IS "enqueuedAt"),
  "startedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "startedAt") IS "startedAt"),
  "endedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "endedAt") IS "endedAt"),
  "status" TEXT NOT NULL DEFAULT 'NOT_STARTED' CHECK ("status" IN ('NOT_STARTED', 'ENQUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'STOPPING', 'STOPPED')),
  "createdBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("createdBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "createdByWorkspaceMemberId" TEXT,
  "createdByName" TEXT NOT NULL DEFAULT 'System',
  "createdByContext" TEXT CHECK (json_valid("createdByContext")),
  "updatedBySource" TEXT NOT NULL DEFAULT 'MANUAL' CHECK ("updatedBySource" IN ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION')),
  "updatedByWorkspaceMemberId" TEXT,
  "updatedByName" TEXT NOT NULL DEFAULT 'System',
  "updatedByContext" TEXT CHECK (json_valid("updatedByContext")),
  "state" TEXT CHECK (json_valid("state")),
  "position" REAL NOT NULL DEFAULT 0,
  "workflowVersionId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workflowVersion" ("id") ON DELETE SET NULL,
  "workflowId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun__position_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" ("position");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun__workflowVersionId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" ("workflowVersionId");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun__workflowId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowRun" ("workflowId");

CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger" (
  "id" TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))),
  "createdAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "createdAt") IS "createdAt"),
  "updatedAt" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "updatedAt") IS "updatedAt"),
  "deletedAt" TEXT CHECK (strftime('%Y-%m-%dT%H:%M:%fZ', "deletedAt") IS "deletedAt"),
  "type" TEXT NOT NULL CHECK ("type" IN ('DATABASE_EVENT', 'CRON')),
  "settings" TEXT NOT NULL CHECK (json_valid("settings")),
  "workflowId" TEXT REFERENCES "ws_3b8e64585fc14e638563008ccddaa6db_workflow" ("id") ON DELETE CASCADE
) STRICT;

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger__createdAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger" ("createdAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger__deletedAt_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger" ("deletedAt");

CREATE INDEX "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger__workflowId_idx" ON "ws_3b8e64585fc14e638563008ccddaa6db_workflowAutomatedTrigger" ("workflowId");

