package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/ids"
	wg "github.com/twentyworkers/twenty/shared/workflowgraph"
)

// This file serves Twenty's workflow builder: the resolvers of its WorkflowVersionStepResolver
// (create, update, delete and duplicate a step), WorkflowVersionEdgeResolver (create and delete
// an edge), WorkflowVersionResolver (createDraftFromWorkflowVersion, duplicateWorkflow,
// updateWorkflowVersionPositions) and WorkflowBuilderResolver (computeStepOutputSchema). Like
// workflowgraphql.go's they are on /graphql beside the workspace's data, and need a user (an
// access token, not an API key) whose role has the WORKFLOWS settings permission.
//
// A workflow version is a record (workflowVersion: trigger, steps, status); the graph edits are
// shared/workflowgraph's pure functions. Each edit of a version is one records update,
// conditional on the version's updatedAt being the one read: an edit made meanwhile (another
// tab of the editor) makes the update select nothing, and the edit is done again on the new
// version, so none is lost.

// workflowBuilderSDL extends authSDL's Mutation and uses the UUID and JSON scalars.
const workflowBuilderSDL = `
enum WorkflowActionType { CODE SEND_EMAIL CREATE_RECORD UPDATE_RECORD DELETE_RECORD UPSERT_RECORD FIND_RECORDS FORM FILTER IF_ELSE HTTP_REQUEST AI_AGENT ITERATOR EMPTY DELAY }

type WorkflowStepPosition {
  x: Float!
  y: Float!
}

type WorkflowAction {
  id: UUID!
  name: String!
  type: WorkflowActionType!
  settings: JSON!
  valid: Boolean!
  nextStepIds: [UUID!]
  position: WorkflowStepPosition
}

type WorkflowVersionStepChanges {
  triggerDiff: JSON
  stepsDiff: JSON
}

type WorkflowVersionDTO {
  id: UUID!
  name: String!
  createdAt: String!
  updatedAt: String!
  workflowId: UUID!
  status: String!
  trigger: JSON
  steps: JSON
}

input WorkflowStepPositionInput {
  x: Float!
  y: Float!
}

input CreateWorkflowVersionStepInput {
  "Workflow version ID"
  workflowVersionId: UUID!
  "New step type"
  stepType: String!
  "Parent step ID"
  parentStepId: String
  "Parent step connection options"
  parentStepConnectionOptions: JSON
  "Next step ID"
  nextStepId: UUID
  "Step position"
  position: WorkflowStepPositionInput
  "Step ID"
  id: String
}

input UpdateWorkflowVersionStepInput {
  "Workflow version ID"
  workflowVersionId: String!
  "Step to update in JSON format"
  step: JSON!
}

input DeleteWorkflowVersionStepInput {
  "Workflow version ID"
  workflowVersionId: String!
  "Step to delete ID"
  stepId: String!
}

input DuplicateWorkflowVersionStepInput {
  workflowVersionId: String!
  stepId: String!
}

input CreateWorkflowVersionEdgeInput {
  "Workflow version ID"
  workflowVersionId: String!
  "Workflow version source step ID"
  source: String!
  "Workflow version target step ID"
  target: String!
  "Workflow version source step connection options"
  sourceConnectionOptions: JSON
}

input CreateDraftFromWorkflowVersionInput {
  "Workflow ID"
  workflowId: UUID!
  "Workflow version ID"
  workflowVersionIdToCopy: UUID!
}

input DuplicateWorkflowInput {
  workflowIdToDuplicate: UUID!
  workflowVersionIdToCopy: UUID!
}

input WorkflowStepPositionUpdateInput {
  "Step or trigger ID"
  id: String!
  "Position of the step or trigger"
  position: WorkflowStepPositionInput!
}

input UpdateWorkflowVersionPositionsInput {
  "Workflow version ID"
  workflowVersionId: UUID!
  "Workflow version updated positions"
  positions: [WorkflowStepPositionUpdateInput!]!
}

input ComputeStepOutputSchemaInput {
  "Step JSON format"
  step: JSON!
  "Workflow version ID"
  workflowVersionId: UUID
}

extend type Mutation {
  createWorkflowVersionStep(input: CreateWorkflowVersionStepInput!): WorkflowVersionStepChanges!
  updateWorkflowVersionStep(input: UpdateWorkflowVersionStepInput!): WorkflowAction!
  deleteWorkflowVersionStep(input: DeleteWorkflowVersionStepInput!): WorkflowVersionStepChanges!
  duplicateWorkflowVersionStep(input: DuplicateWorkflowVersionStepInput!): WorkflowVersionStepChanges!
  createWorkflowVersionEdge(input: CreateWorkflowVersionEdgeInput!): WorkflowVersionStepChanges!
  deleteWorkflowVersionEdge(input: CreateWorkflowVersionEdgeInput!): WorkflowVersionStepChanges!
  createDraftFromWorkflowVersion(input: CreateDraftFromWorkflowVersionInput!): WorkflowVersionDTO!
  duplicateWorkflow(input: DuplicateWorkflowInput!): WorkflowVersionDTO!
  updateWorkflowVersionPositions(input: UpdateWorkflowVersionPositionsInput!): Boolean!
  computeStepOutputSchema(input: ComputeStepOutputSchemaInput!): JSON!
}
`

