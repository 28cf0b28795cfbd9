// Package eventsub reads the GraphQL subscriptions of Twenty's event streams: the types of the
// newest client's /metadata schema (twenty-client-sdk: EventSubscription, ObjectRecordEvent,
// MetadataEvent, OnDbEvent, …) and Parse, which validates a subscription document against them
// and answers what a workspace's room needs to open the stream. The gateway reads graphql-sse
// subscriptions with it, the realtime Worker graphql-ws ones: one reading of both.
package eventsub

import (
	"encoding/json"
	"fmt"

	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// SDL declares the event streams' types, Mutation fields and Subscription type. It extends a
// schema's Mutation and uses the JSON, DateTime and UUID scalars, which it does not declare.
const SDL = `
"Database Event Action"
enum DatabaseEventAction { CREATED UPDATED DELETED DESTROYED RESTORED UPSERTED }

"Metadata Event Action"
enum MetadataEventAction { CREATED UPDATED DELETED }

"Job state in the queue"
enum JobState { COMPLETED FAILED ACTIVE WAITING DELAYED PRIORITIZED WAITING_CHILDREN }

type ObjectRecordEventProperties {
  updatedFields: [String!]
  before: JSON
  after: JSON
  diff: JSON
}

type ObjectRecordEvent {
  action: DatabaseEventAction!
  objectNameSingular: String!
  recordId: String!
  userId: String
  workspaceMemberId: String
  properties: ObjectRecordEventProperties!
}

type ObjectRecordEventWithQueryIds {
  queryIds: [String!]!
  objectRecordEvent: ObjectRecordEvent!
}

type MetadataEvent {
  type: MetadataEventAction!
  metadataName: String!
  recordId: String!
  properties: ObjectRecordEventProperties!
  updatedCollectionHash: String
}

type JobStatus {
  jobId: String!
  state: JobState!
  attemptsMade: Int!
  failedReason: String
  enqueuedAt: Float!
  startedAt: Float
  finishedAt: Float
}

type EventSubscription {
  eventStreamId: String!
  objectRecordEventsWithQueryIds: [ObjectRecordEventWithQueryIds!]!
  metadataEvents: [MetadataEvent!]!
  queueJobEvents: [JobStatus!]!
}

input AddQuerySubscriptionInput {
  eventStreamId: String!
  queryId: String!
  operationSignature: JSON!
}

input RemoveQueryFromEventStreamInput {
  eventStreamId: String!
  queryId: String!
}

type OnDbEvent {
  action: DatabaseEventAction!
  objectNameSingular: String!
  eventDate: DateTime!
  record: JSON!
  updatedFields: [String!]
}

input OnDbEventInput {
  action: DatabaseEventAction
  objectNameSingular: String
  recordId: UUID
}

extend type Mutation {
  addQueryToEventStream(input: AddQuerySubscriptionInput!): Boolean!
  removeQueryFromEventStream(input: RemoveQueryFromEventStreamInput!): Boolean!
}

type Subscription {
  onEventSubscription(eventStreamId: String!): EventSubscription
  onDbEvent(input: OnDbEventInput!): OnDbEvent!
}
`

// schema validates subscription documents: SDL on the scalars it uses. Query and Mutation are
// placeholders; only subscriptions are read here.
var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "subscriptions", Input: `
scalar JSON
scalar DateTime
scalar UUID
type Query { ok: Boolean }
type Mutation { ok: Boolean }
` + SDL})

// Subscription is a subscription operation as a room opens it.
type Subscription struct {
	// EventStreamID is onEventSubscription's eventStreamId; a generated "db-…" id for onDbEvent,
	// whose streams are one per operation.
	EventStreamID string `json:"eventStreamId"`
	// ResponseKey is the subscription field's response key (its alias, else its name).
	ResponseKey string `json:"responseKey"`
	// DBEvent is the legacy onDbEvent's input (action, objectNameSingular, recordId), set for
	// that subscription only.
	DBEvent map[string]any `json:"dbEvent,omitempty"`
	// Selection is the field's selection set as a room projects its payloads (see Selection).
	Selection Selection `json:"selection"`
}

// Selection is a selection set resolved for projection: each response key maps to the field it
// reads and that field's own selection (nil for a leaf). A "__typename" field reads as
// "__typename:<Type>", the name it answers. Fragments are flattened: every type here is an object
// type, so every fragment applies.
type Selection map[string]SelectedField

