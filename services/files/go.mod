module github.com/twentyworkers/twenty/services/files

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared

replace github.com/twentyworkers/twenty/migrations => ../../migrations

require github.com/twentyworkers/twenty/shared v0.0.0-00010101000000-000000000000

require (
	connectrpc.com/connect v1.21.1 // indirect
	github.com/syumai/workers v0.33.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