// builderVersion is a workflowVersion record as the builder reads it.
type builderVersion struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	CreatedAt  string    `json:"createdAt"`
	UpdatedAt  string    `json:"updatedAt"`
	WorkflowID string    `json:"workflowId"`
	Status     string    `json:"status"`
	Trigger    wg.Step   `json:"trigger"`
	Steps      []wg.Step `json:"steps"`
}

// dto is the version as Twenty's WorkflowVersionDTO.
func (v *builderVersion) dto() map[string]any {
	var steps any
	if v.Steps != nil {
		steps = v.Steps
	}
	var trigger any
	if v.Trigger != nil {
		trigger = v.Trigger
	}
	return map[string]any{"id": v.ID, "name": v.Name, "createdAt": v.CreatedAt, "updatedAt": v.UpdatedAt,
		"workflowId": v.WorkflowID, "status": v.Status, "trigger": trigger, "steps": steps}
}

// errBuilder are the builder's refusals with Twenty's messages.
var (
	errVersionNotDraft  = graphql.NewError(graphql.CodeForbidden, "Workflow version is not in draft status")
	errBuilderNotFound  = graphql.NewError(graphql.CodeNotFound, "WorkflowVersion not found")
	errBuilderConflict  = graphql.NewError(graphql.CodeConflict, "The workflow version was edited at the same time; retry")
	errCopyNotFound     = graphql.NewError(graphql.CodeNotFound, "WorkflowVersion to copy not found")
	errNoTrigger        = graphql.NewError(graphql.CodeBadUserInput, "Workflow version does not contain trigger")
	errNoSteps          = graphql.NewError(graphql.CodeBadUserInput, "Workflow version does not contain at least one step")
	errSourceWfNotFound = graphql.NewError(graphql.CodeNotFound, "Source workflow not found")
)

// versionEditAttempts bounds the retries of an edit that met a concurrent one.
const versionEditAttempts = 4

// builder serves the workflow builder's mutations on the records Worker.
type builder struct {
	records recordsv1connect.RecordsServiceClient
	// roles answers the caller's settings permissions: Twenty guards the builder with
	// SettingsPermissionGuard(WORKFLOWS). nil leaves the guard out (tests).
	roles recordsv1connect.RoleServiceClient
	newID func() string
}

