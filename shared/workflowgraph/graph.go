// Package workflowgraph edits a workflow version's step graph as Twenty's workflow builder does:
// the trigger and steps are JSON (map[string]any, so that fields this package does not know
// survive an edit), and every function is pure — it answers new values and leaves its
// arguments untouched — so that a caller can load a version, edit it and write it back in one
// update. The functions mirror Twenty's workflow-builder services (insertStep, removeStep, the
// edge builders, the step defaults, the duplicate and draft copies) and its
// computeWorkflowVersionStepChanges (a microdiff of the trigger and of the steps).
package workflowgraph

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// TriggerStepID is the id by which steps and edges name the trigger.
const TriggerStepID = "trigger"

// Step types this package treats specially.
const (
	TypeIterator = "ITERATOR"
	TypeIfElse   = "IF_ELSE"
	TypeEmpty    = "EMPTY"
)

// Error is a refusal of an edit, with Twenty's exception code (NOT_FOUND, INVALID_REQUEST).
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Codes of Error.
const (
	CodeNotFound       = "NOT_FOUND"
	CodeInvalidRequest = "INVALID_REQUEST"
)

func invalid(format string, args ...any) error {
	return &Error{Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// IsNotFound reports whether err is a NOT_FOUND refusal.
func IsNotFound(err error) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Code == CodeNotFound
}

// Step is one step (or the trigger) as JSON.
type Step = map[string]any

// ConnectionOptions are Twenty's WorkflowStepConnectionOptions: which handle of the parent (or
// source) step an edge leaves from. {connectedStepType: ITERATOR, settings: {isConnectedToLoop}}
// connects to an iterator's loop; IF_ELSE names a branch (branchId), which Twenty edits through
// the branch's settings.
type ConnectionOptions struct {
	ConnectedStepType string `json:"connectedStepType"`
	Settings          struct {
		IsConnectedToLoop bool   `json:"isConnectedToLoop"`
		BranchID          string `json:"branchId,omitempty"`
	} `json:"settings"`
}

// ParseConnectionOptions reads the JSON argument of that name; nil or null is none.
func ParseConnectionOptions(v any) (*ConnectionOptions, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, invalid("Invalid connection options")
	}
	var o ConnectionOptions
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, invalid("Invalid connection options")
	}
	return &o, nil
}

// Clone deep-copies a JSON value, so that edits of the copy leave the original alone.
func Clone[T any](v T) T {
	c, _ := cloneAny(v).(T) // nil stays nil
	return c
}

func cloneAny(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if t == nil {
			return t
		}
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = cloneAny(x)
		}
		return m
	case []any:
		if t == nil {
			return t
		}
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = cloneAny(x)
		}
		return s
	case []Step:
		if t == nil {
			return t
		}
		s := make([]Step, len(t))
		for i, x := range t {
			s[i] = cloneAny(x).(map[string]any)
		}
		return s
	case []string:
		return slices.Clone(t)
	}
	return v
}

// StepID is a step's id ("" when it has none).
func StepID(s Step) string {
	id, _ := s["id"].(string)
	return id
}

// StepType is a step's type.
func StepType(s Step) string {
	t, _ := s["type"].(string)
	return t
}

// ids reads a JSON list of ids (nextStepIds, initialLoopStepIds); ok is false when absent or null.
func ids(v any) (out []string, ok bool) {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			if s, isString := x.(string); isString {
				out = append(out, s)
			}
		}
		return out, true
	case []string:
		return slices.Clone(t), true
	}
	return nil, false
}

// NextStepIDs are a step's nextStepIds.
func NextStepIDs(s Step) []string {
	out, _ := ids(s["nextStepIds"])
	return out
}

func idList(s []string) []any {
	out := make([]any, 0, len(s))
	for _, id := range s {
		out = append(out, id)
	}
	return out
}

