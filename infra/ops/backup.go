package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
	"github.com/twentyworkers/twenty/infra/ops/d1backup"
)

func appendFile(root, rel, line string) error {
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// d1Worker is the config D1 commands name the databases through: the records Worker's binds
// the control database and every shard. Locally, `wrangler d1 export` has no --persist-to and
// reads <config's folder>/.wrangler/state, so export goes through a config written inside the
// state folder whose .wrangler/state is the state folder itself.
func (a *app) d1Worker(env string) cloudflare.Worker { return a.worker("records", env) }

func (a *app) exportWorker(env string) (cloudflare.Worker, error) {
	if env != "" {
		return a.d1Worker(env), nil
	}
	dbs, err := a.st.databases("")
	if err != nil {
		return cloudflare.Worker{}, err
	}
	dir := filepath.Join(a.state, ".ops")
	if err := os.MkdirAll(filepath.Join(dir, ".wrangler"), 0o755); err != nil {
		return cloudflare.Worker{}, err
	}
	link := filepath.Join(dir, ".wrangler", "state")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(filepath.Join("..", ".."), link); err != nil {
			return cloudflare.Worker{}, err
		}
	}
	var parts []string
	for _, d := range dbs {
		parts = append(parts, fmt.Sprintf(`{"binding": %q, "database_name": %q, "database_id": %q}`, d.Binding, d.Name, d.ID))
	}
	cfg := filepath.Join(dir, "wrangler.jsonc")
	body := `{"name": "ops-local-export", "d1_databases": [` + strings.Join(parts, ", ") + "]}\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		return cloudflare.Worker{}, err
	}
	return cloudflare.Worker{Config: cfg, PersistTo: a.state}, nil
}