func workflowBuilderResolvers(records recordsv1connect.RecordsServiceClient, roles recordsv1connect.RoleServiceClient) map[string]graphql.Resolver {
	b := &builder{records: records, roles: roles, newID: ids.NewUUID}
	return map[string]graphql.Resolver{
		"Mutation.createWorkflowVersionStep":      b.resolver(b.createStep),
		"Mutation.updateWorkflowVersionStep":      b.resolver(b.updateStep),
		"Mutation.deleteWorkflowVersionStep":      b.resolver(b.deleteStep),
		"Mutation.duplicateWorkflowVersionStep":   b.resolver(b.duplicateStep),
		"Mutation.createWorkflowVersionEdge":      b.resolver(b.edgeEditor(true)),
		"Mutation.deleteWorkflowVersionEdge":      b.resolver(b.edgeEditor(false)),
		"Mutation.createDraftFromWorkflowVersion": b.resolver(b.createDraft),
		"Mutation.duplicateWorkflow":              b.resolver(b.duplicateWorkflow),
		"Mutation.updateWorkflowVersionPositions": b.resolver(b.updatePositions),
		"Mutation.computeStepOutputSchema":        b.resolver(b.computeOutputSchema),
	}
}

// resolver checks the caller (a user of the workspace with the WORKFLOWS settings permission)
// and maps the answer's errors.
func (b *builder) resolver(f func(ctx context.Context, ws string, in map[string]any) (any, error)) graphql.Resolver {
	return func(ctx context.Context, args map[string]any) (any, error) {
		ws, err := workflowCaller(ctx)
		if err != nil {
			return nil, err
		}
		if b.roles != nil {
			if err := requireSettingsFlag(ctx, b.roles, "WORKFLOWS"); err != nil {
				return nil, err
			}
		}
		in, _ := args["input"].(map[string]any)
		out, err := f(ctx, ws, in)
		if err != nil {
			return nil, builderGQLError(err)
		}
		if c, ok := out.(wg.StepChanges); ok { // GraphQL objects are maps
			return map[string]any{"triggerDiff": c.TriggerDiff, "stepsDiff": c.StepsDiff}, nil
		}
		return out, nil
	}
}

// builderGQLError maps the graph's refusals and the records Worker's errors to Twenty's.
func builderGQLError(err error) error {
	if ge, ok := errors.AsType[*wg.Error](err); ok {
		switch ge.Code {
		case wg.CodeNotFound:
			return graphql.NewError(graphql.CodeNotFound, ge.Message)
		default:
			return graphql.NewError(graphql.CodeBadUserInput, ge.Message)
		}
	}
	if _, ok := errors.AsType[*graphql.Error](err); ok {
		return err
	}
	if ce, ok := errors.AsType[*connect.Error](err); ok {
		switch ce.Code() {
		case connect.CodeNotFound:
			return graphql.NewError(graphql.CodeNotFound, ce.Message())
		case connect.CodeInvalidArgument, connect.CodeFailedPrecondition, connect.CodeAlreadyExists:
			return graphql.NewError(graphql.CodeBadUserInput, ce.Message())
		}
	}
	return fmt.Errorf("workflow builder: %w", err)
}

// loadVersion reads a workflowVersion record.
func (b *builder) loadVersion(ctx context.Context, ws, id string) (*builderVersion, error) {
	if !ids.IsUUID(id) {
		return nil, errBuilderNotFound
	}
	res, err := b.records.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "workflowVersions", Id: id})
	if err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound {
			return nil, errBuilderNotFound
		}
		return nil, err
	}
	var v builderVersion
	if err := json.Unmarshal(res.GetRecordJson(), &v); err != nil {
		return nil, fmt.Errorf("decode workflow version: %w", err)
	}
	return &v, nil
}

// versionEdit is an edit of a draft version: the new trigger (written when triggerEdited) and
// steps (written when not nil), and the answer.
type versionEdit struct {
	trigger       wg.Step
	triggerEdited bool
	steps         []wg.Step
	answer        any
}

