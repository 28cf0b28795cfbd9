module github.com/twentyworkers/twenty/services/realtime

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared

require (
	connectrpc.com/connect v1.21.1
	github.com/google/go-cmp v0.7.0
	github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000
)

require (
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)

replace github.com/twentyworkers/twenty/migrations => ../../migrations
