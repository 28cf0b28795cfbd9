package main

import (
	"encoding/json"
	"fmt"

	realtimev1 "github.com/twentyworkers/twenty/shared/gen/twenty/realtime/v1"
)

// metadataEvent is Twenty's MetadataEvent (metadata-event.dto.ts) as a room delivers it, to every
// stream of the workspace.
type metadataEvent struct {
	ID       string          `json:"id"`
	RecordID string          `json:"recordId"`
	Date     string          `json:"date"`
	Event    json.RawMessage `json:"event"`
}

type metadataEventJSON struct {
	Type                  string          `json:"type"`
	MetadataName          string          `json:"metadataName"`
	RecordID              string          `json:"recordId"`
	Properties            eventProperties `json:"properties"`
	UpdatedCollectionHash *string         `json:"updatedCollectionHash"`
}

func metadataEvents(in []*realtimev1.MetadataEvent) ([]*metadataEvent, error) {
	out := make([]*metadataEvent, 0, len(in))
	for _, e := range in {
		switch e.GetType() {
		case "CREATED", "UPDATED", "DELETED":
		default:
			return nil, fmt.Errorf("metadata event %s: type %q", e.GetId(), e.GetType())
		}
		if e.GetId() == "" {
			return nil, fmt.Errorf("metadata event of %s has no id", e.GetRecordId())
		}
		props := eventProperties{Before: rawOrNil(e.GetBeforeJson()), After: rawOrNil(e.GetAfterJson())}
		if e.GetType() == "UPDATED" {
			props.UpdatedFields = e.GetUpdatedFields()
		}
		b, err := json.Marshal(metadataEventJSON{Type: e.GetType(), MetadataName: e.GetMetadataName(), RecordID: e.GetRecordId(), Properties: props})
		if err != nil {
			return nil, err
		}
		out = append(out, &metadataEvent{ID: e.GetId(), RecordID: e.GetRecordId(), Date: e.GetEventDate(), Event: b})
	}
	return out, nil
}

func rawOrNil(b []byte) json.RawMessage {
	if len(b) == 0 {
		return nil
	}
	return b
}
