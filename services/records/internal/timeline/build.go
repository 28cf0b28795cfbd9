package timeline

import (
	"time"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

// payload is an activity before it is placed: Twenty's TimelineActivityPayload.
type payload struct {
	event                                                          *event
	name                                                           string
	object                                                         string // the object of the record it is on
	recordID                                                       string
	memberID                                                       string
	diff                                                           map[string]Change
	linkedRecordCachedName, linkedRecordID, linkedObjectMetadataID string
}

// Writes are the timelineActivity rows a batch inserts and the recent ones it merges into.
type Writes struct {
	Insert []Activity
	Update []Activity
}

// Build returns the activities the batch makes, given what [Plan.Reads] read.
func (p *Plan) Build(l Lookups) Writes {
	var out Writes
	recent := make([]Activity, len(l.Recent))
	copy(recent, l.Recent)
	updated := map[string]int{} // index in out.Update by id
	for _, pl := range p.payloads(l) {
		// Only an update that changed something is on the timeline.
		if pl.event.action == actionUpdated && pl.linkedRecordID == "" && len(pl.diff) == 0 {
			continue
		}
		col, ok := targetColumn(p.timeline, pl.object)
		if !ok {
			continue // an object without a timeline
		}
		key := pl.event.id
		if key == "" {
			key = p.date
		}
		a := Activity{
			ID: activityID(key, pl.name, pl.object, pl.recordID), Name: pl.name,
			HappensAt: p.date, CreatedAt: p.date, UpdatedAt: p.date,
			Diff: pl.diff, WorkspaceMemberID: pl.memberID,
			LinkedRecordCachedName: pl.linkedRecordCachedName, LinkedRecordID: pl.linkedRecordID, LinkedObjectMetadataID: pl.linkedObjectMetadataID,
			TargetColumn: col, TargetObject: pl.object, RecordID: pl.recordID,
		}
		i := p.recentFor(recent, a)
		switch {
		case i < 0:
			out.Insert = append(out.Insert, a)
		case recent[i].ID == a.ID || recent[i].UpdatedAt > p.date:
			// Written before (a redelivered event), or a later event went into it already.
		default:
			r := &recent[i]
			r.Diff = mergeDiffs(r.Diff, a.Diff)
			r.WorkspaceMemberID = a.WorkspaceMemberID
			r.UpdatedAt = p.date
			if j, ok := updated[r.ID]; ok {
				out.Update[j] = *r
			} else {
				updated[r.ID] = len(out.Update)
				out.Update = append(out.Update, *r)
			}
		}
	}
	return out
}

// recentFor returns the index of the activity a goes into: its own row when the event was handled
// already, else the latest one of the same name by the same member on the same record (and linked
// record) created in the merge window before a's event, or -1. Activities created after the event
// are not candidates: a batch delivered late must not fold an older change over a newer one. An
// event without a member (an API key's) goes into none, as Twenty's lookup of a null member
// (workspaceMemberId IN (NULL)) finds none.
func (p *Plan) recentFor(recent []Activity, a Activity) int {
	from := windowStart(p.date)
	best := -1
	for i, r := range recent {
		if r.ID == a.ID {
			return i
		}
		if a.WorkspaceMemberID == "" || r.Name != a.Name || r.TargetColumn != a.TargetColumn || r.RecordID != a.RecordID ||
			r.WorkspaceMemberID != a.WorkspaceMemberID || (a.LinkedRecordID != "" && r.LinkedRecordID != a.LinkedRecordID) ||
			r.CreatedAt < from || r.CreatedAt > p.date {
			continue
		}
		if best < 0 || r.CreatedAt > recent[best].CreatedAt {
			best = i
		}
	}
	return best
}

// windowStart is the earliest creation time of an activity an event at date may go into.
func windowStart(date string) string {
	t, err := time.Parse(metadata.DateTimeLayout, date)
	if err != nil {
		return date
	}
	return t.Add(-MergeWindow).Format(metadata.DateTimeLayout)
}

// payloads are the batch's activities in Twenty's order (TimelineActivityService
// transformEventsToTimelineActivityPayloads): a note's (task's) linked activities before its own.
func (p *Plan) payloads(l Lookups) []payload {
	var linked, own []payload
	_, isActivity := junctionOf(p.object.NameSingular)
	activityType, isJunction := activityJunctions[p.object.NameSingular]
	for i := range p.events {
		e := &p.events[i]
		member := e.memberID
		if m, ok := l.Members[e.userID]; ok && e.userID != "" {
			member = m // Twenty's job names the user's member when it finds one
		}
		switch {
		case isJunction:
			if pl, ok := p.junctionPayload(e, activityType, member, l); ok {
				linked = append(linked, pl)
			}
		case isActivity:
			title, ok := e.diff["title"]
			if ok && title.After != nil {
				for _, t := range l.Links[e.recordID] {
					name, _ := title.After.(string)
					linked = append(linked, payload{event: e, name: "linked-" + p.object.NameSingular + "." + e.action, object: t.Object, recordID: t.RecordID,
						memberID: member, diff: e.diff, linkedRecordCachedName: name, linkedRecordID: e.recordID, linkedObjectMetadataID: p.object.ID})
				}
			}
			fallthrough
		default:
			own = append(own, payload{event: e, name: p.object.NameSingular + "." + e.action, object: p.object.NameSingular, recordID: e.recordID, memberID: member, diff: e.diff})
		}
	}
	return append(linked, own...)
}

// junctionPayload is the linked activity a noteTarget (taskTarget) event makes on the record it
// attaches its note to, named after the note, with properties {}; none when the note is gone.
func (p *Plan) junctionPayload(e *event, activityType, member string, l Lookups) (payload, bool) {
	row := e.after
	if row == nil {
		row = e.before
	}
	activityID, _ := row[activityType+"Id"].(string)
	title, live := l.Titles[activityID]
	activity, ok := findObject(p.objects, "", activityType)
	if !live || !ok {
		return payload{}, false
	}
	for _, link := range junctionLinks(p.object, activityType) {
		if id, _ := row[link.column].(string); id != "" {
			return payload{event: e, name: "linked-" + activityType + "." + e.action, object: link.object, recordID: id, memberID: member,
				linkedRecordCachedName: title, linkedRecordID: activityID, linkedObjectMetadataID: activity.ID}, true
		}
	}
	return payload{}, false
}

// junctionLink is one of a junction object's MANY_TO_ONE relations other than to its activity.
type junctionLink struct{ column, object string }

// junctionLinks returns the join columns of junction's links, in field order: Twenty takes the
// first that is set.
func junctionLinks(junction metadata.Object, activityType string) []junctionLink {
	var out []junctionLink
	for _, f := range junction.Fields {
		if !f.Type.IsRelation() || f.Relation == nil || f.Relation.Type != metadata.ManyToOne || f.Relation.TargetObjectNameSingular == activityType {
			continue
		}
		if cols := metadata.Columns(f); len(cols) == 1 {
			out = append(out, junctionLink{column: cols[0].Name, object: f.Relation.TargetObjectNameSingular})
		}
	}
	return out
}

// targetColumn returns the timelineActivity join column that points at records of object
// (targetPerson's targetPersonId), if the object has a timeline.
func targetColumn(tl metadata.Object, object string) (string, bool) {
	for _, f := range tl.Fields {
		if f.Type == metadata.TypeMorphRelation && f.Relation != nil && f.Relation.Type == metadata.ManyToOne && f.Relation.TargetObjectNameSingular == object {
			if cols := metadata.Columns(f); len(cols) == 1 {
				return cols[0].Name, true
			}
		}
	}
	return "", false
}

// targetColumns returns every timelineActivity join column to a record, with its object.
func targetColumns(tl metadata.Object) []junctionLink {
	var out []junctionLink
	for _, f := range tl.Fields {
		if f.Type == metadata.TypeMorphRelation && f.Relation != nil && f.Relation.Type == metadata.ManyToOne {
			if cols := metadata.Columns(f); len(cols) == 1 {
				out = append(out, junctionLink{column: cols[0].Name, object: f.Relation.TargetObjectNameSingular})
			}
		}
	}
	return out
}
