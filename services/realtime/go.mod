module github.com/twentyworkers/twenty/services/realtime

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared
