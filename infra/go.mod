module github.com/twentyworkers/twenty/infra

go 1.26.8

replace (
	github.com/twentyworkers/twenty/migrations => ../migrations
	github.com/twentyworkers/twenty/services/records => ../services/records
	github.com/twentyworkers/twenty/shared => ../shared
)

require (
	github.com/coder/websocket v1.8.15
	github.com/google/go-cmp v0.7.0
	github.com/jackc/pgx/v5 v5.13.0
	github.com/ncruces/go-sqlite3 v0.35.3
	github.com/twentyworkers/twenty/migrations v0.0.0
	github.com/twentyworkers/twenty/services/records v0.0.0-00010101000000-000000000000
	golang.org/x/crypto v0.54.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/ncruces/go-sqlite3-wasm/v3 v3.2.35304 // indirect
	github.com/ncruces/julianday v1.0.0 // indirect
	github.com/syumai/workers v0.33.0 // indirect
	github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