// editDraft loads the draft version id, applies edit and writes the result in one update
// conditional on the version's updatedAt, again on a version edited meanwhile.
func (b *builder) editDraft(ctx context.Context, ws, id string, edit func(v *builderVersion) (*versionEdit, error)) (any, error) {
	for range versionEditAttempts {
		v, err := b.loadVersion(ctx, ws, id)
		if err != nil {
			return nil, err
		}
		if v.Status != "DRAFT" {
			return nil, errVersionNotDraft
		}
		e, err := edit(v)
		if err != nil {
			return nil, err
		}
		data := map[string]any{}
		if e.triggerEdited {
			data["trigger"] = e.trigger
		}
		if e.steps != nil {
			data["steps"] = e.steps
		}
		if len(data) == 0 {
			return e.answer, nil
		}
		written, err := b.updateIfUnchanged(ctx, ws, v, data)
		if err != nil {
			return nil, err
		}
		if written {
			return e.answer, nil
		}
		slog.InfoContext(ctx, "workflow version edited concurrently, edit retried", "workspace_id", ws, "version_id", id)
	}
	return nil, errBuilderConflict
}

// updateIfUnchanged writes data on the version if its updatedAt is still v's; written is false
// when it is not (nothing was written).
func (b *builder) updateIfUnchanged(ctx context.Context, ws string, v *builderVersion, data map[string]any) (bool, error) {
	body, err := json.Marshal(data)
	if err != nil {
		return false, fmt.Errorf("encode workflow version: %w", err)
	}
	filter := &recordsv1.Filter{Node: &recordsv1.Filter_And{And: &recordsv1.FilterList{Filters: []*recordsv1.Filter{
		{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{Field: "id", Op: "eq", Value: &recordsv1.Value{Raw: v.ID, Quoted: true}}}},
		{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{Field: "updatedAt", Op: "eq", Value: &recordsv1.Value{Raw: v.UpdatedAt, Quoted: true}}}},
	}}}}
	res, err := b.records.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflowVersions",
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Filter{Filter: filter}}, DataJson: body, Actor: builderActor(ctx)})
	if err != nil {
		return false, fmt.Errorf("update workflow version %s: %w", v.ID, err)
	}
	var updated []json.RawMessage
	if err := json.Unmarshal(res.GetRecordsJson(), &updated); err != nil {
		return false, fmt.Errorf("decode workflow version update: %w", err)
	}
	return len(updated) > 0, nil
}

func builderActor(ctx context.Context) *recordsv1.Actor {
	if c := principalFrom(ctx); c != nil {
		return actorOf(c)
	}
	return nil
}

// objects reads the workspace's objects.
func (b *builder) objects(ctx context.Context, ws string) ([]*recordsv1.ObjectMetadata, error) {
	res, err := b.records.FindObjects(ctx, &recordsv1.FindObjectsRequest{WorkspaceId: ws})
	if err != nil {
		return nil, fmt.Errorf("find objects: %w", err)
	}
	return res.GetObjects(), nil
}

// defaultObjectName is the object new record steps start on: Twenty's first active, non-system
// object (the oldest, here, so the choice does not change from call to call).
func defaultObjectName(objects []*recordsv1.ObjectMetadata) string {
	var candidates []*recordsv1.ObjectMetadata
	for _, o := range objects {
		if o.GetIsActive() && !o.GetIsSystem() {
			candidates = append(candidates, o)
		}
	}
	slices.SortFunc(candidates, func(a, b *recordsv1.ObjectMetadata) int {
		return cmp.Or(cmp.Compare(a.GetCreatedAt(), b.GetCreatedAt()), cmp.Compare(a.GetNameSingular(), b.GetNameSingular()))
	})
	if len(candidates) == 0 {
		return ""
	}
	return candidates[0].GetNameSingular()
}

