module github.com/twentyworkers/twenty/services/files

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared

replace github.com/twentyworkers/twenty/migrations => ../../migrations

require (
	connectrpc.com/connect v1.21.1
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/syumai/workers v0.33.0
	github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000
)

require (
	github.com/ncruces/go-sqlite3 v0.35.3 // indirect
	github.com/ncruces/go-sqlite3-wasm/v3 v3.2.35304 // indirect
	github.com/ncruces/julianday v1.0.0 // indirect
	github.com/twentyworkers/twenty/migrations v0.0.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
