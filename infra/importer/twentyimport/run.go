package twentyimport

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/twentyworkers/twenty/services/records/importschema"
)

// MaxDatabaseBytes is the most a D1 database holds (10 GB); a workspace whose schema is larger
// in PostgreSQL cannot go onto one shard.
const MaxDatabaseBytes = 10 << 30

// Options configure a run.
type Options struct {
	// PG is the Twenty database's URL.
	PG string
	// State is the local stack's state folder (make dev's STATE).
	State string
	// DryRun reports what would be imported, and what cannot be, and writes nothing.
	DryRun bool
	// VerifyOnly skips the copy and only verifies.
	VerifyOnly bool
	// RESTBase and RESTToken, when set, make the run compare the REST answers of the stack
	// running at RESTBase (with a token of an imported workspace) with the source, and nothing
	// else: the stack holds the D1 files while it runs.
	RESTBase, RESTToken string
	// Storage is Twenty's local storage folder (STORAGE_LOCAL_PATH), or s3://<bucket>[/prefix]
	// for its S3 bucket (see OpenFileSource); empty skips the files.
	Storage string
	// Root is the repository root, for wrangler (the files go into R2 through it).
	Root string
	// Out receives the report and the progress lines.
	Out io.Writer
	// Ship, when set, sends the staged, verified import on to another environment (a deployed
	// one: see ship.go).
	Ship *Ship
	// objects replaces wrangler as the R2 writer (tests).
	objects ObjectWriter
	// stop interrupts the copy when it answers true (tests).
	stop func(object string, done int64) bool
}

// WorkspacePlan is what the import does with one workspace.
type WorkspacePlan struct {
	Workspace Workspace
	Objects   []importschema.Object
	Tables    []TablePlan
	Skipped   []Skipped
	Bytes     int64
}

