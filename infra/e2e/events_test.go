//go:build e2e

package e2e

import (
	"testing"
	"time"
)

// TestRecordEventsReachTheJobsQueue checks that a record mutation in a workspace with a consumer
// on the queue (a webhook) puts Twenty's database event on the jobs queue and that the jobs Worker
// takes it (recorded as a succeeded run of the workspace). Without one, see
// TestRecordEventsGoOnTheQueueOnlyForItsConsumers.
func TestRecordEventsReachTheJobsQueue(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	createWebhook(t, a.access, newWebhookReceiver(t).URL+"/queue", []string{"person.created"}, "")
	if r := post(t, "/rest/people", `{"city":"Events"}`, auth...); r.status != 201 {
		t.Fatalf("POST /rest/people = %d %s", r.status, r.body)
	}
	eventually(t, 20*time.Second, "the person.created event consumed", func() bool {
		runs := decode[map[string]int](t, get(t, "/__dev/svc/jobs/runs?type=database.event&workspace="+a.workspaceID))
		return runs["succeeded"] >= 1
	})
}
