//go:build e2e

package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTimelineOfAPerson checks Twenty's timeline on the real stack: a person's history (created,
// updated twice, a note attached, soft-deleted) goes from the records Worker's events through the
// jobs queue and the timeline subscriber back into the records Worker's timelineActivity rows, and
// reads through REST as Twenty's front end reads it, in order: person.created {}, one
// person.updated whose diff spans both updates (the second went into the first, same member
// within ten minutes), linked-note.created naming the note, person.deleted.
func TestTimelineOfAPerson(t *testing.T) {
	a := onboard(t, "/metadata")
	me := data[currentUser](t, gql(t, "/metadata", a.access, currentUserQuery, nil))
	send, expect := sender(t, []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"})
	created := func(r reply, what, key string) string {
		t.Helper()
		expect(r, http.StatusCreated, what)
		return decode[struct {
			Data map[string]struct{ ID string }
		}](t, r).Data[key].ID
	}
	person := created(send(http.MethodPost, "/rest/people", `{"city":"Lisbon"}`), "POST /rest/people", "createPerson")
	expect(send(http.MethodPatch, "/rest/people/"+person, `{"city":"Oslo"}`), http.StatusOK, "PATCH city Oslo")
	expect(send(http.MethodPatch, "/rest/people/"+person, `{"city":"Bergen","jobTitle":"CTO"}`), http.StatusOK, "PATCH city Bergen")
	note := created(send(http.MethodPost, "/rest/notes", `{"title":"Call notes"}`), "POST /rest/notes", "createNote")
	created(send(http.MethodPost, "/rest/noteTargets", `{"noteId":"`+note+`","personId":"`+person+`"}`), "POST /rest/noteTargets", "createNoteTarget")
	expect(send(http.MethodDelete, "/rest/people/"+person+"?soft_delete=true", ""), http.StatusOK, "soft DELETE the person")
	deleted := time.Now()

	type activity struct {
		Name                   string
		WorkspaceMemberID      string `json:"workspaceMemberId"`
		LinkedRecordID         *string
		LinkedRecordCachedName string
		Properties             map[string]any
	}
	member := me.CurrentUser.WorkspaceMember.ID
	want := []activity{
		{Name: "person.created", WorkspaceMemberID: member, Properties: map[string]any{}},
		{Name: "person.updated", WorkspaceMemberID: member, Properties: map[string]any{"diff": map[string]any{
			"city":     map[string]any{"before": "Lisbon", "after": "Bergen"},
			"jobTitle": map[string]any{"before": "", "after": "CTO"},
		}}},
		{Name: "linked-note.created", WorkspaceMemberID: member, LinkedRecordID: &note, LinkedRecordCachedName: "Call notes", Properties: map[string]any{}},
		{Name: "person.deleted", WorkspaceMemberID: member, Properties: map[string]any{}},
	}
	var got []activity
	eventually(t, 30*time.Second, "the person's timeline", func() bool {
		r := send(http.MethodGet, "/rest/timelineActivities?filter=targetPersonId[eq]:"+person+"&order_by=happensAt[AscNullsLast]", "")
		expect(r, http.StatusOK, "GET /rest/timelineActivities")
		got = decode[struct {
			Data struct{ TimelineActivities []activity }
		}](t, r).Data.TimelineActivities
		return len(got) >= len(want)
	})
	t.Logf("the timeline was complete %s after the last mutation answered", time.Since(deleted).Round(time.Millisecond))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the person's timeline (-want +got):\n%s", diff)
	}
	// The note's own timeline has its creation; the GraphQL API reads the same rows.
	r := gql(t, "/graphql", a.access, `query($id: UUID!) { timelineActivities(filter: {targetNoteId: {eq: $id}}) { edges { node { name linkedRecordId } } } }`,
		map[string]any{"id": note})
	nodes := data[struct {
		TimelineActivities struct{ Edges []struct{ Node activity } }
	}](t, r).TimelineActivities.Edges
	if len(nodes) != 1 || nodes[0].Node.Name != "note.created" {
		t.Errorf("the note's timeline = %+v, want note.created", nodes)
	}
}