// SelectedField is one entry of a Selection, encoded as [name, selection].
type SelectedField struct {
	Name string
	Sub  Selection
}

// MarshalJSON encodes f as [name, selection or null].
func (f SelectedField) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{f.Name, f.Sub})
}

// UnmarshalJSON decodes [name, selection or null].
func (f *SelectedField) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil || len(pair) != 2 {
		return fmt.Errorf("eventsub: a selected field is [name, selection]: %s", b)
	}
	if err := json.Unmarshal(pair[0], &f.Name); err != nil {
		return err
	}
	return json.Unmarshal(pair[1], &f.Sub)
}

// selectionOf resolves set, the selection of a field of type typ.
func selectionOf(set ast.SelectionSet, typ string) Selection {
	if len(set) == 0 {
		return nil
	}
	out := Selection{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if s.Name == "__typename" {
					out[s.Alias] = SelectedField{Name: "__typename:" + typ}
					continue
				}
				var sub Selection
				if s.Definition != nil && len(s.SelectionSet) > 0 {
					sub = selectionOf(s.SelectionSet, s.Definition.Type.Name())
				}
				if prev, ok := out[s.Alias]; ok && prev.Sub != nil && sub != nil {
					for k, v := range sub { // the same key selected twice merges its selections
						prev.Sub[k] = v
					}
					continue
				}
				out[s.Alias] = SelectedField{Name: s.Name, Sub: sub}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
	return out
}

// MaxStreamIDLength bounds an eventStreamId.
const MaxStreamIDLength = 128

// Parse reads a subscription request. Its errors carry Twenty's GraphQL codes.
func Parse(req graphql.Request) (*Subscription, *graphql.Error) {
	if req.Query == "" {
		return nil, graphql.NewError(graphql.CodeBadRequest, "GraphQL operations must contain a non-empty `query`.")
	}
	if len(req.Query) > graphql.DefaultMaxDocumentBytes {
		return nil, graphql.NewError(graphql.CodeValidationFailed, fmt.Sprintf("The document is %d bytes long, more than the maximum of %d.", len(req.Query), graphql.DefaultMaxDocumentBytes))
	}
	doc, perr := graphql.ParseQuery(req.Query, graphql.DefaultMaxTokens)
	if perr != nil {
		return nil, perr
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return nil, graphql.NewError(graphql.CodeValidationFailed, errs[0].Message)
	}
	var op *ast.OperationDefinition
	if req.OperationName != "" {
		op = doc.Operations.ForName(req.OperationName)
	} else if len(doc.Operations) == 1 {
		op = doc.Operations[0]
	}
	if op == nil {
		return nil, graphql.NewError(graphql.CodeOperationResolutionFailure, "Must provide operation name if query contains multiple operations.")
	}
	if op.Operation != ast.Subscription {
		return nil, graphql.NewError(graphql.CodeBadRequest, "Only subscriptions are served as an event stream; send queries and mutations as JSON.")
	}
	vars, verr := validator.VariableValues(schema, op, req.Variables)
	if verr != nil {
		return nil, graphql.NewError(graphql.CodeBadUserInput, verr.Error())
	}
	field, ok := op.SelectionSet[0].(*ast.Field)
	if !ok || len(op.SelectionSet) != 1 {
		return nil, graphql.NewError(graphql.CodeValidationFailed, "A subscription selects exactly one field.")
	}
	args := field.ArgumentMap(vars)
	sub := &Subscription{ResponseKey: field.Alias}
	if field.Definition != nil {
		sub.Selection = selectionOf(field.SelectionSet, field.Definition.Type.Name())
	}
	switch field.Name {
	case "onEventSubscription":
		id, _ := args["eventStreamId"].(string)
		if id == "" || len(id) > MaxStreamIDLength {
			return nil, graphql.NewError(graphql.CodeBadUserInput, fmt.Sprintf("eventStreamId must be a non-empty string of at most %d characters", MaxStreamIDLength))
		}
		sub.EventStreamID = id
	case "onDbEvent":
		in, _ := args["input"].(map[string]any)
		sub.DBEvent = map[string]any{}
		for _, k := range []string{"action", "objectNameSingular", "recordId"} {
			if v, ok := in[k].(string); ok {
				sub.DBEvent[k] = v
			}
		}
		sub.EventStreamID = "db-" + ids.NewUUID()
	default:
		return nil, graphql.NewError(graphql.CodeValidationFailed, fmt.Sprintf("Unknown subscription %q.", field.Name))
	}
	return sub, nil
}
