package workflowgraph

// baseSettings is Twenty's BASE_STEP_DEFINITION: the settings every new step starts from.
func baseSettings(in any) map[string]any {
	return map[string]any{
		"outputSchema": map[string]any{},
		"errorHandlingOptions": map[string]any{
			"continueOnFailure": map[string]any{"value": false},
			"retryOnFailure":    map[string]any{"value": false},
		},
		"input": in,
	}
}

// Offsets of duplicated steps and of an iterator's first empty step, as Twenty's.
const duplicatedStepOffset = 50

var iteratorEmptyStepOffset = Position{X: 174, Y: 83}

// offsetFrom is position (a {x, y} object or nil) moved by offset.
func offsetFrom(position any, offset Position) map[string]any {
	p := positionOf(position)
	return map[string]any{"x": p.X + offset.X, "y": p.Y + offset.Y}
}

func positionOf(v any) Position {
	m, _ := v.(map[string]any)
	x, _ := m["x"].(float64)
	y, _ := m["y"].(float64)
	return Position{X: x, Y: y}
}

// EmptyStep is an "Add an Action" placeholder step (EMPTY).
func EmptyStep(id string, position map[string]any) Step {
	s := Step{"id": id, "name": "Add an Action", "type": TypeEmpty, "valid": true, "settings": baseSettings(map[string]any{})}
	if position != nil {
		s["position"] = position
	}
	return s
}

// NewStep holds what a new step is built from.
type NewStep struct {
	Type string
	ID   string
	// Position is the step's {x, y}, or nil.
	Position map[string]any
	// ObjectName is the workspace's first active, non-system object, the default of record steps.
	ObjectName string
	// NewID makes the ids of the steps and filters the new step comes with.
	NewID func() string
}

// DefaultStep is Twenty's runStepCreationSideEffectsAndBuildStep: a step of the type with
// Twenty's default settings, and the steps it comes with (the empty first step of an
// iterator's loop, those of an if/else's two branches). CODE and AI_AGENT steps need a logic
// function or an agent, which this deployment does not run: they are refused as Twenty refuses
// them when it cannot create those.
func DefaultStep(n NewStep) (Step, []Step, error) {
	if n.ID == "" {
		n.ID = n.NewID()
	}
	step := Step{"id": n.ID, "valid": false, "nextStepIds": []any{}, "type": n.Type}
	if n.Position != nil {
		step["position"] = n.Position
	}
	set := func(name string, in any) { step["name"], step["settings"] = name, baseSettings(in) }
	var extra []Step
	switch n.Type {
	case "CODE":
		return nil, nil, &Error{Code: "CODE_STEP_FAILURE", Message: "Fail to create Code Step"}
	case "AI_AGENT":
		return nil, nil, &Error{Code: "AI_AGENT_STEP_FAILURE", Message: "AI features are not available in your current workspace. Please contact support to enable them."}
	case "SEND_EMAIL":
		set("Send Email", map[string]any{"connectedAccountId": "", "email": "", "subject": "", "body": ""})
	case "CREATE_RECORD":
		set("Create Record", map[string]any{"objectName": n.ObjectName, "objectRecord": map[string]any{}})
	case "UPDATE_RECORD":
		set("Update Record", map[string]any{"objectName": n.ObjectName, "objectRecord": map[string]any{}, "objectRecordId": "", "fieldsToUpdate": []any{}})
	case "DELETE_RECORD":
		set("Delete Record", map[string]any{"objectName": n.ObjectName, "objectRecordId": ""})
	case "UPSERT_RECORD":
		set("Create or Update Record", map[string]any{"objectName": n.ObjectName, "objectRecord": map[string]any{}, "fieldsToUpdate": []any{}})
	case "FIND_RECORDS":
		set("Search Records", map[string]any{"objectName": n.ObjectName, "limit": float64(1)})
	case "FORM":
		set("Form", []any{})
	case "FILTER":
		set("Filter", map[string]any{"stepFilterGroups": []any{}, "stepFilters": []any{}})
	case "HTTP_REQUEST":
		set("HTTP Request", map[string]any{"url": "", "method": "GET", "headers": map[string]any{}, "body": map[string]any{}})
	case TypeIterator:
		empty := EmptyStep(n.NewID(), offsetFrom(n.Position, iteratorEmptyStepOffset))
		empty["nextStepIds"] = []any{n.ID}
		extra = []Step{empty}
		set("Iterator", map[string]any{"items": []any{}, "initialLoopStepIds": []any{StepID(empty)}})
	case TypeIfElse:
		ifEmpty := EmptyStep(n.NewID(), offsetFrom(n.Position, ifBranchOffset))
		elseEmpty := EmptyStep(n.NewID(), offsetFrom(n.Position, elseBranchOffset))
		groupID := n.NewID()
		branchesList := []any{
			map[string]any{"id": n.NewID(), "filterGroupId": groupID, "nextStepIds": []any{StepID(ifEmpty)}},
			map[string]any{"id": n.NewID(), "nextStepIds": []any{StepID(elseEmpty)}},
		}
		extra = []Step{ifEmpty, elseEmpty}
		set("If/Else", map[string]any{
			"stepFilterGroups": []any{map[string]any{"id": groupID, "logicalOperator": "AND"}},
			"stepFilters": []any{map[string]any{"id": n.NewID(), "type": "unknown", "stepOutputKey": "", "operand": "is",
				"value": "", "stepFilterGroupId": groupID, "positionInStepFilterGroup": float64(0)}},
			"branches": branchesList,
		})
	case "DELAY":
		set("Delay", map[string]any{"delayType": "DURATION", "duration": map[string]any{"days": float64(0), "hours": float64(0), "minutes": float64(0), "seconds": float64(0)}})
	case TypeEmpty:
		set("Add an Action", map[string]any{})
		step["valid"] = true
	default:
		return nil, nil, invalid("WorkflowActionType '%s' unknown", n.Type)
	}
	return step, extra, nil
}

