-- A Twenty PostgreSQL as Twenty's own migrations leave it (core schema: TypeORM entities of
-- packages/twenty-server/src/engine/core-modules and metadata-modules; a workspace schema named
-- workspace_<workspace id in base 36>, tables named after objects (custom ones prefixed "_"),
-- columns named as Twenty's computeColumnName / computeCompositeColumnName, enum types
-- <table>_<column>_enum). Only the columns the importer reads and a few it ignores are kept.
-- {{WS}} is replaced by the workspace schema's name.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE SCHEMA core;
CREATE TYPE core."workspace_activationstatus_enum" AS ENUM ('ONGOING_CREATION', 'PENDING_CREATION', 'ACTIVE', 'INACTIVE', 'SUSPENDED');
CREATE TABLE core."workspace" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "displayName" character varying,
  "logo" character varying,
  "subdomain" character varying NOT NULL UNIQUE,
  "activationStatus" core."workspace_activationstatus_enum" NOT NULL DEFAULT 'INACTIVE',
  "version" character varying,
  "metadataVersion" integer NOT NULL DEFAULT 1,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone
);
CREATE TABLE core."user" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "firstName" character varying NOT NULL DEFAULT '',
  "lastName" character varying NOT NULL DEFAULT '',
  "email" character varying NOT NULL UNIQUE,
  "isEmailVerified" boolean NOT NULL DEFAULT false,
  "passwordHash" character varying,
  "canImpersonate" boolean NOT NULL DEFAULT false,
  "defaultWorkspaceId" uuid,
  "locale" character varying NOT NULL DEFAULT 'en',
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone
);
CREATE TABLE core."userWorkspace" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "userId" uuid NOT NULL REFERENCES core."user" ("id") ON DELETE CASCADE,
  "workspaceId" uuid NOT NULL REFERENCES core."workspace" ("id") ON DELETE CASCADE,
  "defaultAvatarUrl" character varying,
  "locale" character varying NOT NULL DEFAULT 'en',
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  UNIQUE ("userId", "workspaceId")
);
CREATE TABLE core."role" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "standardId" uuid,
  "label" character varying NOT NULL,
  "description" text,
  "icon" character varying,
  "canUpdateAllSettings" boolean NOT NULL DEFAULT false,
  "canAccessAllTools" boolean NOT NULL DEFAULT false,
  "canReadAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canUpdateAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canSoftDeleteAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canDestroyAllObjectRecords" boolean NOT NULL DEFAULT false,
  "canBeAssignedToUsers" boolean NOT NULL DEFAULT true,
  "canBeAssignedToAgents" boolean NOT NULL DEFAULT true,
  "canBeAssignedToApiKeys" boolean NOT NULL DEFAULT true,
  "isEditable" boolean NOT NULL DEFAULT true,
  "workspaceId" uuid NOT NULL REFERENCES core."workspace" ("id") ON DELETE CASCADE,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("label", "workspaceId")
);
CREATE TABLE core."apiKey" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "name" character varying NOT NULL,
  "expiresAt" timestamp with time zone NOT NULL,
  "revokedAt" timestamp with time zone,
  "workspaceId" uuid NOT NULL REFERENCES core."workspace" ("id") ON DELETE CASCADE,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now()
);
CREATE TABLE core."roleTarget" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "roleId" uuid NOT NULL REFERENCES core."role" ("id") ON DELETE CASCADE,
  "userWorkspaceId" uuid REFERENCES core."userWorkspace" ("id") ON DELETE CASCADE,
  "apiKeyId" uuid REFERENCES core."apiKey" ("id") ON DELETE CASCADE,
  "agentId" uuid,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now()
);
-- A role's permissions (Twenty 1.x: metadata-modules/object-permission, field-permission,
-- permission-flag); the metadata ids are core.objectMetadata's and core.fieldMetadata's.
CREATE TABLE core."objectPermission" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "roleId" uuid NOT NULL REFERENCES core."role" ("id") ON DELETE CASCADE,
  "objectMetadataId" uuid NOT NULL,
  "canReadObjectRecords" boolean,
  "canUpdateObjectRecords" boolean,
  "canSoftDeleteObjectRecords" boolean,
  "canDestroyObjectRecords" boolean,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("objectMetadataId", "roleId")
);
CREATE TABLE core."fieldPermission" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "roleId" uuid NOT NULL REFERENCES core."role" ("id") ON DELETE CASCADE,
  "objectMetadataId" uuid NOT NULL,
  "fieldMetadataId" uuid NOT NULL,
  "canReadFieldValue" boolean,
  "canUpdateFieldValue" boolean,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("fieldMetadataId", "roleId")
);
CREATE TABLE core."permissionFlag" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "roleId" uuid NOT NULL REFERENCES core."role" ("id") ON DELETE CASCADE,
  "flag" character varying NOT NULL,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("flag", "roleId")
);
CREATE TABLE core."dataSource" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "label" character varying,
  "url" character varying,
  "schema" character varying,
  "type" character varying NOT NULL DEFAULT 'postgres',
  "isRemote" boolean NOT NULL DEFAULT false,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now()
);
CREATE TABLE core."objectMetadata" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "dataSourceId" uuid REFERENCES core."dataSource" ("id") ON DELETE CASCADE,
  "standardId" uuid,
  "nameSingular" character varying NOT NULL,
  "namePlural" character varying NOT NULL,
  "labelSingular" character varying NOT NULL,
  "labelPlural" character varying NOT NULL,
  "description" text,
  "icon" character varying,
  "targetTableName" character varying NOT NULL,
  "isCustom" boolean NOT NULL DEFAULT false,
  "isRemote" boolean NOT NULL DEFAULT false,
  "isActive" boolean NOT NULL DEFAULT false,
  "isSystem" boolean NOT NULL DEFAULT false,
  "isAuditLogged" boolean NOT NULL DEFAULT true,
  "isSearchable" boolean NOT NULL DEFAULT false,
  "labelIdentifierFieldMetadataId" uuid,
  "imageIdentifierFieldMetadataId" uuid,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("nameSingular", "workspaceId"),
  UNIQUE ("namePlural", "workspaceId")
);
CREATE TABLE core."fieldMetadata" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "objectMetadataId" uuid NOT NULL REFERENCES core."objectMetadata" ("id") ON DELETE CASCADE,
  "standardId" uuid,
  "type" character varying NOT NULL,
  "name" character varying NOT NULL,
  "label" character varying NOT NULL,
  "defaultValue" jsonb,
  "description" text,
  "icon" character varying,
  "options" jsonb,
  "settings" jsonb,
  "isCustom" boolean NOT NULL DEFAULT false,
  "isActive" boolean NOT NULL DEFAULT false,
  "isSystem" boolean NOT NULL DEFAULT false,
  "isNullable" boolean DEFAULT true,
  "isUnique" boolean DEFAULT false,
  "isLabelSyncedWithName" boolean NOT NULL DEFAULT false,
  "relationTargetFieldMetadataId" uuid,
  "relationTargetObjectMetadataId" uuid,
  "morphId" uuid,
  "workspaceId" uuid NOT NULL,
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  UNIQUE ("name", "objectMetadataId", "workspaceId")
);

