package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/gen/twenty/records/v1/recordsv1connect"
	"github.com/twentyworkers/twenty/shared/graphql"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// fakeVersions is the records Worker holding workflowVersion records of workspace ws-1 in
// memory, with updatedAt stamped on every write; an update selecting by filter applies its id
// and updatedAt conditions as the records Worker's filter does. meddle, when set, runs before
// each update (another editor writing in between).
type fakeVersions struct {
	recordsv1connect.UnimplementedRecordsServiceHandler
	mu       sync.Mutex
	versions map[string]map[string]any
	stamp    int
	meddle   func(f *fakeVersions)
	updates  int
}

func (f *fakeVersions) touch(v map[string]any) {
	f.stamp++
	v["updatedAt"] = fmt.Sprintf("2026-01-01T00:00:%02d.000Z", f.stamp)
}

func (f *fakeVersions) FindOne(_ context.Context, req *recordsv1.FindOneRequest) (*recordsv1.FindOneResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.versions[req.GetId()]
	if req.GetWorkspaceId() != "ws-1" || req.GetObjectNamePlural() != "workflowVersions" || !ok {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("Record not found"))
	}
	b, _ := json.Marshal(v)
	return &recordsv1.FindOneResponse{RecordJson: b}, nil
}

func (f *fakeVersions) UpdateMany(_ context.Context, req *recordsv1.UpdateManyRequest) (*recordsv1.MutationResponse, error) {
	if f.meddle != nil {
		f.meddle(f)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates++
	conds := map[string]string{}
	for _, c := range req.GetSelection().GetFilter().GetAnd().GetFilters() {
		conds[c.GetCondition().GetField()] = c.GetCondition().GetValue().GetRaw()
	}
	v, ok := f.versions[conds["id"]]
	if !ok || v["updatedAt"] != conds["updatedAt"] {
		return &recordsv1.MutationResponse{RecordsJson: []byte(`[]`)}, nil
	}
	var data map[string]any
	if err := json.Unmarshal(req.GetDataJson(), &data); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	for k, x := range data {
		v[k] = x
	}
	f.touch(v)
	b, _ := json.Marshal([]any{v})
	return &recordsv1.MutationResponse{RecordsJson: b}, nil
}

func (f *fakeVersions) FindObjects(context.Context, *recordsv1.FindObjectsRequest) (*recordsv1.FindObjectsResponse, error) {
	return &recordsv1.FindObjectsResponse{Objects: []*recordsv1.ObjectMetadata{
		{NameSingular: "workspaceMember", IsActive: true, IsSystem: true, CreatedAt: "2026-01-01T00:00:00.000Z"},
		{NameSingular: "person", IsActive: true, CreatedAt: "2026-01-02T00:00:00.000Z"},
		{NameSingular: "company", IsActive: true, CreatedAt: "2026-01-01T00:00:00.000Z"},
	}}, nil
}

func (f *fakeVersions) version(id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, _ := json.Marshal(f.versions[id])
	var v map[string]any
	_ = json.Unmarshal(b, &v)
	return v
}

func TestWorkflowBuilderMutations(t *testing.T) {
	const draft, active = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
	user := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	apiKey := authtoken.APIKeyClaims("k-1", "ws-1", time.Now(), time.Now().Add(time.Hour))
	setup := func(t *testing.T) (*fakeVersions, map[string]graphql.Resolver) {
		f := &fakeVersions{versions: map[string]map[string]any{
			draft:  {"id": draft, "status": "DRAFT", "trigger": map[string]any{"type": "MANUAL", "nextStepIds": []any{}}, "steps": []any{}},
			active: {"id": active, "status": "ACTIVE", "trigger": map[string]any{"type": "MANUAL"}, "steps": []any{}},
		}}
		for _, v := range f.versions {
			f.touch(v)
		}
		mux := http.NewServeMux()
		mux.Handle(recordsv1connect.NewRecordsServiceHandler(f, rpc.HandlerOptions()...))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		resolvers := workflowBuilderResolvers(recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL), nil)
		return f, resolvers
	}
	call := func(r map[string]graphql.Resolver, claims authtoken.Claims, field string, input map[string]any) (any, error) {
		ctx := context.WithValue(context.Background(), principalKey{}, &claims)
		return r[field](ctx, map[string]any{"input": input})
	}
	code := func(err error) string {
		ge, ok := errors.AsType[*graphql.Error](err)
		if !ok {
			return fmt.Sprintf("not a GraphQL error: %v", err)
		}
		return fmt.Sprint(ge.Extensions["code"])
	}
	create := map[string]any{"workflowVersionId": draft, "stepType": "CREATE_RECORD", "parentStepId": "trigger", "id": "s-1"}

	t.Run("create a step after the trigger", func(t *testing.T) {
		f, r := setup(t)
		// Through the schema, as /graphql serves it.
		base := "scalar UUID\nscalar JSON\ntype Query { ok: Boolean }\ntype Mutation { ok: Boolean }\n"
		ok := func(context.Context, map[string]any) (any, error) { return true, nil }
		schema, err := graphql.NewSchema(base+workflowBuilderSDL, mergeResolvers(r, map[string]graphql.Resolver{"Query.ok": ok, "Mutation.ok": ok}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.WithValue(context.Background(), principalKey{}, &user)
		res := schema.Execute(ctx, graphql.Request{Query: `mutation($input: CreateWorkflowVersionStepInput!) {
			createWorkflowVersionStep(input: $input) { triggerDiff stepsDiff } }`, Variables: map[string]any{"input": create}})
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %v", res.Errors[0])
		}
		b, _ := json.Marshal(res.Data)
		var reply struct{ CreateWorkflowVersionStep json.RawMessage }
		_ = json.Unmarshal(b, &reply)
		got := reply.CreateWorkflowVersionStep
		v := f.version(draft)
		if d := cmp.Diff([]any{"s-1"}, v["trigger"].(map[string]any)["nextStepIds"]); d != "" {
			t.Errorf("trigger's next steps (-want +got):\n%s", d)
		}
		// The default object of record steps is the oldest active, non-system one.
		step := v["steps"].([]any)[0].(map[string]any)
		if in := step["settings"].(map[string]any)["input"].(map[string]any); in["objectName"] != "company" {
			t.Errorf("default object = %v, want company", in["objectName"])
		}
		b = got
		var changes struct {
			TriggerDiff []struct {
				Type string
				Path []any
			}
		}
		_ = json.Unmarshal(b, &changes)
		if len(changes.TriggerDiff) != 1 || fmt.Sprint(changes.TriggerDiff[0].Path) != "[trigger nextStepIds 0]" {
			t.Errorf("changes = %s", b)
		}
	})
	t.Run("an edit made meanwhile is kept", func(t *testing.T) {
		f, r := setup(t)
		once := true
		f.meddle = func(f *fakeVersions) {
			if !once {
				return
			}
			once = false
			f.mu.Lock()
			defer f.mu.Unlock()
			v := f.versions[draft]
			v["steps"] = []any{map[string]any{"id": "other", "type": "DELAY"}}
			f.touch(v)
		}
		if _, err := call(r, user, "Mutation.createWorkflowVersionStep", create); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range f.version(draft)["steps"].([]any) {
			got = append(got, s.(map[string]any)["id"].(string))
		}
		if d := cmp.Diff([]string{"other", "s-1"}, got); d != "" || f.updates != 2 {
			t.Errorf("steps (-want +got):\n%s (after %d updates)", d, f.updates)
		}
	})
	t.Run("edits that always meet another give up", func(t *testing.T) {
		f, r := setup(t)
		f.meddle = func(f *fakeVersions) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.touch(f.versions[draft])
		}
		_, err := call(r, user, "Mutation.createWorkflowVersionStep", create)
		if code(err) != graphql.CodeConflict || f.updates != versionEditAttempts {
			t.Errorf("err = %v after %d updates, want CONFLICT after %d", err, f.updates, versionEditAttempts)
		}
	})
	refusals := []struct {
		name, field string
		claims      authtoken.Claims
		input       map[string]any
		wantCode    string
		wantMessage string
	}{
		{"an active version", "Mutation.createWorkflowVersionStep", user, map[string]any{"workflowVersionId": active, "stepType": "DELAY"},
			graphql.CodeForbidden, "Workflow version is not in draft status"},
		{"an API key", "Mutation.createWorkflowVersionStep", apiKey, create, graphql.CodeForbidden, "This endpoint requires a user context"},
		{"an unknown version", "Mutation.deleteWorkflowVersionStep", user, map[string]any{"workflowVersionId": "00000000-0000-4000-8000-000000000009", "stepId": "x"},
			graphql.CodeNotFound, "WorkflowVersion not found"},
		{"not a UUID", "Mutation.deleteWorkflowVersionStep", user, map[string]any{"workflowVersionId": "nope", "stepId": "x"},
			graphql.CodeNotFound, "WorkflowVersion not found"},
		{"an unknown step", "Mutation.deleteWorkflowVersionStep", user, map[string]any{"workflowVersionId": draft, "stepId": "x"},
			graphql.CodeNotFound, "Can't delete not existing step"},
		{"an unknown type", "Mutation.createWorkflowVersionStep", user, map[string]any{"workflowVersionId": draft, "stepType": "NOPE"},
			graphql.CodeBadUserInput, "WorkflowActionType 'NOPE' unknown"},
		{"an update without a step", "Mutation.updateWorkflowVersionStep", user, map[string]any{"workflowVersionId": draft, "step": "x"},
			graphql.CodeBadUserInput, "Step must be an object with an id"},
		{"an edge to nowhere", "Mutation.createWorkflowVersionEdge", user, map[string]any{"workflowVersionId": draft, "source": "trigger", "target": "x"},
			graphql.CodeNotFound, "Target step 'x' not found in workflowVersion"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			f, r := setup(t)
			_, err := call(r, tt.claims, tt.field, tt.input)
			ge, _ := errors.AsType[*graphql.Error](err)
			if code(err) != tt.wantCode || ge.Message != tt.wantMessage {
				t.Errorf("err = %v, want %s %q", err, tt.wantCode, tt.wantMessage)
			}
			if f.updates != 0 {
				t.Errorf("a refused edit wrote %d times", f.updates)
			}
		})
	}
}