// uniqueAppend is JS's [...new Set([...a, ...b])]: first occurrences, in order.
func uniqueAppend(a []string, b ...string) []string {
	out := make([]string, 0, len(a)+len(b))
	for _, id := range append(slices.Clone(a), b...) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func without(s []string, id string) []string {
	return slices.DeleteFunc(slices.Clone(s), func(x string) bool { return x == id })
}

func findStep(steps []Step, id string) (int, Step) {
	for i, s := range steps {
		if StepID(s) == id {
			return i, s
		}
	}
	return -1, nil
}

// input is a step's settings.input as an object (created when absent), on a step already cloned.
func input(s Step) map[string]any {
	settings, _ := s["settings"].(map[string]any)
	if settings == nil {
		settings = map[string]any{}
		s["settings"] = settings
	}
	in, _ := settings["input"].(map[string]any)
	if in == nil {
		in = map[string]any{}
		settings["input"] = in
	}
	return in
}

// InsertStep is Twenty's insertStep: the inserted step joins the steps (last), linked from its
// parent (the trigger when parentStepID is "trigger") in place of nextStepID, and leading to
// nextStepID. With connection options of an iterator's loop the parent's initialLoopStepIds get
// the link instead of its nextStepIds.
func InsertStep(trigger Step, steps []Step, inserted Step, parentStepID, nextStepID string, opts *ConnectionOptions) (Step, []Step, error) {
	trigger, steps, inserted = Clone(trigger), Clone(steps), Clone(inserted)
	newID := StepID(inserted)
	if parentStepID != "" {
		switch {
		case opts != nil && opts.ConnectedStepType == TypeIterator:
			if opts.Settings.IsConnectedToLoop {
				_, parent := findStep(steps, parentStepID)
				if parent != nil {
					if StepType(parent) != TypeIterator {
						return nil, nil, invalid("Step %s is not an iterator", parentStepID)
					}
					in := input(parent)
					loop, _ := ids(in["initialLoopStepIds"])
					if nextStepID != "" {
						loop = without(loop, nextStepID)
					}
					in["initialLoopStepIds"] = idList(uniqueAppend(loop, newID))
				}
			}
		case opts != nil:
			// Other connection options leave the parent as it is, as Twenty's.
		case parentStepID == TriggerStepID:
			if trigger == nil {
				return nil, nil, invalid("Cannot insert step from undefined trigger")
			}
			next := NextStepIDs(trigger)
			if nextStepID != "" {
				next = without(next, nextStepID)
			}
			trigger["nextStepIds"] = idList(uniqueAppend(next, newID))
		default:
			for _, s := range steps {
				if StepID(s) == parentStepID {
					next := NextStepIDs(s)
					if nextStepID != "" {
						next = without(next, nextStepID)
					}
					s["nextStepIds"] = idList(uniqueAppend(next, newID))
				}
			}
		}
	}
	if nextStepID != "" {
		inserted["nextStepIds"] = []any{nextStepID}
	} else {
		delete(inserted, "nextStepIds")
	}
	return trigger, append(steps, inserted), nil
}

// relink is Twenty's computeUpdatedNextStepIds: id gives way to its children.
func relink(list []string, id string, children []string) []string {
	return uniqueAppend(without(list, id), children...)
}

// Offsets of the empty steps an if/else's IF and ELSE branches start with
// (IF_ELSE_BRANCH_POSITION_OFFSETS).
var (
	ifBranchOffset   = Position{X: -200, Y: 120}
	elseBranchOffset = Position{X: 200, Y: 120}
)

// RemoveStep is Twenty's removeStep: the step leaves the steps and every step (and the trigger)
// that led to it leads to its children instead, as does an iterator whose loop began with it.
// An if/else branch that led to it leads to its children; its IF or ELSE branch left with no
// step starts again from a new empty step (at the deleted step's place), an else-if branch left
// empty goes. Deleting an if/else removes the empty steps its branches led to. Deleting
// "trigger" removes the trigger. It answers the removed steps.
func RemoveStep(trigger Step, steps []Step, id string, newID func() string) (Step, []Step, []Step, error) {
	if id == TriggerStepID && trigger != nil {
		return nil, Clone(steps), nil, nil
	}
	if steps == nil {
		return nil, nil, nil, invalid("Can't delete step from undefined steps")
	}
	_, deleted := findStep(steps, id)
	if deleted == nil {
		return nil, nil, nil, notFound("Can't delete not existing step")
	}
	trigger, steps = Clone(trigger), Clone(steps)
	children := NextStepIDs(deleted)
	removedIDs := []string{id}
	if StepType(deleted) == TypeIfElse {
		for _, b := range branches(deleted) {
			for _, child := range b.next {
				if _, c := findStep(steps, child); c != nil && StepType(c) == TypeEmpty {
					removedIDs = append(removedIDs, child)
				}
			}
		}
	}
	var removed, out, replacements []Step
	for _, s := range steps {
		if slices.Contains(removedIDs, StepID(s)) {
			removed = append(removed, s)
			continue
		}
		switch {
		case StepType(s) == TypeIfElse:
			replacements = append(replacements, relinkBranches(s, id, children, removedIDs, deleted["position"], newID)...)
		case slices.Contains(NextStepIDs(s), id):
			s["nextStepIds"] = idList(relink(NextStepIDs(s), id, children))
		case StepType(s) == TypeIterator:
			in := input(s)
			if loop, ok := ids(in["initialLoopStepIds"]); ok && slices.Contains(loop, id) {
				in["initialLoopStepIds"] = idList(relink(loop, id, children))
			}
		}
		out = append(out, s)
	}
	out = append(out, replacements...)
	if trigger != nil {
		if next := NextStepIDs(trigger); slices.Contains(next, id) {
			trigger["nextStepIds"] = idList(relink(next, id, children))
		}
	}
	if out == nil {
		out = []Step{}
	}
	return trigger, out, removed, nil
}

type branch struct {
	raw  map[string]any
	next []string
}

func branches(ifElse Step) []branch {
	list, _ := input(Clone(ifElse))["branches"].([]any)
	var out []branch
	for _, b := range list {
		m, _ := b.(map[string]any)
		if m == nil {
			continue
		}
		next, _ := ids(m["nextStepIds"])
		out = append(out, branch{raw: m, next: next})
	}
	return out
}

// relinkBranches is Twenty's updateIfElseStepOnDeletion on ifElse (already cloned); it answers
// the empty steps it created.
func relinkBranches(ifElse Step, id string, children, removedIDs []string, deletedPosition any, newID func() string) []Step {
	in := input(ifElse)
	list, _ := in["branches"].([]any)
	var created []Step
	updated := make([]map[string]any, 0, len(list))
	for i, b := range list {
		m, _ := b.(map[string]any)
		if m == nil {
			continue
		}
		next, _ := ids(m["nextStepIds"])
		if slices.Contains(next, id) {
			next = relink(next, id, children)
		}
		next = slices.DeleteFunc(next, func(x string) bool { return slices.Contains(removedIDs, x) })
		isIf := i == 0
		isElse := i == len(list)-1 && m["filterGroupId"] == nil
		if (isIf || isElse) && len(next) == 0 {
			offset := elseBranchOffset
			if isIf {
				offset = ifBranchOffset
			}
			empty := EmptyStep(newID(), offsetFrom(ifElse["position"], offset))
			if deletedPosition != nil {
				empty["position"] = Clone(deletedPosition)
			}
			created = append(created, empty)
			next = []string{StepID(empty)}
		}
		m["nextStepIds"] = idList(next)
		updated = append(updated, m)
	}
	kept := make([]any, 0, len(updated))
	for i, m := range updated {
		isIf := i == 0
		isElse := i == len(updated)-1 && m["filterGroupId"] == nil
		next, _ := ids(m["nextStepIds"])
		if !isIf && !isElse && m["filterGroupId"] != nil && len(next) == 0 {
			continue
		}
		kept = append(kept, m)
	}
	in["branches"] = kept
	return created
}

// AddEdge is Twenty's createWorkflowVersionEdge on the graph: source (a step id or "trigger")
// leads to target too. changed is false when the edge was already there.
func AddEdge(trigger Step, steps []Step, source, target string, opts *ConnectionOptions) (Step, []Step, bool, error) {
	return editEdge(trigger, steps, source, target, opts, true)
}

// RemoveEdge is Twenty's deleteWorkflowVersionEdge on the graph.
func RemoveEdge(trigger Step, steps []Step, source, target string, opts *ConnectionOptions) (Step, []Step, bool, error) {
	return editEdge(trigger, steps, source, target, opts, false)
}

func editEdge(trigger Step, steps []Step, source, target string, opts *ConnectionOptions, add bool) (Step, []Step, bool, error) {
	if opts != nil && opts.ConnectedStepType == TypeIfElse {
		return nil, nil, false, invalid("If/Else connections must be updated through their branch settings")
	}
	if _, t := findStep(steps, target); t == nil {
		return nil, nil, false, notFound("Target step '%s' not found in workflowVersion", target)
	}
	trigger, steps = Clone(trigger), Clone(steps)
	edit := func(list []string) ([]string, bool) {
		has := slices.Contains(list, target)
		switch {
		case add && !has:
			return append(list, target), true
		case !add && has:
			return without(list, target), true
		}
		return list, false
	}
	if source == TriggerStepID {
		if trigger == nil {
			return nil, nil, false, notFound("Trigger not found in workflowVersion")
		}
		next, changed := edit(NextStepIDs(trigger))
		if changed {
			trigger["nextStepIds"] = idList(next)
		}
		return trigger, steps, changed, nil
	}
	_, s := findStep(steps, source)
	if s == nil {
		return nil, nil, false, notFound("Source step '%s' not found in workflowVersion", source)
	}
	if opts != nil && opts.ConnectedStepType == TypeIterator {
		if StepType(s) != TypeIterator {
			return nil, nil, false, invalid("Source step '%s' is not an iterator", source)
		}
		if opts.Settings.IsConnectedToLoop {
			in := input(s)
			loop, _ := ids(in["initialLoopStepIds"])
			loop, changed := edit(loop)
			if changed {
				in["initialLoopStepIds"] = idList(loop)
			}
			return trigger, steps, changed, nil
		}
	}
	next, changed := edit(NextStepIDs(s))
	if changed {
		s["nextStepIds"] = idList(next)
	}
	return trigger, steps, changed, nil
}

// ReplaceStep is updateWorkflowVersionStep's edit: the step of step's id becomes step. A step
// of another type starts again from that type's defaults (built by rebuild), keeping its id,
// links and position, as Twenty's.
func ReplaceStep(steps []Step, step Step, rebuild func(stepType string, position any) (Step, error)) ([]Step, Step, error) {
	if steps == nil {
		return nil, nil, invalid("Can't update step from undefined steps")
	}
	i, existing := findStep(steps, StepID(step))
	if existing == nil {
		return nil, nil, notFound("Step not found")
	}
	updated := Clone(step)
	if StepType(existing) != StepType(step) {
		built, err := rebuild(StepType(step), step["position"])
		if err != nil {
			return nil, nil, err
		}
		updated = Clone(built)
		updated["id"] = StepID(existing)
		updated["nextStepIds"] = Clone(existing["nextStepIds"])
		if p, ok := existing["position"]; ok {
			updated["position"] = Clone(p)
		} else {
			delete(updated, "position")
		}
		if updated["nextStepIds"] == nil {
			delete(updated, "nextStepIds")
		}
	}
	out := Clone(steps)
	out[i] = updated
	return out, Clone(updated), nil
}

// Position is a step's place on the canvas.
type Position struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// UpdatePositions is updateWorkflowVersionPositions: each id ("trigger" or a step's) takes its
// position. trigger is nil in the answer when the trigger did not move (so is not written).
func UpdatePositions(trigger Step, steps []Step, positions map[string]Position) (Step, []Step) {
	var newTrigger Step
	if p, ok := positions[TriggerStepID]; ok && trigger != nil {
		newTrigger = Clone(trigger)
		newTrigger["position"] = map[string]any{"x": p.X, "y": p.Y}
	}
	if steps == nil {
		return newTrigger, nil
	}
	out := Clone(steps)
	for _, s := range out {
		if p, ok := positions[StepID(s)]; ok {
			s["position"] = map[string]any{"x": p.X, "y": p.Y}
		}
	}
	return newTrigger, out
}