// Plan reads the source and answers, per workspace, what the import would do.
func Plan(ctx context.Context, src *Source) (Core, []WorkspacePlan, error) {
	core, err := src.ReadCore(ctx)
	if err != nil {
		return core, nil, err
	}
	var plans []WorkspacePlan
	for _, w := range core.Workspaces {
		objects, tables, skipped, err := src.ReadMetadata(ctx, w.ID)
		if err != nil {
			return core, nil, err
		}
		wp := WorkspacePlan{Workspace: w, Objects: objects, Skipped: skipped}
		if err := src.conn.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind = 'r'`, w.Schema).Scan(&wp.Bytes); err != nil {
			return core, nil, fmt.Errorf("size of %s: %w", w.Schema, err)
		}
		if wp.Bytes > MaxDatabaseBytes {
			return core, nil, fmt.Errorf("workspace %s (%s) holds %d bytes in PostgreSQL, more than one D1 database's %d: it does not fit one shard", w.ID, w.DisplayName, wp.Bytes, int64(MaxDatabaseBytes))
		}
		for _, o := range objects {
			p, err := src.planTable(ctx, w.ID, w.Schema, tables[o.NameSingular], o)
			if err != nil {
				return core, nil, err
			}
			wp.Tables = append(wp.Tables, p)
		}
		plans = append(plans, wp)
	}
	return core, plans, nil
}

// Report prints the plan: what would be imported and what cannot be, with reasons.
func Report(out io.Writer, core Core, plans []WorkspacePlan) {
	fmt.Fprintf(out, "core: %d workspaces, %d users, %d user-workspaces, %d roles, %d API keys\n",
		len(core.Workspaces), len(core.Users), len(core.Memberships), len(core.Roles), len(core.APIKeys))
	var objPerms, fieldPerms, flags int
	for _, wp := range plans {
		objPerms += len(core.ObjectPermissions[wp.Workspace.ID])
		fieldPerms += len(core.FieldPermissions[wp.Workspace.ID])
		flags += len(core.PermissionFlags[wp.Workspace.ID])
	}
	fmt.Fprintf(out, "roles' permissions: %d object permissions, %d field permissions, %d settings flags\n", objPerms, fieldPerms, flags)
	for _, wp := range plans {
		fmt.Fprintf(out, "workspace %s %q (schema %s, %d MB): %d objects\n", wp.Workspace.ID, wp.Workspace.DisplayName, wp.Workspace.Schema, wp.Bytes>>20, len(wp.Objects))
		for _, t := range wp.Tables {
			switch {
			case t.Absent:
				fmt.Fprintf(out, "  %-20s no table %s: nothing to copy\n", t.Object, t.Source.Sanitize())
			default:
				fmt.Fprintf(out, "  %-20s %8d rows, %d columns\n", t.Object, t.SourceRows, len(t.Columns))
			}
			if len(t.ExtraCols) > 0 {
				fmt.Fprintf(out, "  %-20s not imported: columns %v (no field describes them)\n", "", t.ExtraCols)
			}
			if len(t.MissingCols) > 0 && !t.Absent {
				fmt.Fprintf(out, "  %-20s defaulted: columns %v (absent from the source)\n", "", t.MissingCols)
			}
		}
		for _, s := range wp.Skipped {
			fmt.Fprintf(out, "  not imported: %s: %s\n", s.What, s.Reason)
		}
	}
}

// Run imports (or, with DryRun, only plans) the Twenty database into the local stack, then verifies.
func Run(ctx context.Context, o Options) (Results, error) {
	src, err := Connect(ctx, o.PG)
	if err != nil {
		return nil, err
	}
	defer src.Close(ctx)
	core, plans, err := Plan(ctx, src)
	if err != nil {
		return nil, err
	}
	Report(o.Out, core, plans)
	var files FileSource
	if o.Storage != "" {
		if files, err = OpenFileSource(ctx, o.Storage); err != nil {
			return nil, err
		}
		if s3, ok := files.(*S3Source); ok {
			fmt.Fprintf(o.Out, "storage %s: %d objects listed\n", s3, s3.Keys())
		}
		if err := reportFiles(ctx, src, plans, files, o.Out); err != nil {
			return nil, err
		}
	}
	if o.RESTBase != "" {
		res, err := VerifyREST(ctx, src, plans, o.RESTBase, o.RESTToken)
		if err != nil {
			return nil, err
		}
		res.Print(o.Out)
		if n := res.Failures(); n > 0 {
			return res, fmt.Errorf("REST verification failed: %d mismatches", n)
		}
		return res, nil
	}
	if o.DryRun {
		fmt.Fprintln(o.Out, "dry run: nothing written")
		return nil, nil
	}
	tgt, err := OpenLocal(o.State)
	if err != nil {
		return nil, err
	}
	defer tgt.Close()
	if !o.VerifyOnly {
		if err := write(ctx, src, tgt, core, plans, files, o); err != nil {
			return nil, err
		}
	}
	res, err := verify(ctx, src, tgt, plans, files)
	if err != nil {
		return nil, err
	}
	res.Print(o.Out)
	if n := res.Failures(); n > 0 {
		return res, fmt.Errorf("verification failed: %d mismatches", n)
	}
	if o.Ship != nil {
		ids := make([]string, len(plans))
		for i, wp := range plans {
			ids[i] = wp.Workspace.ID
		}
		objects := o.objects
		if objects == nil {
			objects = WranglerR2{Root: o.Root, Flags: o.Ship.Flags}
		}
		if err := ShipWorkspaces(ctx, tgt, ids, *o.Ship, files, objects); err != nil {
			return res, err
		}
		fmt.Fprintf(o.Out, "shipped %d workspaces with wrangler %v (SQL files in %s)\n", len(ids), o.Ship.Flags, o.Ship.Dir)
	}
	return res, nil
}

// write creates each workspace's tables (once: the schema stamp tells), writes its control rows
// and copies its tables with a progress line per table.
func write(ctx context.Context, src *Source, tgt *Target, core Core, plans []WorkspacePlan, files FileSource, o Options) error {
	if err := ensureCheckpoints(ctx, tgt.Shard); err != nil {
		return err
	}
	for _, wp := range plans {
		w := wp.Workspace
		stamp, err := importschema.StampTable(w.ID)
		if err != nil {
			return err
		}
		var n int
		if err := tgt.Shard.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, stamp).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			ddl, err := importschema.CreateTables(w.ID, 1, wp.Objects)
			if err != nil {
				return err
			}
			stmts := make([]stmt, len(ddl))
			for i, s := range ddl {
				stmts[i] = stmt{s.SQL, s.Args}
			}
			if err := execTx(ctx, tgt.Shard, stmts); err != nil {
				return fmt.Errorf("create the tables of %s: %w", w.ID, err)
			}
		}
		control, skipped, err := controlStatements(ctx, src, core, w, wp.Objects)
		if err != nil {
			return err
		}
		for _, s := range skipped {
			fmt.Fprintf(o.Out, "  not imported: %s: %s\n", s.What, s.Reason)
		}
		if err := execTx(ctx, tgt.Control, control); err != nil {
			return fmt.Errorf("write the control rows of %s: %w", w.ID, err)
		}
		for _, t := range wp.Tables {
			if t.Absent {
				continue
			}
			start := time.Now()
			last := start
			var first int64 = -1
			report := func(done int64, final bool) {
				if first < 0 {
					first = done
					if done == 0 {
						return // nothing to say before the first batch of a fresh copy
					}
				}
				if !final && time.Since(last) < time.Second {
					return
				}
				last = time.Now()
				el := time.Since(start).Seconds()
				rate := float64(done-first) / max(el, 1e-3)
				eta := "-"
				if rate > 0 && done < t.SourceRows {
					eta = (time.Duration(float64(t.SourceRows-done)/rate) * time.Second).Round(time.Second).String()
				}
				if final && done == first {
					fmt.Fprintf(o.Out, "  copy %-20s %8d/%-8d rows (copied by an earlier run)\n", t.Object, done, t.SourceRows)
					return
				}
				fmt.Fprintf(o.Out, "  copy %-20s %8d/%-8d rows %9.0f rows/s  ETA %s\n", t.Object, done, t.SourceRows, rate, eta)
			}
			total, err := copyTable(ctx, src, tgt.Shard, t, func(done int64) { report(done, false) }, o.stop)
			if err != nil {
				return err
			}
			report(total, true)
		}
		if files != nil {
			objects := o.objects
			if objects == nil {
				objects = WranglerR2{Root: o.Root, State: o.State}
			}
			skipped, err := importFiles(ctx, src, tgt, w, files, objects, o.Out)
			if err != nil {
				return err
			}
			for _, s := range skipped {
				fmt.Fprintf(o.Out, "  not imported: %s: %s\n", s.What, s.Reason)
			}
		}
	}
	return nil
}

// reportFiles says, per workspace, how many files would go into R2 and which cannot, and why.
func reportFiles(ctx context.Context, src *Source, plans []WorkspacePlan, storage FileSource, out io.Writer) error {
	for _, wp := range plans {
		files, ok, err := src.Files(ctx, wp.Workspace.ID)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(out, "workspace %s: no core.file table: no files to import\n", wp.Workspace.ID)
			continue
		}
		var n, bytes int64
		for _, f := range files {
			switch _, err := storage.Locate(ctx, wp.Workspace.ID, f.Path); {
			case f.DeletedAt != nil || f.Status != "UPLOADED":
				fmt.Fprintf(out, "  not imported: file %s: soft-deleted or never uploaded in Twenty\n", f.Path)
			case err != nil:
				fmt.Fprintf(out, "  not imported: file %s: %v\n", f.Path, err)
			default:
				n, bytes = n+1, bytes+f.Size
			}
		}
		fmt.Fprintf(out, "workspace %s: %d files (%d bytes) into R2 bucket %s\n", wp.Workspace.ID, n, bytes, FilesBucket)
	}
	return nil
}
