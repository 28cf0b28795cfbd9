// Package pgfixture builds a Twenty PostgreSQL database to import from: the core and workspace
// schemas as Twenty's migrations create them (schema.sql), the metadata rows Twenty's workspace
// sync writes for the standard objects and a custom object with a relation, and a seeded
// workspace (people, companies, opportunities, notes with targets, custom records, soft-deleted
// rows, a user with a bcrypt password and an API key).
package pgfixture

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

//go:embed schema.sql
var schemaSQL string

// Sizes are how many records the workspace gets.
type Sizes struct {
	People, Companies, Opportunities, Notes, Rockets int
	// Storage, when set, is a local storage folder (Twenty's STORAGE_LOCAL_PATH) that gets
	// Files files, with their core.file rows.
	Storage string
	Files   int
}

// Fixture names what Build created.
type Fixture struct {
	WorkspaceID, Schema string
	UserID, Email       string
	Password            string
	MemberID            string
	APIKeyID            string
	// The Sales role, a custom one: it reads and updates every object except opportunities,
	// which it only reads, and people's city, which it neither reads nor writes; it has the
	// API_KEYS_AND_WEBHOOKS flag. SalesEmail's user (member SalesMemberID) and API key
	// SalesAPIKeyID have it. Member may not destroy rockets.
	SalesRoleID, SalesUserID, SalesEmail, SalesMemberID, SalesAPIKeyID string
	Sizes                                                              Sizes
	// SoftDeletedPeople is how many people have deletedAt set.
	SoftDeletedPeople int
}

// Fixed ids, so that a test can look records up.
const (
	WorkspaceID = "20202020-1c25-4d02-bf25-6aeccf7ea419"
	UserID      = "20202020-9e3b-46d4-a556-88b9ddc2b034"
	MemberID    = "20202020-0687-4c41-b707-ed1bfca972a7"
	APIKeyID    = "20202020-f401-4d8a-a731-64d007c27bad"
	Email       = "tim@apple.dev"
	Password    = "Applecar2025"

	SalesRoleID   = "20202020-5a1e-4f00-8000-000000000001"
	SalesUserID   = "20202020-5a1e-4f00-8000-000000000002"
	SalesMemberID = "20202020-5a1e-4f00-8000-000000000003"
	SalesAPIKeyID = "20202020-5a1e-4f00-8000-000000000004"
	SalesEmail    = "sales@apple.dev"
)

// SchemaName is Twenty's workspace schema name: workspace_ + the id as a base-36 number.
func SchemaName(workspaceID string) string {
	n, _ := new(big.Int).SetString(strings.ReplaceAll(workspaceID, "-", ""), 16)
	return "workspace_" + n.Text(36)
}

// Build creates database db on the server at adminURL (dropping it first) and fills it.
// It answers the database's URL with the fixture.
func Build(ctx context.Context, adminURL, db string, sizes Sizes) (string, Fixture, error) {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", Fixture{}, fmt.Errorf("connect %s: %w", adminURL, err)
	}
	defer admin.Close(ctx)
	ident := pgx.Identifier{db}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", Fixture{}, fmt.Errorf("drop %s: %w", db, err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", Fixture{}, fmt.Errorf("create %s: %w", db, err)
	}
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		return "", Fixture{}, err
	}
	cfg.Database = db
	url := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, db)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return "", Fixture{}, fmt.Errorf("connect %s: %w", db, err)
	}
	defer conn.Close(ctx)
	f := Fixture{
		WorkspaceID: WorkspaceID, Schema: SchemaName(WorkspaceID), UserID: UserID, Email: Email,
		Password: Password, MemberID: MemberID, APIKeyID: APIKeyID, Sizes: sizes,
		SalesRoleID: SalesRoleID, SalesUserID: SalesUserID, SalesEmail: SalesEmail, SalesMemberID: SalesMemberID, SalesAPIKeyID: SalesAPIKeyID,
	}
	if _, err := conn.Exec(ctx, strings.ReplaceAll(schemaSQL, "{{WS}}", f.Schema)); err != nil {
		return "", Fixture{}, fmt.Errorf("create schema: %w", err)
	}
	if err := seedCore(ctx, conn, f); err != nil {
		return "", Fixture{}, err
	}
	if err := seedMetadata(ctx, conn, f); err != nil {
		return "", Fixture{}, err
	}
	if err := seedPermissions(ctx, conn, f); err != nil {
		return "", Fixture{}, err
	}
	n, err := seedRecords(ctx, conn, f)
	if err != nil {
		return "", Fixture{}, err
	}
	f.SoftDeletedPeople = n
	if sizes.Storage != "" {
		if err := seedFiles(ctx, conn, f, sizes.Storage, sizes.Files); err != nil {
			return "", Fixture{}, err
		}
	}
	return url, f, nil
}