// export drops db's search indexes (a D1 export refuses FTS5 tables; the records Worker builds
// them again on the next search) and exports it to file.
func (a *app) export(ctx context.Context, env string, d database, file string) error {
	w := a.d1Worker(env)
	out, err := a.cf.Run(ctx, cloudflare.D1Query(w, d.Name, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\_\_search' ESCAPE '\'`, true))
	if err != nil {
		return err
	}
	rows, err := cloudflare.ParseRows(out)
	if err != nil {
		return err
	}
	var names []string
	for _, set := range rows {
		for _, r := range set {
			if n, ok := r["name"].(string); ok {
				names = append(names, n)
			}
		}
	}
	if drops := d1backup.SearchTables(names); len(drops) > 0 {
		if _, err := a.cf.Run(ctx, cloudflare.D1Query(w, d.Name, strings.Join(drops, "; "), false)); err != nil {
			return err
		}
	} else if a.dry {
		a.printf("  (the __search tables that query lists are dropped: DROP TRIGGER/TABLE IF EXISTS …)\n")
	}
	ew, err := a.exportWorker(env)
	if err != nil {
		return err
	}
	_, err = a.cf.Run(ctx, cloudflare.D1Export(ew, d.Name, file))
	return err
}

func backupBucket(env string) string {
	if env == "" {
		return "twenty-backups"
	}
	return "twenty-backups-" + env
}

// backup exports every D1 database of env into a new folder under the backups folder, with a
// manifest of each table's row count and checksum and each database's Time Travel bookmark,
// and copies the folder to R2. It answers the folder.
func (a *app) backup(ctx context.Context, env, reason string) (string, error) {
	start := a.now()
	dbs, err := a.st.databases(env)
	if err != nil {
		return "", err
	}
	stamp := a.now().UTC().Format("20060102T150405Z")
	dir := filepath.Join(a.backups, envName(env), stamp)
	if !a.dry {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	commit, _ := a.git(ctx, "rev-parse", "--short=12", "HEAD")
	m := d1backup.Manifest{Env: envName(env), CreatedAt: a.now().UTC().Format(time.RFC3339), Commit: commit, Databases: map[string]d1backup.Database{}}
	a.printf("backup %s (%s) into %s\n", envName(env), reason, dir)
	var rows int64
	for _, d := range dbs {
		entry := d1backup.Database{Binding: d.Binding, File: d.Name + ".sql"}
		if env != "" {
			out, err := a.cf.Run(ctx, cloudflare.D1Bookmark(a.d1Worker(env), d.Name))
			if err != nil {
				return "", err
			}
			if entry.Bookmark, err = cloudflare.ParseBookmark(out); err != nil {
				return "", err
			}
		}
		file := filepath.Join(dir, entry.File)
		if err := a.export(ctx, env, d, file); err != nil {
			return "", err
		}
		if a.dry {
			continue
		}
		if entry.SHA256, err = d1backup.FileSHA256(file); err != nil {
			return "", err
		}
		db, err := d1backup.Load(ctx, file)
		if err != nil {
			return "", fmt.Errorf("%s: %w", file, err)
		}
		entry.Tables, err = d1backup.Describe(ctx, db)
		db.Close()
		if err != nil {
			return "", err
		}
		var n int64
		for _, t := range entry.Tables {
			n += t.Rows
		}
		rows += n
		a.printf("  %s (%s): %d tables, %d rows%s\n", d.Name, d.Binding, len(entry.Tables), n, bookmarkNote(entry.Bookmark))
		m.Databases[d.Name] = entry
	}
	if !a.dry {
		if err := m.Write(filepath.Join(dir, "manifest.json")); err != nil {
			return "", err
		}
	}
	for _, f := range append(fileNames(dbs), "manifest.json") {
		if _, err := a.cf.Run(ctx, cloudflare.R2Put(a.d1Worker(env), backupBucket(env), stamp+"/"+f, filepath.Join(dir, f))); err != nil {
			return "", err
		}
	}
	a.printf("backup %s: %d rows in %d databases in %s (folder %s, R2 %s/%s)\n", envName(env), rows, len(dbs), a.now().Sub(start).Round(time.Millisecond), dir, backupBucket(env), stamp)
	return dir, nil
}

// fetchBackup answers the folder of backup: itself when it is a folder, else (a stamp, such as
// 20261207T020629Z) the backup of that stamp, fetched from R2 into the local backups folder
// unless already there.
func (a *app) fetchBackup(ctx context.Context, env, backup string, dbs []database) (string, error) {
	if st, err := os.Stat(backup); err == nil && st.IsDir() {
		return backup, nil
	}
	stamp := filepath.Base(backup)
	dir := filepath.Join(a.backups, envName(env), stamp)
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return dir, nil
	}
	if !a.dry {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	a.printf("backup %s is not here: fetching it from R2 %s/%s\n", stamp, backupBucket(env), stamp)
	for _, f := range append(fileNames(dbs), "manifest.json") {
		if _, err := a.cf.Run(ctx, cloudflare.R2Get(a.d1Worker(env), backupBucket(env), stamp+"/"+f, filepath.Join(dir, f))); err != nil {
			return "", err
		}
	}
	return dir, nil
}

func bookmarkNote(b string) string {
	if b == "" {
		return ""
	}
	return ", bookmark " + b
}

func fileNames(dbs []database) []string {
	var out []string
	for _, d := range dbs {
		out = append(out, d.Name+".sql")
	}
	return out
}

// restore returns env's databases to a backup folder (wipe, then the export's SQL, then verify
// against its manifest) or one database to a Time Travel bookmark. Locally, stop `make dev`
// first: the running stack keeps its own view of the files.
func (a *app) restore(ctx context.Context, env, backup, bookmark, dbName string) error {
	start := a.now()
	switch {
	case backup == "" && bookmark == "":
		return errors.New("restore: BACKUP=<folder> or BOOKMARK=<bookmark>")
	case backup != "" && bookmark != "":
		return errors.New("restore: BACKUP or BOOKMARK, not both")
	}
	dbs, err := a.st.databases(env)
	if err != nil {
		return err
	}
	if bookmark != "" {
		if env == "" {
			return errors.New("restore: Time Travel bookmarks exist only in deployed environments; locally, BACKUP=<folder>")
		}
		if dbName == "" {
			dbName = dbs[0].Name
		}
		if err := a.bookmarks(ctx, env, "before restore to "+bookmark); err != nil {
			return err
		}
		_, err := a.cf.Run(ctx, cloudflare.D1RestoreBookmark(a.d1Worker(env), dbName, bookmark))
		return err
	}
	if backup, err = a.fetchBackup(ctx, env, backup, dbs); err != nil {
		return err
	}
	if a.dry {
		a.printf("  (then each database is wiped and loaded from its export, and verified against the manifest)\n")
		return nil
	}
	m, err := d1backup.ReadManifest(filepath.Join(backup, "manifest.json"))
	if err != nil {
		return err
	}
	for _, d := range dbs {
		entry, ok := m.Databases[d.Name]
		if !ok {
			return fmt.Errorf("restore: the backup has no database %s", d.Name)
		}
		sum, err := d1backup.FileSHA256(filepath.Join(backup, entry.File))
		if err != nil {
			return err
		}
		if sum != entry.SHA256 {
			return fmt.Errorf("restore: %s does not match its manifest's SHA-256", entry.File)
		}
	}
	a.printf("restore %s from %s (taken %s at commit %s)\n", envName(env), backup, m.CreatedAt, m.Commit)
	if err := a.bookmarks(ctx, env, "before restore of "+filepath.Base(backup)); err != nil {
		return err
	}
	w := a.d1Worker(env)
	for _, d := range dbs {
		out, err := a.cf.Run(ctx, cloudflare.D1Query(w, d.Name, `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE '\_cf\_%' ESCAPE '\'`, true))
		if err != nil {
			return err
		}
		rows, err := cloudflare.ParseRows(out)
		if err != nil {
			return err
		}
		if wipe := wipeStatements(rows); len(wipe) > 0 {
			f := filepath.Join(os.TempDir(), fmt.Sprintf("ops-wipe-%s-%d.sql", d.Name, os.Getpid()))
			if err := os.WriteFile(f, []byte(strings.Join(wipe, ";\n")+";\n"), 0o644); err != nil {
				return err
			}
			defer os.Remove(f)
			if _, err := a.cf.Run(ctx, cloudflare.D1ExecuteFile(w, d.Name, f)); err != nil {
				return err
			}
		}
		if _, err := a.cf.Run(ctx, cloudflare.D1ExecuteFile(w, d.Name, filepath.Join(backup, m.Databases[d.Name].File))); err != nil {
			return err
		}
	}
	a.printf("restore %s: %d databases in %s; verifying\n", envName(env), len(dbs), a.now().Sub(start).Round(time.Millisecond))
	return a.verify(ctx, env, backup)
}

// wipeStatements drops everything sqlite_master lists: virtual tables first (their shadow
// tables go with them), then triggers, views and tables; foreign keys are checked at the end.
func wipeStatements(sets [][]map[string]any) []string {
	var virtual, other, tables []string
	for _, set := range sets {
		for _, r := range set {
			typ, _ := r["type"].(string)
			name, _ := r["name"].(string)
			sqlText, _ := r["sql"].(string)
			q := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
			switch {
			case typ == "table" && strings.HasPrefix(strings.ToUpper(sqlText), "CREATE VIRTUAL TABLE"):
				virtual = append(virtual, "DROP TABLE IF EXISTS "+q)
			case typ == "table":
				// sqlite_master lists tables as created, referenced ones first: drop the
				// referencing ones first, whose implicit delete checks their parents.
				tables = append([]string{"DROP TABLE IF EXISTS " + q}, tables...)
			case typ == "view":
				other = append([]string{"DROP VIEW IF EXISTS " + q}, other...)
			case typ == "trigger":
				other = append([]string{"DROP TRIGGER IF EXISTS " + q}, other...)
			}
		}
	}
	if len(virtual)+len(other)+len(tables) == 0 {
		return nil
	}
	return append(append(append([]string{"PRAGMA defer_foreign_keys = true"}, virtual...), other...), tables...)
}

// verify exports env's databases (or reads a backup folder's files, with BACKUP and no live
// copy) and checks them: SQLite integrity and foreign keys, metadata against tables, and,
// with a backup, counts and checksums against its manifest.
func (a *app) verify(ctx context.Context, env, backup string) error {
	start := a.now()
	dbs, err := a.st.databases(env)
	if err != nil {
		return err
	}
	var m *d1backup.Manifest
	if backup != "" {
		mm, err := d1backup.ReadManifest(filepath.Join(backup, "manifest.json"))
		if err != nil {
			return err
		}
		m = &mm
	}
	dir, err := os.MkdirTemp("", "ops-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	set := d1backup.Set{Shards: map[string]d1backup.Shard{}}
	var opened []*sql.DB
	defer func() {
		for _, db := range opened {
			db.Close()
		}
	}()
	for _, d := range dbs {
		file := filepath.Join(dir, d.Name+".sql")
		if err := a.export(ctx, env, d, file); err != nil {
			return err
		}
		if a.dry {
			continue
		}
		db, err := d1backup.Load(ctx, file)
		if err != nil {
			return fmt.Errorf("%s: %w", d.Name, err)
		}
		opened = append(opened, db)
		if d.Binding == "CONTROL" {
			set.ControlName, set.Control = d.Name, db
		} else {
			set.Shards[d.Binding] = d1backup.Shard{Name: d.Name, DB: db}
		}
	}
	if a.dry {
		a.printf("  (each export is loaded into SQLite and checked: integrity_check, foreign_key_check, metadata against columns%s)\n", map[bool]string{true: ", the manifest's counts and checksums", false: ""}[m != nil])
		return nil
	}
	findings, err := d1backup.Verify(ctx, set, m)
	if err != nil {
		return err
	}
	d1backup.Print(a.out, findings)
	a.printf("verify %s: %d databases in %s\n", envName(env), len(dbs), a.now().Sub(start).Round(time.Millisecond))
	if len(findings) > 0 {
		return fmt.Errorf("verify: %d finding(s)", len(findings))
	}
	return nil
}