// objectLookup finds objects by singular name for output schemas.
func objectLookup(objects []*recordsv1.ObjectMetadata) wg.ObjectLookup {
	return func(name string) (*wg.Object, error) {
		for _, o := range objects {
			if o.GetNameSingular() != name {
				continue
			}
			out := &wg.Object{ID: o.GetId(), NameSingular: o.GetNameSingular(), NamePlural: o.GetNamePlural(), LabelSingular: o.GetLabelSingular(),
				LabelPlural: o.GetLabelPlural(), Description: o.GetDescription(), Icon: o.GetIcon()}
			for _, f := range o.GetFields() {
				out.Fields = append(out.Fields, wg.Field{ID: f.GetId(), Name: f.GetName(), Label: f.GetLabel(), Type: f.GetType(), Icon: f.GetIcon(),
					IsSystem: f.GetIsSystem(), IsActive: f.GetIsActive()})
			}
			return out, nil
		}
		return nil, &wg.Error{Code: wg.CodeNotFound, Message: fmt.Sprintf("Object metadata not found for %s", name)}
	}
}

var recordStepTypes = []string{"CREATE_RECORD", "UPDATE_RECORD", "DELETE_RECORD", "UPSERT_RECORD", "FIND_RECORDS"}

// positionArg reads a WorkflowStepPositionInput argument as the {x, y} JSON a step holds.
func positionArg(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil
	}
	return map[string]any{"x": toFloat(m["x"]), "y": toFloat(m["y"])}
}

func toFloat(v any) float64 {
	switch t := v.(type) {
	case float64:
		return t
	case int:
		return float64(t)
	case int64:
		return float64(t)
	case json.Number:
		f, _ := t.Float64()
		return f
	}
	return 0
}

// createStep is createWorkflowVersionStep.
func (b *builder) createStep(ctx context.Context, ws string, in map[string]any) (any, error) {
	stepType := str(in, "stepType")
	opts, err := wg.ParseConnectionOptions(in["parentStepConnectionOptions"])
	if err != nil {
		return nil, err
	}
	n := wg.NewStep{Type: stepType, ID: str(in, "id"), Position: positionArg(in["position"]), NewID: b.newID}
	if slices.Contains(recordStepTypes, stepType) {
		objects, err := b.objects(ctx, ws)
		if err != nil {
			return nil, err
		}
		n.ObjectName = defaultObjectName(objects)
	}
	step, extra, err := wg.DefaultStep(n)
	if err != nil {
		return nil, err
	}
	if step, err = wg.EnrichOutputSchema(step, nil); err != nil {
		return nil, err
	}
	return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
		trigger, steps, err := wg.InsertStep(v.Trigger, orEmpty(v.Steps), step, str(in, "parentStepId"), str(in, "nextStepId"), opts)
		if err != nil {
			return nil, err
		}
		steps = append(steps, extra...)
		return &versionEdit{trigger: trigger, triggerEdited: true, steps: steps,
			answer: wg.ComputeStepChanges(v.Trigger, v.Steps, trigger, true, steps)}, nil
	})
}

func orEmpty(steps []wg.Step) []wg.Step {
	if steps == nil {
		return []wg.Step{}
	}
	return steps
}

// updateStep is updateWorkflowVersionStep: it answers the step as written.
func (b *builder) updateStep(ctx context.Context, ws string, in map[string]any) (any, error) {
	step, _ := in["step"].(map[string]any)
	if step == nil || wg.StepID(step) == "" {
		return nil, graphql.NewError(graphql.CodeBadUserInput, "Step must be an object with an id")
	}
	return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
		rebuild := func(stepType string, position any) (wg.Step, error) {
			n := wg.NewStep{Type: stepType, NewID: b.newID}
			n.Position, _ = position.(map[string]any)
			if slices.Contains(recordStepTypes, stepType) {
				objects, err := b.objects(ctx, ws)
				if err != nil {
					return nil, err
				}
				n.ObjectName = defaultObjectName(objects)
			}
			s, _, err := wg.DefaultStep(n)
			return s, err
		}
		steps, updated, err := wg.ReplaceStep(v.Steps, step, rebuild)
		if err != nil {
			return nil, err
		}
		if updated, err = wg.EnrichOutputSchema(updated, nil); err != nil {
			return nil, err
		}
		for i := range steps {
			if wg.StepID(steps[i]) == wg.StepID(updated) {
				steps[i] = updated
			}
		}
		return &versionEdit{steps: steps, answer: actionDTO(updated)}, nil
	})
}

