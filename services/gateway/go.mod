module github.com/twentyworkers/twenty/services/gateway

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared

require (
	connectrpc.com/connect v1.21.1
	github.com/google/go-cmp v0.7.0
	github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000
	github.com/vektah/gqlparser/v2 v2.5.36
	google.golang.org/protobuf v1.36.11
)

require (
	github.com/agnivade/levenshtein v1.2.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/syumai/workers v0.33.0 // indirect
)

replace github.com/twentyworkers/twenty/migrations => ../../migrations
