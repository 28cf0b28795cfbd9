package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/shared/eventsub"
)

// A stream sees only what its subscriber's role may read (Twenty's ObjectRecordEventPublisher):
// no event of an object it may not read, and the fields it may not read left out of the record's
// before and after, of the update's diff and of its updatedFields; an update of hidden fields
// alone is not sent at all. The gateway reads the subscriber's permissions once when the stream
// opens and again on each addQueryToEventStream (eventsub.View); the room keeps the view with
// the stream and hands it to this Worker with the stream's queries (roomState.Views), so that
// matching a batch asks nothing more. The room delivers a stream the event variant this Worker
// names for it (recordEvent.Variant), computed once per event and set of hidden keys.

// visible answers the event a stream with view v receives: the shared event (variant ""), a
// redacted variant, or nothing (ok false). e.variantIDs remembers the answer by view (streams
// with the same view share one: compileViews), so each variant is built once per event.
func (e *recordEvent) visible(object string, v *eventsub.View) (variant string, ok bool, err error) {
	if v == nil {
		return "", true, nil
	}
	if id, seen := e.variantIDs[v]; seen {
		return id, id != skipped, nil
	}
	if e.variantIDs == nil {
		e.variantIDs = map[*eventsub.View]string{}
	}
	if v.Denies(object) {
		e.variantIDs[v] = skipped
		return "", false, nil
	}
	hidden := v.Hidden(object)
	if !e.shows(hidden) {
		e.variantIDs[v] = ""
		return "", true, nil
	}
	key := strings.Join(hidden, "\x00")
	if id, seen := e.variantKeys[key]; seen { // another view hiding the same keys of this object
		e.variantIDs[v] = id
		return id, id != skipped, nil
	}
	if e.variantKeys == nil {
		e.variantKeys = map[string]string{}
	}
	b, keep, err := e.redacted(hidden)
	if err != nil {
		return "", false, err
	}
	if !keep {
		e.variantIDs[v], e.variantKeys[key] = skipped, skipped
		return "", false, nil
	}
	id := fmt.Sprintf("v%d", len(e.Variants)+1)
	if e.Variants == nil {
		e.Variants = map[string]json.RawMessage{}
	}
	e.Variants[id] = b
	e.variantIDs[v], e.variantKeys[key] = id, id
	return id, true, nil
}

// skipped marks a set of hidden keys for which the event is not sent.
const skipped = "-"

// shows reports whether any of hidden is in the event: a key the record does not have needs no
// variant.
func (e *recordEvent) shows(hidden []string) bool {
	for _, k := range hidden {
		if _, ok := e.before[k]; ok {
			return true
		}
		if _, ok := e.after[k]; ok {
			return true
		}
		if slices.Contains(e.ev.Properties.UpdatedFields, k) {
			return true
		}
	}
	return false
}

// redacted is the event's JSON without hidden; keep is false for an update whose updated
// fields are all hidden (Twenty sends no event for it).
func (e *recordEvent) redacted(hidden []string) (b json.RawMessage, keep bool, err error) {
	ev := e.ev
	p := ev.Properties
	without := func(m map[string]any) (json.RawMessage, error) {
		if m == nil {
			return nil, nil
		}
		out := make(map[string]any, len(m))
		for k, v := range m {
			if !slices.Contains(hidden, k) {
				out[k] = v
			}
		}
		return json.Marshal(out)
	}
	if p.Before, err = without(e.before); err != nil {
		return nil, false, fmt.Errorf("event %s: %w", e.ID, err)
	}
	if p.After, err = without(e.after); err != nil {
		return nil, false, fmt.Errorf("event %s: %w", e.ID, err)
	}
	if p.UpdatedFields != nil {
		fields := make([]string, 0, len(p.UpdatedFields))
		for _, f := range p.UpdatedFields {
			if !slices.Contains(hidden, f) {
				fields = append(fields, f)
			}
		}
		if len(fields) == 0 && len(p.UpdatedFields) > 0 {
			return nil, false, nil
		}
		p.UpdatedFields = fields
	}
	if p.Diff != nil {
		diff := make(map[string]map[string]any, len(p.Diff))
		for f, d := range p.Diff {
			if !slices.Contains(hidden, f) {
				diff[f] = d
			}
		}
		p.Diff = diff
	}
	ev.Properties = p
	if b, err = json.Marshal(ev); err != nil {
		return nil, false, fmt.Errorf("event %s: %w", e.ID, err)
	}
	return b, true, nil
}

// compileViews parses a room's stream views, one *View per distinct view (the streams of one
// role share it); one that does not parse hides every object (an unreadable view must not show
// what it would have hidden).
func compileViews(raw map[string]json.RawMessage) map[string]*eventsub.View {
	if len(raw) == 0 {
		return nil
	}
	out := make(map[string]*eventsub.View, len(raw))
	parsed := map[string]*eventsub.View{}
	for sid, b := range raw {
		v, ok := parsed[string(b)]
		if !ok {
			if err := json.Unmarshal(b, &v); err != nil {
				v = &eventsub.View{Deny: []string{"*"}}
			}
			parsed[string(b)] = v
		}
		if v != nil {
			out[sid] = v
		}
	}
	return out
}