// CloneStep is Twenty's cloneStep: the step under a new id, unlinked, at the same place; an
// iterator's loop starts empty.
func CloneStep(step Step, newID string) Step {
	c := Clone(step)
	p := positionOf(step["position"])
	c["id"], c["nextStepIds"], c["position"] = newID, []any{}, map[string]any{"x": p.X, "y": p.Y}
	if StepType(c) == TypeIterator {
		input(c)["initialLoopStepIds"] = []any{}
	}
	return c
}

// MarkDuplicate is Twenty's markStepAsDuplicate: "(Duplicate)" and 50 down and right.
func MarkDuplicate(step Step) Step {
	c := Clone(step)
	name, _ := c["name"].(string)
	p := positionOf(c["position"])
	c["name"] = name + " (Duplicate)"
	c["position"] = map[string]any{"x": p.X + duplicatedStepOffset, "y": p.Y + duplicatedStepOffset}
	return c
}

// CopyFlow is duplicateWorkflow's copy of a version's trigger and steps: every step under a new
// id, the links (nextStepIds, an iterator's loop) remapped to the copies.
func CopyFlow(trigger Step, steps []Step, newID func() string) (Step, []Step) {
	remap := map[string]string{}
	clones := make([]Step, 0, len(steps))
	for _, s := range steps {
		c := CloneStep(s, newID())
		remap[StepID(s)] = StepID(c)
		clones = append(clones, c)
	}
	mapIDs := func(list []string) []any {
		out := make([]any, 0, len(list))
		for _, id := range list {
			if n, ok := remap[id]; ok {
				id = n
			}
			out = append(out, id)
		}
		return out
	}
	var t Step
	if trigger != nil {
		t = Clone(trigger)
		t["nextStepIds"] = mapIDs(NextStepIDs(trigger))
	}
	for i, s := range steps {
		clones[i]["nextStepIds"] = mapIDs(NextStepIDs(s))
		if StepType(s) == TypeIterator {
			srcIn, _ := s["settings"].(map[string]any)
			if in, _ := srcIn["input"].(map[string]any); in != nil {
				if loop, ok := ids(in["initialLoopStepIds"]); ok {
					input(clones[i])["initialLoopStepIds"] = mapIDs(loop)
				}
			}
		}
	}
	return t, clones
}