// actionDTO is a step as Twenty's WorkflowAction (GraphQL picks the fields asked for).
func actionDTO(s wg.Step) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	if _, ok := out["valid"]; !ok {
		out["valid"] = false
	}
	if _, ok := out["settings"]; !ok {
		out["settings"] = map[string]any{}
	}
	return out
}

// deleteStep is deleteWorkflowVersionStep.
func (b *builder) deleteStep(ctx context.Context, ws string, in map[string]any) (any, error) {
	id := str(in, "stepId")
	return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
		trigger, steps, _, err := wg.RemoveStep(v.Trigger, v.Steps, id, b.newID)
		if err != nil {
			return nil, err
		}
		return &versionEdit{trigger: trigger, triggerEdited: true, steps: steps,
			answer: wg.ComputeStepChanges(v.Trigger, v.Steps, trigger, true, steps)}, nil
	})
}

// duplicateStep is duplicateWorkflowVersionStep: the copy joins the steps, unlinked.
func (b *builder) duplicateStep(ctx context.Context, ws string, in map[string]any) (any, error) {
	id := str(in, "stepId")
	return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
		var source wg.Step
		for _, s := range v.Steps {
			if wg.StepID(s) == id {
				source = s
			}
		}
		if source == nil {
			return nil, &wg.Error{Code: wg.CodeNotFound, Message: "Step not found"}
		}
		if t := wg.StepType(source); t == "CODE" || t == "AI_AGENT" {
			return nil, &wg.Error{Code: wg.CodeInvalidRequest, Message: fmt.Sprintf("%s steps cannot be duplicated here", t)}
		}
		dup := wg.MarkDuplicate(wg.CloneStep(source, b.newID()))
		trigger, steps, err := wg.InsertStep(v.Trigger, orEmpty(v.Steps), dup, "", "", nil)
		if err != nil {
			return nil, err
		}
		return &versionEdit{trigger: trigger, triggerEdited: true, steps: steps,
			answer: wg.ComputeStepChanges(v.Trigger, v.Steps, trigger, true, steps)}, nil
	})
}

// edgeEditor is createWorkflowVersionEdge (add) or deleteWorkflowVersionEdge.
func (b *builder) edgeEditor(add bool) func(ctx context.Context, ws string, in map[string]any) (any, error) {
	return func(ctx context.Context, ws string, in map[string]any) (any, error) {
		opts, err := wg.ParseConnectionOptions(in["sourceConnectionOptions"])
		if err != nil {
			return nil, err
		}
		return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
			edit := wg.RemoveEdge
			if add {
				edit = wg.AddEdge
			}
			trigger, steps, changed, err := edit(v.Trigger, v.Steps, str(in, "source"), str(in, "target"), opts)
			if err != nil {
				return nil, err
			}
			if !changed {
				return &versionEdit{answer: wg.ComputeStepChanges(v.Trigger, v.Steps, v.Trigger, true, orEmpty(v.Steps))}, nil
			}
			return &versionEdit{trigger: trigger, triggerEdited: true, steps: steps,
				answer: wg.ComputeStepChanges(v.Trigger, v.Steps, trigger, true, steps)}, nil
		})
	}
}

// updatePositions is updateWorkflowVersionPositions.
func (b *builder) updatePositions(ctx context.Context, ws string, in map[string]any) (any, error) {
	positions := map[string]wg.Position{}
	list, _ := in["positions"].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		pos := positionArg(m["position"])
		positions[str(m, "id")] = wg.Position{X: toFloat(pos["x"]), Y: toFloat(pos["y"])}
	}
	return b.editDraft(ctx, ws, str(in, "workflowVersionId"), func(v *builderVersion) (*versionEdit, error) {
		trigger, steps := wg.UpdatePositions(v.Trigger, v.Steps, positions)
		return &versionEdit{trigger: trigger, triggerEdited: trigger != nil, steps: steps, answer: true}, nil
	})
}

