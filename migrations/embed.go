// Package migrations holds the control database's schema as numbered SQL files in wrangler's D1
// migrations format. Wrangler applies them to D1; FS lets native tests apply the same files to SQLite.
package migrations

import "embed"

// FS holds every migration, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