CREATE SCHEMA "{{WS}}";
CREATE TYPE "{{WS}}"."workspaceMember_dateFormat_enum" AS ENUM ('SYSTEM', 'MONTH_FIRST', 'DAY_FIRST', 'YEAR_FIRST');
CREATE TYPE "{{WS}}"."workspaceMember_timeFormat_enum" AS ENUM ('SYSTEM', 'HOUR_24', 'HOUR_12');
CREATE TYPE "{{WS}}"."workspaceMember_numberFormat_enum" AS ENUM ('SYSTEM', 'COMMAS_AND_DOT', 'SPACES_AND_COMMA', 'DOTS_AND_COMMA', 'APOSTROPHE_AND_DOT');
CREATE TABLE "{{WS}}"."workspaceMember" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "position" double precision NOT NULL DEFAULT 0,
  "nameFirstName" text NOT NULL DEFAULT '',
  "nameLastName" text NOT NULL DEFAULT '',
  "colorScheme" text NOT NULL DEFAULT 'System',
  "locale" text NOT NULL DEFAULT 'en',
  "avatarUrl" text,
  "userEmail" text UNIQUE,
  "userId" uuid NOT NULL,
  "timeZone" text NOT NULL DEFAULT 'system',
  "dateFormat" "{{WS}}"."workspaceMember_dateFormat_enum" NOT NULL DEFAULT 'SYSTEM',
  "timeFormat" "{{WS}}"."workspaceMember_timeFormat_enum" NOT NULL DEFAULT 'SYSTEM',
  "numberFormat" "{{WS}}"."workspaceMember_numberFormat_enum" NOT NULL DEFAULT 'SYSTEM',
  "calendarStartDay" integer NOT NULL DEFAULT 7,
  "searchVector" tsvector
);
CREATE TYPE "{{WS}}"."company_createdBySource_enum" AS ENUM ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION');
CREATE TABLE "{{WS}}"."company" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "name" text NOT NULL DEFAULT '',
  "domainNamePrimaryLinkUrl" text UNIQUE,
  "domainNamePrimaryLinkLabel" text NOT NULL DEFAULT '',
  "domainNameSecondaryLinks" jsonb,
  "employees" double precision,
  "annualRecurringRevenueAmountMicros" numeric,
  "annualRecurringRevenueCurrencyCode" text NOT NULL DEFAULT '',
  "addressAddressStreet1" text NOT NULL DEFAULT '',
  "addressAddressCity" text NOT NULL DEFAULT '',
  "addressAddressCountry" text NOT NULL DEFAULT '',
  "addressAddressLat" numeric,
  "addressAddressLng" numeric,
  "idealCustomerProfile" boolean NOT NULL DEFAULT false,
  "position" double precision NOT NULL DEFAULT 0,
  "createdBySource" "{{WS}}"."company_createdBySource_enum" NOT NULL DEFAULT 'MANUAL',
  "createdByWorkspaceMemberId" uuid,
  "createdByName" text NOT NULL DEFAULT 'System',
  "createdByContext" jsonb,
  "accountOwnerId" uuid REFERENCES "{{WS}}"."workspaceMember" ("id") ON DELETE SET NULL,
  "searchVector" tsvector
);
CREATE TYPE "{{WS}}"."person_createdBySource_enum" AS ENUM ('EMAIL', 'CALENDAR', 'WORKFLOW', 'AGENT', 'API', 'IMPORT', 'MANUAL', 'SYSTEM', 'WEBHOOK', 'APPLICATION');
CREATE TABLE "{{WS}}"."person" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "nameFirstName" text NOT NULL DEFAULT '',
  "nameLastName" text NOT NULL DEFAULT '',
  "emailsPrimaryEmail" text UNIQUE,
  "emailsAdditionalEmails" jsonb,
  "jobTitle" text NOT NULL DEFAULT '',
  "city" text NOT NULL DEFAULT '',
  "phonesPrimaryPhoneNumber" text,
  "phonesPrimaryPhoneCountryCode" text,
  "phonesPrimaryPhoneCallingCode" text,
  "phonesAdditionalPhones" jsonb,
  "position" double precision NOT NULL DEFAULT 0,
  "createdBySource" "{{WS}}"."person_createdBySource_enum" NOT NULL DEFAULT 'MANUAL',
  "createdByWorkspaceMemberId" uuid,
  "createdByName" text NOT NULL DEFAULT 'System',
  "createdByContext" jsonb,
  "companyId" uuid REFERENCES "{{WS}}"."company" ("id") ON DELETE SET NULL,
  "searchVector" tsvector
);
CREATE TYPE "{{WS}}"."opportunity_stage_enum" AS ENUM ('NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER');
CREATE TABLE "{{WS}}"."opportunity" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "name" text NOT NULL DEFAULT '',
  "amountAmountMicros" numeric,
  "amountCurrencyCode" text NOT NULL DEFAULT '',
  "closeDate" timestamp with time zone,
  "stage" "{{WS}}"."opportunity_stage_enum" NOT NULL DEFAULT 'NEW',
  "position" double precision NOT NULL DEFAULT 0,
  "pointOfContactId" uuid REFERENCES "{{WS}}"."person" ("id") ON DELETE SET NULL,
  "companyId" uuid REFERENCES "{{WS}}"."company" ("id") ON DELETE SET NULL,
  "searchVector" tsvector
);
CREATE TABLE "{{WS}}"."note" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "title" text NOT NULL DEFAULT '',
  "bodyV2Blocknote" text,
  "bodyV2Markdown" text,
  "position" double precision NOT NULL DEFAULT 0,
  "searchVector" tsvector
);
CREATE TABLE "{{WS}}"."noteTarget" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "noteId" uuid REFERENCES "{{WS}}"."note" ("id") ON DELETE CASCADE,
  "personId" uuid REFERENCES "{{WS}}"."person" ("id") ON DELETE CASCADE,
  "companyId" uuid REFERENCES "{{WS}}"."company" ("id") ON DELETE CASCADE,
  "opportunityId" uuid REFERENCES "{{WS}}"."opportunity" ("id") ON DELETE CASCADE,
  "rocketId" uuid
);
CREATE TYPE "{{WS}}"."_rocket_fuel_enum" AS ENUM ('KEROSENE', 'HYDROGEN', 'METHANE');
CREATE TABLE "{{WS}}"."_rocket" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  "name" text NOT NULL DEFAULT '',
  "position" double precision NOT NULL DEFAULT 0,
  "fuel" "{{WS}}"."_rocket_fuel_enum",
  "tags" text[],
  "launchedAt" timestamp with time zone,
  "builderId" uuid REFERENCES "{{WS}}"."company" ("id") ON DELETE SET NULL,
  "searchVector" tsvector
);
ALTER TABLE "{{WS}}"."noteTarget" ADD FOREIGN KEY ("rocketId") REFERENCES "{{WS}}"."_rocket" ("id") ON DELETE CASCADE;

-- core.file (FileEntity): one row per stored file; the bytes are in the storage driver's
-- <workspaceId>/<application universalIdentifier>/<path>.
CREATE TYPE core."file_status_enum" AS ENUM ('PENDING', 'UPLOADED');
CREATE TABLE core."file" (
  "id" uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  "workspaceId" uuid REFERENCES core."workspace" ("id") ON DELETE CASCADE,
  "applicationId" uuid,
  "applicationRegistrationId" uuid,
  "path" character varying NOT NULL,
  "size" bigint NOT NULL,
  "isStaticAsset" boolean NOT NULL DEFAULT false,
  "settings" jsonb,
  "mimeType" character varying NOT NULL DEFAULT 'application/octet-stream',
  "status" core."file_status_enum" NOT NULL DEFAULT 'UPLOADED',
  "createdAt" timestamp with time zone NOT NULL DEFAULT now(),
  "updatedAt" timestamp with time zone NOT NULL DEFAULT now(),
  "deletedAt" timestamp with time zone,
  UNIQUE ("workspaceId", "applicationId", "path")
);