// computeOutputSchema is computeStepOutputSchema.
func (b *builder) computeOutputSchema(ctx context.Context, ws string, in map[string]any) (any, error) {
	step, _ := in["step"].(map[string]any)
	if step == nil {
		return nil, graphql.NewError(graphql.CodeBadUserInput, "Step must be an object")
	}
	objects, err := b.objects(ctx, ws)
	if err != nil {
		return nil, err
	}
	return wg.OutputSchema(step, objectLookup(objects))
}

// createRecord creates one record of plural and answers it.
func (b *builder) createRecord(ctx context.Context, ws, plural string, record map[string]any, out any) error {
	body, err := json.Marshal([]any{record})
	if err != nil {
		return fmt.Errorf("encode %s: %w", plural, err)
	}
	res, err := b.records.CreateMany(ctx, &recordsv1.CreateManyRequest{WorkspaceId: ws, ObjectNamePlural: plural, RecordsJson: body, Actor: builderActor(ctx)})
	if err != nil {
		return fmt.Errorf("create %s: %w", plural, err)
	}
	var created []json.RawMessage
	if err := json.Unmarshal(res.GetRecordsJson(), &created); err != nil || len(created) != 1 {
		return fmt.Errorf("decode created %s: %v", plural, err)
	}
	return json.Unmarshal(created[0], out)
}

// findVersions reads the versions of a workflow that filter conditions select, and their count.
func (b *builder) findVersions(ctx context.Context, ws string, limit int32, conds ...[2]string) ([]builderVersion, int32, error) {
	var fs []*recordsv1.Filter
	for _, c := range conds {
		fs = append(fs, &recordsv1.Filter{Node: &recordsv1.Filter_Condition{Condition: &recordsv1.Condition{Field: c[0], Op: "eq", Value: &recordsv1.Value{Raw: c[1], Quoted: true}}}})
	}
	res, err := b.records.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflowVersions",
		Query: &recordsv1.Query{Filter: &recordsv1.Filter{Node: &recordsv1.Filter_And{And: &recordsv1.FilterList{Filters: fs}}}, Limit: limit}})
	if err != nil {
		return nil, 0, fmt.Errorf("find workflow versions: %w", err)
	}
	var out []builderVersion
	if err := json.Unmarshal(res.GetRecordsJson(), &out); err != nil {
		return nil, 0, fmt.Errorf("decode workflow versions: %w", err)
	}
	return out, res.GetTotalCount(), nil
}

// versionToCopy reads a version of workflowID that can be copied (a trigger and steps).
func (b *builder) versionToCopy(ctx context.Context, ws, workflowID, id string) (*builderVersion, error) {
	v, err := b.loadVersion(ctx, ws, id)
	if errors.Is(err, errBuilderNotFound) || (err == nil && v.WorkflowID != workflowID) {
		return nil, errCopyNotFound
	}
	if err != nil {
		return nil, err
	}
	if v.Trigger == nil {
		return nil, errNoTrigger
	}
	if len(v.Steps) == 0 {
		return nil, errNoSteps
	}
	return v, nil
}

