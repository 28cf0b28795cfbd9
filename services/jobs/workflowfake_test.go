package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"connectrpc.com/connect"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// fakeRecords is the records Worker for the workflow tests: records by plural and id, equality
// filters, upserts, and a count of the writes per object.
type fakeRecords struct {
	mu      sync.Mutex
	data    map[string]map[string]map[string]any
	plurals map[string]string // singular → plural
	creates map[string]int
	// failRunUpdates fails that many workflowRun updates (a lost save).
	failRunUpdates int
}

func newFakeRecords() *fakeRecords {
	f := &fakeRecords{data: map[string]map[string]map[string]any{}, creates: map[string]int{}, plurals: map[string]string{}}
	for _, p := range [][2]string{{"person", "people"}, {"task", "tasks"}, {"taskTarget", "taskTargets"}, {"workflow", "workflows"},
		{"workflowVersion", "workflowVersions"}, {"workflowRun", "workflowRuns"}, {"workflowAutomatedTrigger", "workflowAutomatedTriggers"},
		{"workspaceMember", "workspaceMembers"}} {
		f.plurals[p[0]] = p[1]
	}
	return f
}

// put, get and all read and write the test workspace's records; the calls use their own
// workspace's, so a workspace sees only its records, as the records Worker's callers do.
func (f *fakeRecords) put(plural string, r map[string]any)  { f.putIn(wfWorkspace, plural, r) }
func (f *fakeRecords) get(plural, id string) map[string]any { return f.getIn(wfWorkspace, plural, id) }
func (f *fakeRecords) all(plural string) []map[string]any   { return f.allIn(wfWorkspace, plural) }

func (f *fakeRecords) putIn(ws, plural string, r map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.data[ws+"/"+plural] == nil {
		f.data[ws+"/"+plural] = map[string]map[string]any{}
	}
	f.data[ws+"/"+plural][r["id"].(string)] = roundTrip(r)
}

func (f *fakeRecords) getIn(ws, plural, id string) map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return roundTrip(f.data[ws+"/"+plural][id])
}

func (f *fakeRecords) allIn(ws, plural string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, r := range f.data[ws+"/"+plural] {
		out = append(out, roundTrip(r))
	}
	return out
}

// roundTrip is r as JSON would carry it (numbers float64, structs maps).
func roundTrip(r any) map[string]any {
	if r == nil {
		return nil
	}
	b, _ := json.Marshal(r)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func notFound() error { return connect.NewError(connect.CodeNotFound, errors.New("Record not found")) }

func (f *fakeRecords) FindOne(_ context.Context, req *recordsv1.FindOneRequest) (*recordsv1.FindOneResponse, error) {
	r := f.getIn(req.GetWorkspaceId(), req.GetObjectNamePlural(), req.GetId())
	if r == nil {
		return nil, notFound()
	}
	b, _ := json.Marshal(r)
	return &recordsv1.FindOneResponse{RecordJson: b}, nil
}

func matches(r map[string]any, f *recordsv1.Filter) bool {
	switch n := f.GetNode().(type) {
	case nil:
		return true
	case *recordsv1.Filter_And:
		for _, x := range n.And.GetFilters() {
			if !matches(r, x) {
				return false
			}
		}
		return true
	case *recordsv1.Filter_Condition:
		return n.Condition.GetOp() == "eq" && fmt.Sprint(r[n.Condition.GetField()]) == n.Condition.GetValue().GetRaw()
	}
	return false
}

func (f *fakeRecords) FindMany(_ context.Context, req *recordsv1.FindManyRequest) (*recordsv1.FindManyResponse, error) {
	var page []map[string]any
	total := 0
	for _, r := range f.allIn(req.GetWorkspaceId(), req.GetObjectNamePlural()) {
		if matches(r, req.GetQuery().GetFilter()) {
			total++
			if l := req.GetQuery().GetLimit(); l == 0 || len(page) < int(l) {
				page = append(page, r)
			}
		}
	}
	if page == nil {
		page = []map[string]any{}
	}
	b, _ := json.Marshal(page)
	return &recordsv1.FindManyResponse{RecordsJson: b, TotalCount: int32(total)}, nil
}

func (f *fakeRecords) CreateMany(_ context.Context, req *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error) {
	var in []map[string]any
	if err := json.Unmarshal(req.GetRecordsJson(), &in); err != nil {
		return nil, connect.NewError(connect.CodeInvalidArgument, err)
	}
	ws, plural := req.GetWorkspaceId(), req.GetObjectNamePlural()
	for _, r := range in {
		if r["id"] == nil {
			r["id"] = ids.NewUUID()
		}
		if old := f.getIn(ws, plural, r["id"].(string)); old != nil {
			if !req.GetUpsert() {
				return nil, connect.NewError(connect.CodeAlreadyExists, errors.New("duplicate id"))
			}
			for k, v := range r {
				old[k] = v
			}
			r = old
		} else {
			r["createdBy"] = map[string]any{"source": req.GetActor().GetSource(), "name": req.GetActor().GetName(), "workspaceMemberId": req.GetActor().GetWorkspaceMemberId()}
			f.mu.Lock()
			f.creates[plural]++
			f.mu.Unlock()
		}
		f.putIn(ws, plural, r)
	}
	b, _ := json.Marshal(in)
	return &recordsv1.CreateManyResponse{RecordsJson: b}, nil
}

func (f *fakeRecords) UpdateMany(_ context.Context, req *recordsv1.UpdateManyRequest) (*recordsv1.MutationResponse, error) {
	plural := req.GetObjectNamePlural()
	f.mu.Lock()
	if plural == "workflowRuns" && f.failRunUpdates > 0 {
		f.failRunUpdates--
		f.mu.Unlock()
		return nil, connect.NewError(connect.CodeUnavailable, errors.New("records Worker unavailable"))
	}
	f.mu.Unlock()
	r := f.getIn(req.GetWorkspaceId(), plural, req.GetSelection().GetId())
	if r == nil {
		return nil, notFound()
	}
	var data map[string]any
	_ = json.Unmarshal(req.GetDataJson(), &data)
	for k, v := range data {
		r[k] = v
	}
	f.putIn(req.GetWorkspaceId(), plural, r)
	b, _ := json.Marshal([]any{r})
	return &recordsv1.MutationResponse{RecordsJson: b}, nil
}

func (f *fakeRecords) DeleteMany(_ context.Context, req *recordsv1.DeleteManyRequest) (*recordsv1.MutationResponse, error) {
	ws, plural, id := req.GetWorkspaceId(), req.GetObjectNamePlural(), req.GetSelection().GetId()
	r := f.getIn(ws, plural, id)
	if r == nil {
		return nil, notFound()
	}
	f.mu.Lock()
	delete(f.data[ws+"/"+plural], id)
	f.mu.Unlock()
	b, _ := json.Marshal([]any{r})
	return &recordsv1.MutationResponse{RecordsJson: b}, nil
}

func (f *fakeRecords) FindObjects(context.Context, *recordsv1.FindObjectsRequest) (*recordsv1.FindObjectsResponse, error) {
	res := &recordsv1.FindObjectsResponse{}
	for s, p := range f.plurals {
		res.Objects = append(res.Objects, &recordsv1.ObjectMetadata{NameSingular: s, NamePlural: p})
	}
	return res, nil
}
