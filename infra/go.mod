module github.com/twentyworkers/twenty/infra

go 1.26.8

replace (
	github.com/twentyworkers/twenty/migrations => ../migrations
	github.com/twentyworkers/twenty/shared => ../shared
)

require (
	connectrpc.com/connect v1.21.1 // indirect
	github.com/coder/websocket v1.8.14 // indirect
	github.com/google/go-cmp v0.7.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
