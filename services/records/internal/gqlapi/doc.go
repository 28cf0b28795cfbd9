// Package gqlapi is Twenty's workspace GraphQL data API (/graphql): the schema generated from a
// workspace's object metadata and the resolvers that run its operations on the records engine.
//
// # Schema
//
// [SDL] writes the schema with Twenty's names (workspace-schema-builder in
// packages/twenty-server/src/engine/api/graphql/): per object a type {Singular} (scalar fields,
// composite fields as FullName, Emails, …, SELECT and MULTI_SELECT fields as enums named
// {Singular}{Field}Enum, MANY_TO_ONE relations as the related type plus their join column, ONE_TO_MANY
// relations as a {Target}Connection taking filter, orderBy and paging arguments), {Singular}Edge,
// {Singular}Connection (with Twenty's aggregate fields: totalCount, countEmptyX, percentageEmptyX,
// minX/maxX/avgX/sumX, …), {Singular}FilterInput, {Singular}OrderByInput, {Singular}CreateInput
// and {Singular}UpdateInput, and for group-bys {Singular}GroupByInput,
// {Singular}OrderByWithGroupByInput and {Singular}GroupByConnection; and the root fields people,
// person, personDuplicates, peopleGroupBy, createPerson(s), updatePerson/People,
// deletePerson/People, destroyPerson/People, restorePerson/People and mergePeople. The output is
// deterministic (objects by name, fields in metadata order).
//
// # Execution
//
// [New] binds the schema to resolvers, which convert GraphQL arguments into the engine's input
// (filters into the recordquery.Filter tree REST also builds, orderBy into recordquery.Order,
// first/last/before/after into a page size and cursors, data into the JSON objects REST takes)
// and call the engine. A resolver plans its SQL from the selection: only the selected fields are
// read; a MANY_TO_ONE relation selected at the root comes from the engine's depth-1 join in the
// same statement, deeper ones from one query for all the parents of a level; a ONE_TO_MANY
// relation costs one query per relation field and level for all the parents (join column IN the
// parents' ids), grouped in Go and capped at QUERY_MAX_RECORDS_FROM_RELATION per parent. So the
// number of SQL round trips depends on the query's shape, never on the number of records.
//
// A connection's aggregate fields are computed by the statement that counts its records, in the
// page's round trip; on a ONE_TO_MANY relation, by one group-by on the join column for all the
// parents. peopleGroupBy runs the engine's group-by (groups and their records in one round trip).
//
// # Complexity
//
// Every root field checks Twenty's query complexity first (complexity.go): a ONE_TO_MANY
// relation selected below another is refused, and the complexity (1 plus the relations selected;
// for a group-by with records, 1 plus the group limit times that) must be at most
// COMMON_QUERY_COMPLEXITY_LIMIT, 2000.
//
// # Errors
//
// Input the engine or the resolvers reject (*engine.QueryError) reaches the client as Twenty's
// GraphQL error: extensions.code BAD_USER_INPUT (NOT_FOUND for a missing record) and the
// engine's code as extensions.subCode, mapped in one place (errors.go). Other errors are the
// server's: the executor answers them as "Internal server error".
package gqlapi