func seedCore(ctx context.Context, conn *pgx.Conn, f Fixture) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(f.Password), bcrypt.MinCost)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO core.workspace (id, "displayName", subdomain, "activationStatus", version) VALUES ($1, 'Apple', 'apple', 'ACTIVE', '1.8.0')`, f.WorkspaceID)
	b.Queue(`INSERT INTO core."user" (id, "firstName", "lastName", email, "passwordHash", "defaultWorkspaceId", "isEmailVerified") VALUES ($1, 'Tim', 'Apple', $2, $3, $4, true)`,
		f.UserID, f.Email, string(hash), f.WorkspaceID)
	b.Queue(`INSERT INTO core."userWorkspace" (id, "userId", "workspaceId") VALUES (uuid_generate_v4(), $1, $2)`, f.UserID, f.WorkspaceID)
	b.Queue(`INSERT INTO core.role (id, "standardId", label, "canUpdateAllSettings", "canAccessAllTools", "canReadAllObjectRecords", "canUpdateAllObjectRecords",
"canSoftDeleteAllObjectRecords", "canDestroyAllObjectRecords", "isEditable", "workspaceId")
VALUES (uuid_generate_v4(), '20202020-0001-0001-0001-000000000001', 'Admin', true, true, true, true, true, true, false, $1)`, f.WorkspaceID)
	b.Queue(`INSERT INTO core.role (id, "standardId", label, "canAccessAllTools", "canReadAllObjectRecords", "canUpdateAllObjectRecords",
"canSoftDeleteAllObjectRecords", "canDestroyAllObjectRecords", "canBeAssignedToApiKeys", "workspaceId")
VALUES (uuid_generate_v4(), '20202020-0001-0001-0001-000000000002', 'Member', true, true, true, true, true, false, $1)`, f.WorkspaceID)
	b.Queue(`INSERT INTO core.role (id, label, description, icon, "canReadAllObjectRecords", "canUpdateAllObjectRecords", "canSoftDeleteAllObjectRecords",
"canDestroyAllObjectRecords", "canBeAssignedToAgents", "workspaceId", "createdAt")
VALUES ($1, 'Sales', 'Sells; reads deals others run', 'IconMoneybag', true, true, true, false, false, $2, now() + interval '1 second')`, f.SalesRoleID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."apiKey" (id, name, "expiresAt", "workspaceId") VALUES ($1, 'Zapier', now() + interval '1 year', $2)`, f.APIKeyID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."roleTarget" ("roleId", "userWorkspaceId", "workspaceId") SELECT r.id, uw.id, r."workspaceId" FROM core.role r, core."userWorkspace" uw WHERE r.label = 'Admin' AND uw."workspaceId" = r."workspaceId"`)
	b.Queue(`INSERT INTO core."roleTarget" ("roleId", "apiKeyId", "workspaceId") SELECT id, $1, "workspaceId" FROM core.role WHERE label = 'Admin'`, f.APIKeyID)
	// The Sales user and key.
	b.Queue(`INSERT INTO core."user" (id, "firstName", "lastName", email, "passwordHash", "defaultWorkspaceId", "isEmailVerified") VALUES ($1, 'Sal', 'Esrep', $2, $3, $4, true)`,
		f.SalesUserID, f.SalesEmail, string(hash), f.WorkspaceID)
	b.Queue(`INSERT INTO core."userWorkspace" (id, "userId", "workspaceId", "createdAt") VALUES (uuid_generate_v4(), $1, $2, now() + interval '1 second')`, f.SalesUserID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."apiKey" (id, name, "expiresAt", "workspaceId", "createdAt") VALUES ($1, 'Sales sync', now() + interval '1 year', $2, now() + interval '1 second')`, f.SalesAPIKeyID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."roleTarget" ("roleId", "userWorkspaceId", "workspaceId") SELECT $1, uw.id, uw."workspaceId" FROM core."userWorkspace" uw WHERE uw."userId" = $2`, f.SalesRoleID, f.SalesUserID)
	b.Queue(`INSERT INTO core."roleTarget" ("roleId", "apiKeyId", "workspaceId") VALUES ($1, $2, $3)`, f.SalesRoleID, f.SalesAPIKeyID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."dataSource" (schema, "workspaceId") VALUES ($1, $2)`, f.Schema, f.WorkspaceID)
	return conn.SendBatch(ctx, b).Close()
}

