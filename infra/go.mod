module github.com/twentyworkers/twenty/infra

go 1.26.8

replace (
	github.com/twentyworkers/twenty/migrations => ../migrations
	github.com/twentyworkers/twenty/shared => ../shared
)

require (
	github.com/coder/websocket v1.8.15
	github.com/google/go-cmp v0.7.0
)
