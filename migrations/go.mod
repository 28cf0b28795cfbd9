module github.com/twentyworkers/twenty/migrations

go 1.26.8