// createDraft is createDraftFromWorkflowVersion: the workflow's draft (created as v{n+1} when it
// has none) takes the trigger and steps of the version to copy; the workflow's statuses gain
// DRAFT as Twenty's WorkflowStatusesUpdateJob adds it.
func (b *builder) createDraft(ctx context.Context, ws string, in map[string]any) (any, error) {
	workflowID := str(in, "workflowId")
	source, err := b.versionToCopy(ctx, ws, workflowID, str(in, "workflowVersionIdToCopy"))
	if err != nil {
		return nil, err
	}
	drafts, _, err := b.findVersions(ctx, ws, 1, [2]string{"workflowId", workflowID}, [2]string{"status", "DRAFT"})
	if err != nil {
		return nil, err
	}
	var draft builderVersion
	if len(drafts) == 0 {
		_, count, err := b.findVersions(ctx, ws, 1, [2]string{"workflowId", workflowID})
		if err != nil {
			return nil, err
		}
		record := map[string]any{"id": b.newID(), "workflowId": workflowID, "name": fmt.Sprintf("v%d", count+1), "status": "DRAFT",
			"trigger": source.Trigger, "steps": source.Steps}
		if err := b.createRecord(ctx, ws, "workflowVersions", record, &draft); err != nil {
			return nil, err
		}
		if err := b.addDraftStatus(ctx, ws, workflowID); err != nil {
			return nil, err
		}
		return draft.dto(), nil
	}
	answer, err := b.editDraft(ctx, ws, drafts[0].ID, func(v *builderVersion) (*versionEdit, error) {
		v.Trigger, v.Steps = source.Trigger, source.Steps
		return &versionEdit{trigger: source.Trigger, triggerEdited: true, steps: orEmpty(source.Steps), answer: v}, nil
	})
	if err != nil {
		return nil, err
	}
	return answer.(*builderVersion).dto(), nil
}

// addDraftStatus adds DRAFT to the workflow's statuses.
func (b *builder) addDraftStatus(ctx context.Context, ws, workflowID string) error {
	res, err := b.records.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "workflows", Id: workflowID})
	if err != nil {
		return fmt.Errorf("find workflow %s: %w", workflowID, err)
	}
	var w struct {
		Statuses []string `json:"statuses"`
	}
	if err := json.Unmarshal(res.GetRecordJson(), &w); err != nil {
		return fmt.Errorf("decode workflow: %w", err)
	}
	if slices.Contains(w.Statuses, "DRAFT") {
		return nil
	}
	body, _ := json.Marshal(map[string]any{"statuses": append(w.Statuses, "DRAFT")}) // strings
	_, err = b.records.UpdateMany(ctx, &recordsv1.UpdateManyRequest{WorkspaceId: ws, ObjectNamePlural: "workflows",
		Selection: &recordsv1.Selection{By: &recordsv1.Selection_Id{Id: workflowID}}, DataJson: body, Actor: builderActor(ctx)})
	if err != nil {
		return fmt.Errorf("update workflow statuses: %w", err)
	}
	return nil
}

// duplicateWorkflow is duplicateWorkflow: a new workflow "<name> (Duplicate)" whose draft v1 is
// a copy of the version, every step under a new id.
func (b *builder) duplicateWorkflow(ctx context.Context, ws string, in map[string]any) (any, error) {
	workflowID := str(in, "workflowIdToDuplicate")
	if !ids.IsUUID(workflowID) {
		return nil, errSourceWfNotFound
	}
	res, err := b.records.FindOne(ctx, &recordsv1.FindOneRequest{WorkspaceId: ws, ObjectNamePlural: "workflows", Id: workflowID})
	if err != nil {
		if connect.CodeOf(err) == connect.CodeNotFound {
			return nil, errSourceWfNotFound
		}
		return nil, err
	}
	var source struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(res.GetRecordJson(), &source); err != nil {
		return nil, fmt.Errorf("decode workflow: %w", err)
	}
	version, err := b.versionToCopy(ctx, ws, workflowID, str(in, "workflowVersionIdToCopy"))
	if err != nil {
		return nil, err
	}
	var created struct {
		ID string `json:"id"`
	}
	if err := b.createRecord(ctx, ws, "workflows", map[string]any{"id": b.newID(), "name": source.Name + " (Duplicate)", "statuses": []string{"DRAFT"}}, &created); err != nil {
		return nil, err
	}
	trigger, steps := wg.CopyFlow(version.Trigger, version.Steps, b.newID)
	var draft builderVersion
	record := map[string]any{"id": b.newID(), "workflowId": created.ID, "name": "v1", "status": "DRAFT", "trigger": trigger, "steps": steps}
	if err := b.createRecord(ctx, ws, "workflowVersions", record, &draft); err != nil {
		return nil, err
	}
	return draft.dto(), nil
}
