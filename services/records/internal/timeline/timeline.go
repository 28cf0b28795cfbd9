// Package timeline turns record event batches into Twenty's timeline activities, the rows of the
// timelineActivity object a record's timeline shows, as Twenty's UpsertTimelineActivityFromInternalEvent
// job, TimelineActivityService and TimelineActivityRepository write them
// (packages/twenty-server/src/modules/timeline):
//
//   - every record event but destroyed makes "<object>.<action>" on the record (person.created in
//     targetPersonId); an update's properties are {"diff": …} of the fields it changed (none: no
//     activity), every other action's are {};
//   - system objects have no timeline, except noteTarget and taskTarget, whose events make
//     "linked-note.<action>" ("linked-task.…") on the record the note is attached to, naming the
//     note (linkedRecordId, linkedRecordCachedName: its title, linkedObjectMetadataId);
//   - a note's or task's own events also make linked-note.<action> on each record it is attached to
//     when they carry its title in their diff (a renamed note);
//   - an activity goes into the same member's activity of the same name on the same record (and
//     the same linked record) created in the ten minutes before, its diff merged, instead of
//     making a new one.
//
// The package is pure: a [Plan] says what it must read from the workspace's tables (statements
// from [Plan.Reads]), and [Plan.Build] turns what was read into the rows to insert and update
// ([Writes.Stmts]). It never emits record events: the timeline is not itself on the timeline.
package timeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

// Object is the name of the timeline's object.
const Object = "timelineActivity"

// MergeWindow is how recent an activity must be for a new one to go into it: Twenty's ten minutes.
const MergeWindow = 10 * time.Minute

// The actions an activity can be named for (Twenty's DatabaseEventAction, lower case).
const (
	actionCreated   = "created"
	actionUpdated   = "updated"
	actionDeleted   = "deleted"
	actionRestored  = "restored"
	actionUpserted  = "upserted"
	actionDestroyed = "destroyed"
)

// activityJunctions are Twenty's activity objects (note, task) by their junction object
// (noteTarget, taskTarget): the system objects with a timeline (SYSTEM_OBJECTS_WITH_TIMELINE_ACTIVITIES).
var activityJunctions = map[string]string{"noteTarget": "note", "taskTarget": "task"}

// junctionOf returns the junction object of activity object name ("note" → "noteTarget").
func junctionOf(name string) (string, bool) {
	for j, a := range activityJunctions {
		if a == name {
			return j, true
		}
	}
	return "", false
}

// Activity is one timelineActivity row.
type Activity struct {
	ID   string
	Name string
	// HappensAt, CreatedAt and UpdatedAt are timestamps in metadata.DateTimeLayout. CreatedAt is
	// the time of the event that made the activity, UpdatedAt of the last one merged into it.
	HappensAt, CreatedAt, UpdatedAt string
	// Diff is the properties' diff; nil for properties {}.
	Diff                   map[string]Change
	WorkspaceMemberID      string
	LinkedRecordCachedName string
	LinkedRecordID         string
	LinkedObjectMetadataID string
	// TargetColumn is the join column naming the record the activity is on (targetPersonId),
	// TargetObject that record's object and RecordID its id.
	TargetColumn, TargetObject, RecordID string
}

// Link is a record a note or task is attached to: a noteTarget's non-null join column.
type Link struct {
	Object, RecordID string
}

// Lookups are what a plan read from the workspace's tables (see [Plan.Reads]).
type Lookups struct {
	// Links are the records each note (task) of the batch is attached to, by its id.
	Links map[string][]Link
	// Titles are the titles of the live notes (tasks) the batch's junction rows point at, by id.
	Titles map[string]string
	// Members are the workspace members of the batch's users, by user id.
	Members map[string]string
	// Recent are the activities the batch's activities may be merged into.
	Recent []Activity
}

// event is one record event of the batch, decoded.
type event struct {
	id, recordID, userID, memberID string
	action                         string
	before, after                  map[string]any
	diff                           map[string]Change // updates only
}

