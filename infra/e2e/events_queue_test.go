//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestRecordEventsGoOnTheQueueOnlyForItsConsumers: in a workspace with no webhook, no workflow
// trigger and no event stream open, a person's creation still writes its timeline activity, and
// its events leave the outbox without a job on the queue. Once a webhook exists, the very next
// creation goes on the queue and reaches it: the relay reads the webhooks as they are after the
// write, not from a cache.
func TestRecordEventsGoOnTheQueueOnlyForItsConsumers(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access, "Content-Type", "application/json"}
	runs := func() int {
		counts := decode[map[string]int](t, get(t, "/__dev/svc/jobs/runs?type=database.event&workspace="+a.workspaceID))
		return counts["succeeded"] + counts["retrying"] + counts["dead"]
	}
	pending := func() int { return outboxRows(t, a) }
	create := func(city string) string { return createdPerson(t, a, city) }

	eventually(t, 10*time.Second, "the onboarding's events relayed", func() bool { return pending() == 0 })
	time.Sleep(500 * time.Millisecond)
	before := runs()
	id := create("Unheard")
	eventually(t, 10*time.Second, "the creation's events relayed", func() bool { return pending() == 0 })
	eventually(t, 10*time.Second, "the creation's timeline activity", func() bool {
		r := get(t, "/rest/timelineActivities?filter=targetPersonId[eq]:"+id, auth...)
		var out struct {
			Data struct {
				TimelineActivities []struct{ Name string } `json:"timelineActivities"`
			} `json:"data"`
		}
		return r.status == http.StatusOK && json.Unmarshal(r.body, &out) == nil &&
			len(out.Data.TimelineActivities) == 1 && out.Data.TimelineActivities[0].Name == "person.created"
	})
	time.Sleep(time.Second) // a job, had there been one, has run by now
	if got := runs(); got != before {
		t.Fatalf("database.event jobs of a workspace nobody listens to = %d, want %d: its events went on the queue", got, before)
	}

	rc := newWebhookReceiver(t)
	createWebhook(t, a.access, rc.URL+"/heard", []string{"person.created"}, "")
	heard := create("Heard")
	eventually(t, 15*time.Second, "the webhook of the creation right after the webhook's", func() bool {
		for _, p := range rc.received("/heard") {
			var b struct {
				Record struct{ ID string } `json:"record"`
			}
			if json.Unmarshal(p.body, &b) == nil && b.Record.ID == heard {
				return true
			}
		}
		return false
	})
	// The job's run is counted once it has fanned out, which can be after the webhook's POST.
	eventually(t, 10*time.Second, "the creation with a webhook counted as a database.event job", func() bool { return runs() >= before+1 })
	time.Sleep(time.Second) // a second job, had there been one, has run by now
	if got := runs(); got != before+1 {
		t.Errorf("database.event jobs = %d, want %d: the creation with a webhook went on the queue once", got, before+1)
	}
}

// TestRelaysEndAfterWrites: every write's relay, the background task that sends its events and
// then deletes its outbox rows, ends. A relay that slept on a Go timer used to wake inside a
// later request and start its delete there, where it never settled once that request had
// answered: a task that never ended, one in thirty writes, holding its memory for good. Reads
// between the writes are what moved the timer: each one lands while the relay waits.
func TestRelaysEndAfterWrites(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access}
	background := func() int {
		return decode[struct {
			Background int `json:"background"`
		}](t, get(t, "/__dev/svc/records/instance")).Background
	}
	eventually(t, 10*time.Second, "the onboarding's background tasks ended", func() bool { return background() == 0 })
	for i := range 30 {
		id := createdPerson(t, a, fmt.Sprintf("Relay %d", i))
		for range 2 {
			if r := get(t, "/rest/people/"+id, auth...); r.status != http.StatusOK {
				t.Fatalf("GET /rest/people/%s = %d %s", id, r.status, r.body)
			}
			time.Sleep(60 * time.Millisecond)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	n := background()
	for n > 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		n = background()
	}
	if n > 0 {
		t.Fatalf("records has %d background tasks still running 5 s after 30 writes: relays that never end", n)
	}
	if rows := outboxRows(t, a); rows != 0 {
		t.Errorf("outbox rows left after the relays = %d, want 0", rows)
	}
}