// seedPermissions gives the Sales role its object and field permissions and its flag, and the
// Member role one change of its own (see Fixture).
func seedPermissions(ctx context.Context, conn *pgx.Conn, f Fixture) error {
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO core."objectPermission" ("roleId", "objectMetadataId", "canReadObjectRecords", "canUpdateObjectRecords", "canSoftDeleteObjectRecords", "canDestroyObjectRecords", "workspaceId")
SELECT $1, id, true, false, false, false, "workspaceId" FROM core."objectMetadata" WHERE "nameSingular" = 'opportunity' AND "workspaceId" = $2`, f.SalesRoleID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."fieldPermission" ("roleId", "objectMetadataId", "fieldMetadataId", "canReadFieldValue", "canUpdateFieldValue", "workspaceId")
SELECT $1, o.id, fm.id, false, false, o."workspaceId" FROM core."objectMetadata" o JOIN core."fieldMetadata" fm ON fm."objectMetadataId" = o.id
WHERE o."nameSingular" = 'person' AND fm.name = 'city' AND o."workspaceId" = $2`, f.SalesRoleID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."permissionFlag" ("roleId", flag, "workspaceId") VALUES ($1, 'API_KEYS_AND_WEBHOOKS', $2)`, f.SalesRoleID, f.WorkspaceID)
	b.Queue(`INSERT INTO core."objectPermission" ("roleId", "objectMetadataId", "canDestroyObjectRecords", "workspaceId")
SELECT r.id, o.id, false, o."workspaceId" FROM core.role r JOIN core."objectMetadata" o ON o."workspaceId" = r."workspaceId"
WHERE r.label = 'Member' AND o."nameSingular" = 'rocket' AND r."workspaceId" = $1`, f.WorkspaceID)
	return conn.SendBatch(ctx, b).Close()
}

// objects is the workspace's data model: Twenty's standard objects and a custom object rocket
// with a SELECT, an ARRAY, a DATE_TIME and a relation to company.
func objects() []importschema.Object {
	all := importschema.StandardObjects()
	rocket := importschema.CustomObject("rocket", "rockets", "Rocket", "Rockets")
	rocket.Fields = append(rocket.Fields,
		importschema.Field{Type: "SELECT", Name: "fuel", Label: "Fuel", IsCustom: true, IsActive: true, IsNullable: true,
			Options: []importschema.Option{{Value: "KEROSENE", Label: "Kerosene", Color: "red"}, {Value: "HYDROGEN", Label: "Hydrogen", Color: "blue", Position: 1}, {Value: "METHANE", Label: "Methane", Color: "green", Position: 2}}},
		importschema.Field{Type: "ARRAY", Name: "tags", Label: "Tags", IsCustom: true, IsActive: true, IsNullable: true},
		importschema.Field{Type: "DATE_TIME", Name: "launchedAt", Label: "Launched at", IsCustom: true, IsActive: true, IsNullable: true},
		importschema.Field{Type: "RELATION", Name: "builder", Label: "Builder", IsCustom: true, IsActive: true, IsNullable: true,
			Relation: &importschema.Relation{Type: importschema.ManyToOne, TargetObjectNameSingular: "company", TargetFieldName: "rockets", OnDelete: "SET_NULL"}},
	)
	for i := range all {
		if all[i].NameSingular == "company" {
			all[i].Fields = append(all[i].Fields, importschema.Field{Type: "RELATION", Name: "rockets", Label: "Rockets", IsCustom: true, IsActive: true, IsNullable: true,
				Relation: &importschema.Relation{Type: importschema.OneToMany, TargetObjectNameSingular: "rocket", TargetFieldName: "builder"}})
		}
	}
	for _, l := range importschema.CustomObjectLinks(rocket) {
		for i := range all {
			if all[i].NameSingular == l.Object {
				all[i].Fields = append(all[i].Fields, l.Field)
			}
		}
	}
	return append(all, rocket)
}

func seedMetadata(ctx context.Context, conn *pgx.Conn, f Fixture) error {
	objs := objects()
	objectIDs := map[string]string{}
	fieldIDs := map[string]string{} // object.field
	morphIDs := map[string]string{}
	for _, o := range objs {
		objectIDs[o.NameSingular] = newID()
		for _, fl := range o.Fields {
			fieldIDs[o.NameSingular+"."+fl.Name] = newID()
		}
	}
	b := &pgx.Batch{}
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, o := range objs {
		table := o.NameSingular
		if o.IsCustom {
			table = "_" + table
		}
		var label, image any
		if id, ok := fieldIDs[o.NameSingular+".name"]; ok {
			label = id
		}
		b.Queue(`INSERT INTO core."objectMetadata" (id, "dataSourceId", "nameSingular", "namePlural", "labelSingular", "labelPlural", description, icon, "targetTableName",
"isCustom", "isActive", "isSystem", "isSearchable", "labelIdentifierFieldMetadataId", "imageIdentifierFieldMetadataId", "workspaceId")
SELECT $1, id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "workspaceId" FROM core."dataSource" WHERE "workspaceId" = $15`,
			objectIDs[o.NameSingular], o.NameSingular, o.NamePlural, o.LabelSingular, o.LabelPlural, o.Description, o.Icon, table,
			o.IsCustom, o.IsActive, o.IsSystem, o.IsSearchable, label, image, f.WorkspaceID)
		for _, fl := range o.Fields {
			at = at.Add(time.Millisecond)
			var settings map[string]any
			if fl.Settings != nil {
				settings = map[string]any{}
				for k, v := range fl.Settings {
					settings[k] = v
				}
			}
			var targetObject, targetField, morph any
			if r := fl.Relation; r != nil {
				if settings == nil {
					settings = map[string]any{}
				}
				settings["relationType"] = string(r.Type)
				if r.Type == importschema.ManyToOne {
					settings["onDelete"] = string(r.EffectiveOnDelete())
					settings["joinColumnName"] = fl.Name + "Id"
				}
				targetObject = objectIDs[r.TargetObjectNameSingular]
				targetField = fieldIDs[r.TargetObjectNameSingular+"."+r.TargetFieldName]
				if r.MorphID != "" {
					key := o.NameSingular + "." + r.MorphID
					if morphIDs[key] == "" {
						morphIDs[key] = newID()
					}
					morph = morphIDs[key]
				}
			}
			var options any
			if len(fl.Options) > 0 {
				opts := make([]map[string]any, len(fl.Options))
				for i, op := range fl.Options {
					opts[i] = map[string]any{"id": newID(), "value": op.Value, "label": op.Label, "color": op.Color, "position": op.Position}
				}
				options = opts
			}
			b.Queue(`INSERT INTO core."fieldMetadata" (id, "objectMetadataId", type, name, label, "defaultValue", description, icon, options, settings,
"isCustom", "isActive", "isSystem", "isNullable", "isUnique", "relationTargetObjectMetadataId", "relationTargetFieldMetadataId", "morphId", "workspaceId", "createdAt")
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
				fieldIDs[o.NameSingular+"."+fl.Name], objectIDs[o.NameSingular], string(fl.Type), fl.Name, fl.Label, jsonb(fl.DefaultValue),
				fl.Description, fl.Icon, jsonb(options), jsonb(settings), fl.IsCustom, fl.IsActive, fl.IsSystem, fl.IsNullable, fl.IsUnique,
				targetObject, targetField, morph, f.WorkspaceID, at)
		}
	}
	return conn.SendBatch(ctx, b).Close()
}

// jsonb encodes v for a jsonb column; nil stays NULL.
func jsonb(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case map[string]any:
		if x == nil {
			return nil
		}
	case []map[string]any:
		if x == nil {
			return nil
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Drop removes database db from the server at adminURL.
func Drop(ctx context.Context, adminURL, db string) error {
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)")
	return err
}