// Plan is the work one record event batch asks of the timeline.
type Plan struct {
	workspaceID string
	object      metadata.Object
	objects     []metadata.Object
	timeline    metadata.Object
	// date is when the events happened (metadata.DateTimeLayout).
	date   string
	events []event
}

// ErrUnknownObject reports a batch of an object the workspace's objects do not have: one created
// since they were read (read them again), or deleted since the event (nothing to write).
var ErrUnknownObject = errors.New("timeline: the batch's object is not among the workspace's objects")

// NewPlan decodes b against the workspace's objects. It returns nil when the batch makes no
// activity: a destroyed record (its timeline goes with it), an object without a timeline (a
// system object, the timeline itself). now stands in for a batch without an event date.
func NewPlan(b *jobsv1.DatabaseEventBatch, objects []metadata.Object, now time.Time) (*Plan, error) {
	action, named := strings.CutPrefix(b.GetName(), b.GetObjectNameSingular()+".")
	if !named || action == actionDestroyed {
		return nil, nil
	}
	obj, ok := findObject(objects, b.GetObjectMetadataId(), b.GetObjectNameSingular())
	if !ok {
		return nil, ErrUnknownObject
	}
	switch action {
	case actionCreated, actionUpdated, actionDeleted, actionRestored, actionUpserted:
	default:
		return nil, nil
	}
	if _, junction := activityJunctions[obj.NameSingular]; obj.IsSystem && !junction {
		return nil, nil
	}
	tl, ok := findObject(objects, "", Object)
	if !ok {
		return nil, nil
	}
	p := &Plan{workspaceID: b.GetWorkspaceId(), object: obj, objects: objects, timeline: tl, date: eventDate(b.GetEventDate(), now)}
	for _, e := range b.GetEvents() {
		ev := event{id: e.GetId(), recordID: e.GetRecordId(), userID: e.GetUserId(), memberID: e.GetWorkspaceMemberId(), action: action}
		var err error
		if ev.before, err = decodeRecord(e.GetBeforeJson()); err != nil {
			return nil, fmt.Errorf("event %s before: %w", e.GetId(), err)
		}
		if ev.after, err = decodeRecord(e.GetAfterJson()); err != nil {
			return nil, fmt.Errorf("event %s after: %w", e.GetId(), err)
		}
		if ev.recordID == "" {
			continue
		}
		// Twenty's upsert emits created for the records it inserted and updated for the others;
		// this Worker's upsert names both "upserted", so the timeline tells them apart here.
		if action == actionUpserted {
			ev.action = actionUpdated
			if ev.before == nil {
				ev.action = actionCreated
			}
		}
		if ev.action == actionUpdated {
			ev.diff = diff(obj, ev.before, ev.after)
		}
		p.events = append(p.events, ev)
	}
	if len(p.events) == 0 {
		return nil, nil
	}
	return p, nil
}

func findObject(objects []metadata.Object, id, name string) (metadata.Object, bool) {
	for _, o := range objects {
		if (id != "" && o.ID == id) || (id == "" && o.NameSingular == name) {
			return o, true
		}
	}
	if id != "" {
		return findObject(objects, "", name)
	}
	return metadata.Object{}, false
}

// eventDate is the batch's event date in metadata.DateTimeLayout: when the mutation committed,
// which is when Twenty's timeline says it happened (the record's updatedAt there, stamped by its
// ORM on every write, soft deletes and restores too).
func eventDate(s string, now time.Time) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t = now
	}
	return t.UTC().Format(metadata.DateTimeLayout)
}

func decodeRecord(data []byte) (map[string]any, error) {
	if len(data) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// activityID derives an activity's id from its event's id, so a redelivered event makes the same
// row, which the insert then skips.
func activityID(eventID, name, targetObject, recordID string) string {
	return ids.NameUUID(activityNamespace, eventID+"\x00"+name+"\x00"+targetObject+"\x00"+recordID)
}

// activityNamespace is the UUID namespace of activity ids.
const activityNamespace = "5b0a6f36-3b1e-4c57-9a53-2f3f8e1f6c11"
