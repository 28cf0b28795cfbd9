package timeline

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"google.golang.org/protobuf/proto"
)

const (
	ws      = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
	person  = "11111111-1111-4111-8111-111111111111"
	company = "22222222-2222-4222-8222-222222222222"
	note    = "33333333-3333-4333-8333-333333333333"
	junct   = "44444444-4444-4444-8444-444444444444"
	member  = "55555555-5555-4555-8555-555555555555"
	other   = "66666666-6666-4666-8666-666666666666"
	user    = "77777777-7777-4777-8777-777777777777"
	evID    = "88888888-8888-4888-8888-888888888888"
	at      = "2026-12-06T10:00:00.000Z"
)

// standard returns the standard objects with ids ("id-<name>").
func standard() []metadata.Object {
	objs := metadata.StandardObjects()
	for i := range objs {
		objs[i].ID = "id-" + objs[i].NameSingular
	}
	return objs
}

// rec is a record's JSON.
func rec(kv ...any) []byte {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return b
}

func batch(object, action string, events ...*jobsv1.DatabaseEvent) *jobsv1.DatabaseEventBatch {
	return &jobsv1.DatabaseEventBatch{Name: object + "." + action, WorkspaceId: ws, ObjectNameSingular: object, ObjectMetadataId: "id-" + object, EventDate: at, Events: events}
}

func ev(record string, before, after []byte) *jobsv1.DatabaseEvent {
	return &jobsv1.DatabaseEvent{Id: evID, RecordId: record, WorkspaceMemberId: member, BeforeJson: before, AfterJson: after}
}

// activity is an inserted activity of the test's event at the test's date.
func activity(name, object, record string, d map[string]Change) Activity {
	col, _ := targetColumn(timelineOf(standard()), object)
	return Activity{ID: activityID(evID, name, object, record), Name: name, HappensAt: at, CreatedAt: at, UpdatedAt: at, Diff: d,
		WorkspaceMemberID: member, TargetColumn: col, TargetObject: object, RecordID: record}
}

func timelineOf(objs []metadata.Object) metadata.Object {
	o, _ := findObject(objs, "", Object)
	return o
}

func linked(a Activity, title string) Activity {
	a.LinkedRecordCachedName, a.LinkedRecordID, a.LinkedObjectMetadataID = title, note, "id-note"
	return a
}

// minutesBefore is at minus n minutes.
func minutesBefore(n int) string {
	t, _ := time.Parse(metadata.DateTimeLayout, at)
	return t.Add(-time.Duration(n) * time.Minute).Format(metadata.DateTimeLayout)
}

func recent(id string, minutesAgo int, memberID string, d map[string]Change) Activity {
	when := minutesBefore(minutesAgo)
	return Activity{ID: id, Name: "person.updated", CreatedAt: when, UpdatedAt: when, HappensAt: when, Diff: d, WorkspaceMemberID: memberID,
		TargetColumn: "targetPersonId", TargetObject: "person", RecordID: person}
}

