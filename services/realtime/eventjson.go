package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/twentyworkers/twenty/shared/eventsub"
	jobsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/jobs/v1"
)

// recordEvent is one record event as a room delivers it: Twenty's ObjectRecordEvent (JSON, the
// objectRecordEvent of ObjectRecordEventWithQueryIds) with what the room needs to deliver it once
// and in order: the event id, the record and the commit time.
type recordEvent struct {
	ID       string              `json:"id"`
	RecordID string              `json:"recordId"`
	Date     string              `json:"date"`
	Matches  map[string][]string `json:"matches"`
	Event    json.RawMessage     `json:"event"`
	// Variant names, for a stream whose subscriber may not read some of the event's fields, the
	// redacted event of Variants it receives instead of Event (eventviews.go).
	Variant  map[string]string          `json:"variant,omitempty"`
	Variants map[string]json.RawMessage `json:"variants,omitempty"`

	action        string
	before, after map[string]any
	ev            objectRecordEvent
	variantIDs    map[*eventsub.View]string // variant by view, for this batch's matching
	variantKeys   map[string]string         // variant by hidden keys
}

// objectRecordEvent is Twenty's ObjectRecordEvent (event-stream DTOs: object-record-event.dto.ts).
type objectRecordEvent struct {
	Action             string          `json:"action"`
	ObjectNameSingular string          `json:"objectNameSingular"`
	RecordID           string          `json:"recordId"`
	UserID             *string         `json:"userId"`
	WorkspaceMemberID  *string         `json:"workspaceMemberId"`
	Properties         eventProperties `json:"properties"`
}

// eventProperties are ObjectRecordEventProperties: what each action carries in Twenty (created:
// after; updated: before, after, updatedFields and diff; deleted and restored: before and after;
// destroyed: before).
type eventProperties struct {
	UpdatedFields []string                  `json:"updatedFields,omitempty"`
	Before        json.RawMessage           `json:"before,omitempty"`
	After         json.RawMessage           `json:"after,omitempty"`
	Diff          map[string]map[string]any `json:"diff,omitempty"`
}

// actionOf reads the action of a batch named "<object>.<action>" as Twenty's DatabaseEventAction.
func actionOf(name string) (string, error) {
	_, action, ok := strings.Cut(name, ".")
	if !ok || action == "" {
		return "", fmt.Errorf("event name %q is not <object>.<action>", name)
	}
	return strings.ToUpper(action), nil
}

// recordEvents turns a batch into the events a room delivers, their JSON built once for every
// stream.
func recordEvents(b *jobsv1.DatabaseEventBatch) ([]*recordEvent, error) {
	action, err := actionOf(b.GetName())
	if err != nil {
		return nil, err
	}
	out := make([]*recordEvent, 0, len(b.GetEvents()))
	for _, e := range b.GetEvents() {
		re := &recordEvent{ID: e.GetId(), RecordID: e.GetRecordId(), Date: b.GetEventDate(), action: action}
		if re.ID == "" {
			return nil, fmt.Errorf("event of record %s has no id", e.GetRecordId())
		}
		props := eventProperties{}
		if len(e.GetBeforeJson()) > 0 {
			if err := json.Unmarshal(e.GetBeforeJson(), &re.before); err != nil {
				return nil, fmt.Errorf("event %s before: %w", re.ID, err)
			}
			props.Before = e.GetBeforeJson()
		}
		if len(e.GetAfterJson()) > 0 {
			if err := json.Unmarshal(e.GetAfterJson(), &re.after); err != nil {
				return nil, fmt.Errorf("event %s after: %w", re.ID, err)
			}
			props.After = e.GetAfterJson()
		}
		if action == "UPDATED" {
			props.UpdatedFields = e.GetUpdatedFields()
			if props.UpdatedFields == nil {
				props.UpdatedFields = []string{}
			}
			props.Diff = diff(re.before, re.after, props.UpdatedFields)
		}
		ev := objectRecordEvent{
			Action: action, ObjectNameSingular: b.GetObjectNameSingular(), RecordID: e.GetRecordId(),
			UserID: nonEmpty(e.GetUserId()), WorkspaceMemberID: nonEmpty(e.GetWorkspaceMemberId()), Properties: props,
		}
		re.ev = ev
		if re.Event, err = json.Marshal(ev); err != nil {
			return nil, fmt.Errorf("event %s: %w", re.ID, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// diff is Twenty's objectRecordChangedValues: {field: {before, after}} for each updated field
// whose value changed.
func diff(before, after map[string]any, fields []string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, f := range fields {
		b, a := before[f], after[f]
		if reflect.DeepEqual(a, b) {
			continue
		}
		out[f] = map[string]any{"before": b, "after": a}
	}
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
