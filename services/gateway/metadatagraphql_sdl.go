package main

// metadataSDL is the part of Twenty's metadata schema on objects and fields, with Twenty's type,
// field and argument names (object-metadata.dto.ts, field-metadata.dto.ts, relation.dto.ts, the
// create/update/delete inputs and the pagination DTOs). It extends authSDL's Query and Mutation and
// uses its DateTime and UUID scalars. Field.objectMetadataId is the DTO's, which Twenty's REST
// answers show; totalCount is the count nestjs-query's connections had.
const metadataSDL = `
scalar JSON
scalar ConnectionCursor

enum FieldMetadataType {
  ACTOR ADDRESS ARRAY BOOLEAN CURRENCY DATE DATE_TIME EMAILS FILES FULL_NAME LINKS MORPH_RELATION
  MULTI_SELECT NUMBER NUMERIC PHONES POSITION RATING RAW_JSON RELATION RICH_TEXT RICH_TEXT_V2 SELECT
  TEXT TS_VECTOR UUID
}
enum RelationType { MANY_TO_ONE ONE_TO_MANY }

type PageInfo {
  hasNextPage: Boolean
  hasPreviousPage: Boolean
  startCursor: ConnectionCursor
  endCursor: ConnectionCursor
}

type Object {
  id: UUID!
  nameSingular: String!
  namePlural: String!
  labelSingular: String!
  labelPlural: String!
  description: String
  icon: String
  shortcut: String
  isCustom: Boolean!
  isRemote: Boolean!
  isActive: Boolean!
  isSystem: Boolean!
  isSearchable: Boolean!
  isLabelSyncedWithName: Boolean!
  labelIdentifierFieldMetadataId: UUID
  imageIdentifierFieldMetadataId: UUID
  duplicateCriteria: [[String!]!]
  createdAt: DateTime!
  updatedAt: DateTime!
  fields(paging: CursorPaging! = {first: 10}, filter: FieldFilter! = {}): ObjectFieldsConnection!
  fieldsList: [Field!]!
}

type Field {
  id: UUID!
  type: FieldMetadataType!
  name: String!
  label: String!
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
  objectMetadataId: UUID!
  createdAt: DateTime!
  updatedAt: DateTime!
  relation: Relation
  morphRelations: [Relation!]
  object: Object
}

type Relation {
  type: RelationType!
  sourceObjectMetadata: Object!
  targetObjectMetadata: Object!
  sourceFieldMetadata: Field!
  targetFieldMetadata: Field!
}

type ObjectEdge { node: Object! cursor: ConnectionCursor! }
type ObjectConnection { pageInfo: PageInfo! edges: [ObjectEdge!]! totalCount: Int! }
type FieldEdge { node: Field! cursor: ConnectionCursor! }
type FieldConnection { pageInfo: PageInfo! edges: [FieldEdge!]! totalCount: Int! }
type ObjectFieldsConnection { pageInfo: PageInfo! edges: [FieldEdge!]! totalCount: Int! }

input CursorPaging { before: ConnectionCursor after: ConnectionCursor first: Int last: Int }
input UUIDFilterComparison {
  eq: UUID neq: UUID gt: UUID gte: UUID lt: UUID lte: UUID
  like: UUID notLike: UUID iLike: UUID notILike: UUID in: [UUID!] notIn: [UUID!]
}
input BooleanFieldComparison { is: Boolean isNot: Boolean }
input ObjectFilter {
  and: [ObjectFilter!]
  or: [ObjectFilter!]
  id: UUIDFilterComparison
  isActive: BooleanFieldComparison
  isCustom: BooleanFieldComparison
  isRemote: BooleanFieldComparison
  isSearchable: BooleanFieldComparison
  isSystem: BooleanFieldComparison
}
input FieldFilter {
  and: [FieldFilter!]
  or: [FieldFilter!]
  id: UUIDFilterComparison
  isActive: BooleanFieldComparison
  isCustom: BooleanFieldComparison
  isSystem: BooleanFieldComparison
  objectMetadataId: UUIDFilterComparison
}

input CreateObjectInput {
  nameSingular: String!
  namePlural: String!
  labelSingular: String!
  labelPlural: String!
  description: String
  icon: String
  shortcut: String
  isRemote: Boolean
  isLabelSyncedWithName: Boolean
}
input CreateOneObjectInput { object: CreateObjectInput! }
input UpdateObjectPayload {
  labelSingular: String
  labelPlural: String
  nameSingular: String
  namePlural: String
  description: String
  icon: String
  shortcut: String
  isActive: Boolean
  labelIdentifierFieldMetadataId: UUID
  imageIdentifierFieldMetadataId: UUID
  isLabelSyncedWithName: Boolean
}
input UpdateOneObjectInput { update: UpdateObjectPayload! id: UUID! }
input DeleteOneObjectInput { id: UUID! }

input CreateFieldInput {
  type: FieldMetadataType!
  name: String!
  label: String!
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
  objectMetadataId: String!
  isRemoteCreation: Boolean
  relationCreationPayload: JSON
  morphRelationsCreationPayload: [JSON!]
}
input CreateOneFieldMetadataInput { field: CreateFieldInput! }
input UpdateFieldInput {
  name: String
  label: String
  description: String
  icon: String
  isCustom: Boolean
  isActive: Boolean
  isSystem: Boolean
  isNullable: Boolean
  isUnique: Boolean
  defaultValue: JSON
  options: JSON
  settings: JSON
  isLabelSyncedWithName: Boolean
}
input UpdateOneFieldMetadataInput { id: UUID! update: UpdateFieldInput! }
input DeleteOneFieldInput { id: UUID! }

extend type Query {
  objects(paging: CursorPaging! = {first: 10}, filter: ObjectFilter! = {}): ObjectConnection!
  object(id: UUID!): Object!
  fields(paging: CursorPaging! = {first: 10}, filter: FieldFilter! = {}): FieldConnection!
  field(id: UUID!): Field!
}

extend type Mutation {
  createOneObject(input: CreateOneObjectInput!): Object!
  updateOneObject(input: UpdateOneObjectInput!): Object!
  deleteOneObject(input: DeleteOneObjectInput!): Object!
  createOneField(input: CreateOneFieldMetadataInput!): Field!
  updateOneField(input: UpdateOneFieldMetadataInput!): Field!
  deleteOneField(input: DeleteOneFieldInput!): Field!
}
`