func TestBuild(t *testing.T) {
	cityOslo := map[string]Change{"city": {Before: "", After: "Oslo"}}
	withUser := ev(person, nil, rec("id", person))
	withUser.UserId, withUser.WorkspaceMemberId = user, ""
	upsertNew := ev(person, nil, rec("id", person))
	upsertOld := ev(company, rec("id", company, "name", "A"), rec("id", company, "name", "B"))
	upsertOld.Id = "other-event"
	tests := []struct {
		name  string
		batch *jobsv1.DatabaseEventBatch
		l     Lookups
		want  Writes
	}{{
		name:  "created: {} on the record",
		batch: batch("person", "created", ev(person, nil, rec("id", person, "city", "Oslo"))),
		want:  Writes{Insert: []Activity{activity("person.created", "person", person, nil)}},
	}, {
		name: "updated: the diff of the fields that changed, updatedAt and relations aside",
		batch: batch("person", "updated", ev(person,
			rec("id", person, "city", "", "updatedAt", "a", "name", map[string]any{"firstName": "Ada"}, "company", nil),
			rec("id", person, "city", "Oslo", "updatedAt", "b", "name", map[string]any{"firstName": "Ada"}, "company", map[string]any{"id": company}))),
		want: Writes{Insert: []Activity{activity("person.updated", "person", person, cityOslo)}},
	}, {
		name:  "updated without a change: nothing",
		batch: batch("person", "updated", ev(person, rec("id", person, "updatedAt", "a"), rec("id", person, "updatedAt", "b"))),
	}, {
		name:  "deleted and restored: {}",
		batch: batch("company", "deleted", ev(company, rec("id", company), rec("id", company, "deletedAt", at))),
		want:  Writes{Insert: []Activity{activity("company.deleted", "company", company, nil)}},
	}, {
		name:  "upserted: created for a new record, updated for one that was there",
		batch: batch("company", "upserted", upsertNew, upsertOld),
		want: Writes{Insert: []Activity{
			activity("company.created", "company", person, nil),
			func() Activity {
				a := activity("company.updated", "company", company, map[string]Change{"name": {Before: "A", After: "B"}})
				a.ID = activityID("other-event", "company.updated", "company", company)
				return a
			}(),
		}},
	}, {
		name:  "the user's workspace member",
		batch: batch("person", "created", withUser),
		l:     Lookups{Members: map[string]string{user: other}},
		want: Writes{Insert: []Activity{func() Activity {
			a := activity("person.created", "person", person, nil)
			a.WorkspaceMemberID = other
			return a
		}()}},
	}, {
		name:  "noteTarget created: linked-note.created on the person, named after the note",
		batch: batch("noteTarget", "created", ev(junct, nil, rec("id", junct, "noteId", note, "personId", person, "companyId", nil))),
		l:     Lookups{Titles: map[string]string{note: "Call notes"}},
		want:  Writes{Insert: []Activity{linked(activity("linked-note.created", "person", person, nil), "Call notes")}},
	}, {
		name:  "noteTarget of a note gone: nothing",
		batch: batch("noteTarget", "created", ev(junct, nil, rec("id", junct, "noteId", note, "companyId", company))),
	}, {
		name:  "taskTarget deleted: linked-task.deleted on the company",
		batch: batch("taskTarget", "deleted", ev(junct, rec("id", junct, "taskId", note, "companyId", company), rec("id", junct, "taskId", note, "companyId", company, "deletedAt", at))),
		l:     Lookups{Titles: map[string]string{note: "Follow up"}},
		want: Writes{Insert: []Activity{func() Activity {
			a := linked(activity("linked-task.deleted", "company", company, nil), "Follow up")
			a.LinkedObjectMetadataID = "id-task"
			return a
		}()}},
	}, {
		name:  "note renamed: linked-note.updated on each record it is attached to, then note.updated",
		batch: batch("note", "updated", ev(note, rec("id", note, "title", "Old"), rec("id", note, "title", "New"))),
		l:     Lookups{Links: map[string][]Link{note: {{"person", person}, {"company", company}}}},
		want: Writes{Insert: []Activity{
			linked(activity("linked-note.updated", "person", person, map[string]Change{"title": {Before: "Old", After: "New"}}), "New"),
			linked(activity("linked-note.updated", "company", company, map[string]Change{"title": {Before: "Old", After: "New"}}), "New"),
			activity("note.updated", "note", note, map[string]Change{"title": {Before: "Old", After: "New"}}),
		}},
	}, {
		name:  "note created: its own activity only",
		batch: batch("note", "created", ev(note, nil, rec("id", note, "title", "New"))),
		l:     Lookups{Links: map[string][]Link{note: {{"person", person}}}},
		want:  Writes{Insert: []Activity{activity("note.created", "note", note, nil)}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlan(tc.batch, standard(), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			got := p.Build(tc.l)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Build (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoPlan(t *testing.T) {
	for _, b := range []*jobsv1.DatabaseEventBatch{
		batch("person", "destroyed", ev(person, rec("id", person), nil)),
		batch("timelineActivity", "created", ev(person, nil, rec("id", person))),
		batch("workspaceMember", "updated", ev(member, rec("id", member, "colorScheme", "Light"), rec("id", member, "colorScheme", "Dark"))),
		batch("favorite", "created", ev(person, nil, rec("id", person))),
		batch("attachment", "created", ev(person, nil, rec("id", person))),
		batch("person", "created"),
	} {
		p, err := NewPlan(b, standard(), time.Now())
		if p != nil || err != nil {
			t.Errorf("NewPlan(%s) = %v, %v; want nothing to do", b.GetName(), p, err)
		}
	}
	b := batch("pet", "created", ev(person, nil, rec("id", person)))
	b.ObjectMetadataId = "id-pet"
	if _, err := NewPlan(b, standard(), time.Now()); err != ErrUnknownObject {
		t.Errorf("NewPlan(pet.created) error = %v, want ErrUnknownObject", err)
	}
}

func TestBuildMerges(t *testing.T) {
	cityA := map[string]Change{"city": {Before: "", After: "A"}}
	update := batch("person", "updated", ev(person, rec("id", person, "city", "A"), rec("id", person, "city", "B")))
	mine := activity("person.updated", "person", person, map[string]Change{"city": {Before: "A", After: "B"}})
	merged := func(r Activity, d map[string]Change) Activity {
		r.Diff, r.UpdatedAt = d, at
		return r
	}
	tests := []struct {
		name      string
		anonymous bool // an event without a member
		recent    []Activity
		want      Writes
	}{{
		name:   "the same member's update of five minutes ago takes the change",
		recent: []Activity{recent("r1", 5, member, cityA)},
		want:   Writes{Update: []Activity{merged(recent("r1", 5, member, cityA), map[string]Change{"city": {Before: "", After: "B"}})}},
	}, {
		name:   "the latest of two recent ones",
		recent: []Activity{recent("r1", 8, member, cityA), recent("r2", 3, member, nil)},
		want:   Writes{Update: []Activity{merged(recent("r2", 3, member, nil), map[string]Change{"city": {Before: "A", After: "B"}})}},
	}, {
		name:   "a change undone drops out of the diff",
		recent: []Activity{recent("r1", 5, member, map[string]Change{"city": {Before: "B", After: "A"}})},
		want:   Writes{Update: []Activity{merged(recent("r1", 5, member, nil), map[string]Change{})}},
	}, {
		name:   "eleven minutes ago is too old",
		recent: []Activity{recent("r1", 11, member, cityA)},
		want:   Writes{Insert: []Activity{mine}},
	}, {
		name:   "another member's is not merged into",
		recent: []Activity{recent("r1", 5, other, cityA)},
		want:   Writes{Insert: []Activity{mine}},
	}, {
		name:      "an event without a member goes into none",
		anonymous: true,
		recent:    []Activity{recent("r1", 5, "", cityA)},
		want: Writes{Insert: []Activity{func() Activity {
			a := mine
			a.WorkspaceMemberID = ""
			return a
		}()}},
	}, {
		name:   "the event's own row: written already",
		recent: []Activity{mine},
	}, {
		name: "one a later event went into already: this one is redelivered",
		recent: []Activity{func() Activity {
			r := recent("r1", 5, member, cityA)
			r.UpdatedAt = "2026-12-06T10:01:00.000Z"
			return r
		}()},
	}, {
		name:   "one created after the event is no candidate",
		recent: []Activity{recent("r1", -1, member, cityA)},
		want:   Writes{Insert: []Activity{mine}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := proto.Clone(update).(*jobsv1.DatabaseEventBatch)
			if tc.anonymous {
				b.Events[0].WorkspaceMemberId = ""
			}
			p, err := NewPlan(b, standard(), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			got := p.Build(Lookups{Recent: tc.recent})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Build (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergeDiffs(t *testing.T) {
	tests := []struct {
		name              string
		old, recent, want map[string]Change
	}{
		{"before of the old, after of the new", map[string]Change{"a": {1.0, 2.0}}, map[string]Change{"a": {2.0, 3.0}}, map[string]Change{"a": {1.0, 3.0}}},
		{"fields of either kept", map[string]Change{"a": {1.0, 2.0}}, map[string]Change{"b": {"x", "y"}}, map[string]Change{"a": {1.0, 2.0}, "b": {"x", "y"}}},
		{"empty values are equal", map[string]Change{"a": {nil, "x"}}, map[string]Change{"a": {"x", ""}}, map[string]Change{}},
		{"nested empties too", map[string]Change{"n": {map[string]any{"f": ""}, map[string]any{"f": "A"}}}, map[string]Change{"n": {map[string]any{"f": "A"}, map[string]any{"f": nil}}}, map[string]Change{}},
		{"from no diff", nil, map[string]Change{"a": {1.0, 2.0}}, map[string]Change{"a": {1.0, 2.0}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, mergeDiffs(tc.old, tc.recent)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestBuildCustomObject: a custom object's records have a timeline in the target<Name>Id column its
// creation added to timelineActivity.
func TestBuildCustomObject(t *testing.T) {
	objs := standard()
	pet := metadata.CustomObject("pet", "pets", "Pet", "Pets")
	pet.ID = "id-pet"
	for _, l := range metadata.CustomObjectLinks(pet) {
		for i := range objs {
			if objs[i].NameSingular == l.Object {
				objs[i].Fields = append(objs[i].Fields, l.Field)
			}
		}
	}
	objs = append(objs, pet)
	p, err := NewPlan(batch("pet", "created", ev(person, nil, rec("id", person, "name", "Rex"))), objs, time.Now())
	if err != nil || p == nil {
		t.Fatalf("NewPlan = %v, %v", p, err)
	}
	got := p.Build(Lookups{}).Insert
	want := []Activity{{ID: activityID(evID, "pet.created", "pet", person), Name: "pet.created", HappensAt: at, CreatedAt: at, UpdatedAt: at,
		WorkspaceMemberID: member, TargetColumn: "targetPetId", TargetObject: "pet", RecordID: person}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Build (-want +got):\n%s", diff)
	}
}
