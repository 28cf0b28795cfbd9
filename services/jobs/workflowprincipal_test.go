package main

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// principalRecords is the fake records Worker noting whom each create of a person acts for.
type principalRecords struct {
	*fakeRecords
	actors []string
}

func (p *principalRecords) CreateMany(ctx context.Context, req *recordsv1.CreateManyRequest) (*recordsv1.CreateManyResponse, error) {
	if req.GetObjectNamePlural() == "people" {
		who := "system"
		if pr := rpc.OutgoingPrincipal(ctx); pr != nil {
			who = pr.GetWorkspaceMemberId()
		}
		p.actors = append(p.actors, who)
	}
	return p.fakeRecords.CreateMany(ctx, req)
}

// TestWorkflowStepsActAsTheCreator: a step's record actions carry the workflow creator's
// principal, so the records Worker applies the creator's role; a workflow no member created runs
// as the system.
func TestWorkflowStepsActAsTheCreator(t *testing.T) {
	var got []string
	for _, creator := range []map[string]any{{"source": "MANUAL", "workspaceMemberId": "20202020-0000-4000-8000-00000000c0de"}, {"source": "API"}} {
		e, recs, q := newTestEngine(t)
		pr := &principalRecords{fakeRecords: recs}
		e.records = pr
		putWorkflow(recs, `{"type":"MANUAL","settings":{}}`,
			`[{"id":"create","type":"CREATE_RECORD","settings":{"input":{"objectName":"person","objectRecord":{"city":"Paris"}}},"nextStepIds":[]}]`)
		wf := recs.get("workflows", wfID)
		wf["createdBy"] = creator
		recs.put("workflows", wf)
		if _, err := e.RunVersion(context.Background(), &jobsv1.RunVersionRequest{WorkspaceId: wfWorkspace, WorkflowVersionId: wfVersionID}); err != nil {
			t.Fatal(err)
		}
		drain(t, e, q)
		got = append(got, pr.actors...)
	}
	if diff := cmp.Diff([]string{"20202020-0000-4000-8000-00000000c0de", "system"}, got); diff != "" {
		t.Errorf("whom the CREATE_RECORD steps acted for (-want +got):\n%s", diff)
	}
}
