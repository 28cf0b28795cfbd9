module github.com/twentyworkers/twenty/services/records

go 1.26.8

replace github.com/twentyworkers/twenty/shared => ../../shared
