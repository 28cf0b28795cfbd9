// Command importer moves a running Twenty installation's PostgreSQL onto the local stack's D1
// databases and verifies it: make import PG=postgres://… [STATE=.state]. See the README's Import
// section. Stop the local stack first (make dev holds the database files).
//
//	importer -pg URL -state DIR [-storage DIR|s3://BUCKET[/PREFIX]] [-dry-run] [-verify-only]
//	importer -pg URL -rest-base http://127.0.0.1:8787 -rest-token TOKEN   (against the running stack)
//	importer -seed-fixture -pg ADMIN_URL -fixture-db NAME   (a seeded Twenty database to try it on)
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"

	"github.com/twentyworkers/twenty/infra/importer/pgfixture"
	"github.com/twentyworkers/twenty/infra/importer/twentyimport"
)

func main() {
	pg := flag.String("pg", os.Getenv("PG"), "the Twenty PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/twenty")
	state := flag.String("state", ".state", "the local stack's state folder (make dev's STATE)")
	target := flag.String("target", "local", "where to import: local, or remote (staged and verified in -state, then shipped with wrangler --remote: set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID)")
	shipLocal := flag.String("ship-local", "", "stage in -state, then ship as to a deployed environment but into this (migrated) local state folder: to try -target remote")
	storage := flag.String("storage", "", "Twenty's local storage folder (STORAGE_LOCAL_PATH), or s3://bucket[/prefix] for its S3 bucket (STORAGE_S3_ENDPOINT, _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY from the environment): its files go into R2")
	root := flag.String("root", "..", "the repository root (wrangler and the Workers' configs, for R2)")
	restBase := flag.String("rest-base", "", "compare the REST answers of the stack running here (e.g. http://127.0.0.1:8787) with the source, nothing else")
	restToken := flag.String("rest-token", os.Getenv("TWENTY_TOKEN"), "with -rest-base: an access token or API key of an imported workspace")
	dry := flag.Bool("dry-run", false, "report what would be imported and what cannot be, write nothing")
	verifyOnly := flag.Bool("verify-only", false, "only verify an earlier import")
	seed := flag.Bool("seed-fixture", false, "create a seeded Twenty database named -fixture-db on the server of -pg, then exit")
	fixtureDB := flag.String("fixture-db", "twenty_fixture", "the database -seed-fixture creates")
	fixtureStorage := flag.String("fixture-storage", "", "with -seed-fixture: a local storage folder to write the seeded files into")
	people := flag.Int("fixture-people", 10000, "people in the seeded workspace")
	flag.Parse()
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *pg == "" {
		fmt.Fprintln(os.Stderr, "usage: importer -pg postgres://… [-state DIR] [-dry-run] [-verify-only]")
		os.Exit(2)
	}
	if *seed {
		url, f, err := pgfixture.Build(ctx, *pg, *fixtureDB, pgfixture.Sizes{People: *people, Companies: *people / 5, Opportunities: *people / 10, Notes: *people / 20, Rockets: 50,
			Storage: *fixtureStorage, Files: 4})
		if err != nil {
			logger.Error("seed fixture", "err", err)
			os.Exit(1)
		}
		fmt.Printf("seeded %s: workspace %s, user %s / %s\n", url, f.WorkspaceID, f.Email, f.Password)
		return
	}
	var ship *twentyimport.Ship
	switch {
	case *target == "remote" || *shipLocal != "":
		dir, err := os.MkdirTemp("", "twenty-import-ship-")
		if err != nil {
			logger.Error("ship folder", "err", err)
			os.Exit(1)
		}
		ship = &twentyimport.Ship{Root: *root, Dir: dir, Flags: []string{"--remote"}}
		if *shipLocal != "" {
			ship.Flags = []string{"--local", "--persist-to", *shipLocal}
		}
	case *target != "local":
		logger.Error("unsupported target", "target", *target, "supported", "local, remote")
		os.Exit(2)
	}
	_, err := twentyimport.Run(ctx, twentyimport.Options{PG: *pg, State: *state, Storage: *storage, Root: *root, Ship: ship,
		DryRun: *dry, VerifyOnly: *verifyOnly, RESTBase: *restBase, RESTToken: *restToken, Out: os.Stdout})
	if err != nil {
		logger.Error("import", "err", err)
		os.Exit(1)
	}
}
