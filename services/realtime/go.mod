module github.com/twentyworkers/twenty/services/realtime

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared

require (
	connectrpc.com/connect v1.21.1
	github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000
)

require google.golang.org/protobuf v1.36.11 // indirect

replace github.com/twentyworkers/twenty/migrations => ../../migrations