// TestWorkflowBuilderStepTypeChange turns an if/else branch's empty step (no nextStepIds) into
// a record step through the schema, as the editor does when a branch's "Add an Action" is picked.
func TestWorkflowBuilderStepTypeChange(t *testing.T) {
	const draft, empty = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000e1"
	f := &fakeVersions{versions: map[string]map[string]any{
		draft: {"id": draft, "status": "DRAFT", "trigger": map[string]any{"type": "MANUAL"}, "steps": []any{
			map[string]any{"id": empty, "name": "Add an Action", "type": "EMPTY", "valid": true, "position": map[string]any{"x": -200.0, "y": 120.0},
				"settings": map[string]any{"input": map[string]any{}}},
		}},
	}}
	f.touch(f.versions[draft])
	mux := http.NewServeMux()
	mux.Handle(recordsv1connect.NewRecordsServiceHandler(f, rpc.HandlerOptions()...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ok := func(context.Context, map[string]any) (any, error) { return true, nil }
	schema, err := graphql.NewSchema("scalar UUID\nscalar JSON\ntype Query { ok: Boolean }\ntype Mutation { ok: Boolean }\n"+workflowBuilderSDL,
		mergeResolvers(workflowBuilderResolvers(recordsv1connect.NewRecordsServiceClient(srv.Client(), srv.URL), nil),
			map[string]graphql.Resolver{"Query.ok": ok, "Mutation.ok": ok}))
	if err != nil {
		t.Fatal(err)
	}
	user := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	res := schema.Execute(context.WithValue(context.Background(), principalKey{}, &user), graphql.Request{
		Query: `mutation($input: UpdateWorkflowVersionStepInput!) { updateWorkflowVersionStep(input: $input) { id name type valid nextStepIds position { x y } } }`,
		Variables: map[string]any{"input": map[string]any{"workflowVersionId": draft,
			"step": map[string]any{"id": empty, "type": "CREATE_RECORD", "name": "Add an Action", "position": map[string]any{"x": 0.0, "y": 0.0}}}}})
	b, _ := json.Marshal(res)
	want := `{"data":{"updateWorkflowVersionStep":{"id":"` + empty + `","name":"Create Record","type":"CREATE_RECORD","valid":false,"nextStepIds":null,"position":{"x":-200,"y":120}}}}`
	if d := cmp.Diff(want, string(b)); d != "" {
		t.Errorf("reply (-want +got):\n%s", d)
	}
}
