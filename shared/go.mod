module github.com/twentyworkers/twenty/shared

go 1.26.8

require (
	github.com/agnivade/levenshtein v1.2.1 // indirect
	github.com/ncruces/go-sqlite3-wasm/v3 v3.2.35304 // indirect
	github.com/ncruces/julianday v1.0.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)

tool (
	connectrpc.com/connect/cmd/protoc-gen-connect-go
	google.golang.org/protobuf/cmd/protoc-gen-go
)

require (
	connectrpc.com/connect v1.21.1
	github.com/golang-jwt/jwt/v5 v5.3.1
	github.com/google/go-cmp v0.7.0
	github.com/ncruces/go-sqlite3 v0.35.3
	github.com/syumai/workers v0.33.0
	github.com/twentyworkers/twenty/migrations v0.0.0
	github.com/vektah/gqlparser/v2 v2.5.36
	google.golang.org/protobuf v1.36.11
)

replace github.com/twentyworkers/twenty/migrations => ../migrations
