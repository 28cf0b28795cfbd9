package workflowgraph

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// js decodes a JSON document, as the records Worker's JSON arrives.
func js[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// ids counts from 1: "id-1", "id-2", …
func counter() func() string {
	n := 0
	return func() string { n++; return fmt.Sprintf("id-%d", n) }
}

func TestInsertStep(t *testing.T) {
	trigger := `{"type":"MANUAL","nextStepIds":["1"]}`
	tests := []struct {
		name                   string
		steps                  string
		parent, next           string
		opts                   *ConnectionOptions
		wantTrigger, wantSteps string
	}{
		{name: "no parent nor next: appended", steps: `[{"id":"1"},{"id":"2"}]`,
			wantTrigger: trigger, wantSteps: `[{"id":"1"},{"id":"2"},{"id":"new"}]`},
		{name: "between two steps", steps: `[{"id":"1","nextStepIds":["2"]},{"id":"2"}]`, parent: "1", next: "2",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":["new"]},{"id":"2"},{"id":"new","nextStepIds":["2"]}]`},
		{name: "before the first step", steps: `[{"id":"1"}]`, next: "1",
			wantTrigger: trigger, wantSteps: `[{"id":"1"},{"id":"new","nextStepIds":["1"]}]`},
		{name: "at the end", steps: `[{"id":"1"}]`, parent: "1",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":["new"]},{"id":"new"}]`},
		{name: "parent with two next steps", steps: `[{"id":"1","nextStepIds":["2","3"]},{"id":"2"},{"id":"3"}]`, parent: "1", next: "2",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":["3","new"]},{"id":"2"},{"id":"3"},{"id":"new","nextStepIds":["2"]}]`},
		{name: "after the trigger", steps: `[{"id":"1"}]`, parent: "trigger",
			wantTrigger: `{"type":"MANUAL","nextStepIds":["1","new"]}`, wantSteps: `[{"id":"1"},{"id":"new"}]`},
		{name: "into an iterator's loop", steps: `[{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["e"]}}},{"id":"e"}]`,
			parent: "it", next: "e", opts: &ConnectionOptions{ConnectedStepType: "ITERATOR", Settings: struct {
				IsConnectedToLoop bool   `json:"isConnectedToLoop"`
				BranchID          string `json:"branchId,omitempty"`
			}{IsConnectedToLoop: true}},
			wantTrigger: trigger,
			wantSteps:   `[{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["new"]}}},{"id":"e"},{"id":"new","nextStepIds":["e"]}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps := js[[]Step](t, tt.steps)
			before := Clone(steps)
			gotTrigger, gotSteps, err := InsertStep(js[Step](t, trigger), steps, Step{"id": "new", "nextStepIds": []any{}}, tt.parent, tt.next, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(js[Step](t, tt.wantTrigger), gotTrigger); d != "" {
				t.Errorf("trigger (-want +got):\n%s", d)
			}
			if d := cmp.Diff(js[[]Step](t, tt.wantSteps), gotSteps); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
			if d := cmp.Diff(before, steps); d != "" {
				t.Errorf("the argument was edited:\n%s", d)
			}
		})
	}
	if _, _, err := InsertStep(nil, nil, Step{"id": "new"}, "trigger", "", nil); err == nil || err.Error() != "Cannot insert step from undefined trigger" {
		t.Errorf("insert after no trigger: %v", err)
	}
}

func TestRemoveStep(t *testing.T) {
	trigger := `{"type":"MANUAL","nextStepIds":["1"]}`
	tests := []struct {
		name                             string
		steps, id                        string
		wantTrigger, wantSteps, wantGone string
		wantErr                          string
	}{
		{name: "a step of no one", steps: `[{"id":"1"},{"id":"2"},{"id":"3"}]`, id: "2",
			wantTrigger: trigger, wantSteps: `[{"id":"1"},{"id":"3"}]`, wantGone: `[{"id":"2"}]`},
		{name: "a last step", steps: `[{"id":"1","nextStepIds":["2"]},{"id":"2"},{"id":"3"}]`, id: "2",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":[]},{"id":"3"}]`, wantGone: `[{"id":"2"}]`},
		{name: "the parent gets the children", steps: `[{"id":"1","nextStepIds":["2"]},{"id":"2","nextStepIds":["3"]},{"id":"3"}]`, id: "2",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":["3"]},{"id":"3"}]`, wantGone: `[{"id":"2","nextStepIds":["3"]}]`},
		{name: "two parents", steps: `[{"id":"1","nextStepIds":["3"]},{"id":"2","nextStepIds":["3"]},{"id":"3","nextStepIds":["4"]},{"id":"4"}]`, id: "3",
			wantTrigger: trigger, wantSteps: `[{"id":"1","nextStepIds":["4"]},{"id":"2","nextStepIds":["4"]},{"id":"4"}]`, wantGone: `[{"id":"3","nextStepIds":["4"]}]`},
		{name: "the trigger's first step", steps: `[{"id":"1","nextStepIds":["2"]},{"id":"2"}]`, id: "1",
			wantTrigger: `{"type":"MANUAL","nextStepIds":["2"]}`, wantSteps: `[{"id":"2"}]`, wantGone: `[{"id":"1","nextStepIds":["2"]}]`},
		{name: "the trigger", steps: `[{"id":"1"}]`, id: "trigger",
			wantTrigger: `null`, wantSteps: `[{"id":"1"}]`, wantGone: `null`},
		{name: "the first step of an iterator's loop",
			steps: `[{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["a"]}}},{"id":"a","nextStepIds":["b"]},{"id":"b"}]`, id: "a",
			wantTrigger: trigger,
			wantSteps:   `[{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["b"]}}},{"id":"b"}]`,
			wantGone:    `[{"id":"a","nextStepIds":["b"]}]`},
		{name: "the only step of an IF branch: an empty step takes its place",
			steps: `[{"id":"ie","type":"IF_ELSE","position":{"x":0,"y":0},"settings":{"input":{"branches":[{"id":"b1","filterGroupId":"g","nextStepIds":["a"]},{"id":"b2","nextStepIds":["e"]}]}}},{"id":"a","position":{"x":5,"y":6}},{"id":"e","type":"EMPTY"}]`,
			id:    "a", wantTrigger: trigger,
			wantSteps: `[{"id":"ie","type":"IF_ELSE","position":{"x":0,"y":0},"settings":{"input":{"branches":[{"id":"b1","filterGroupId":"g","nextStepIds":["id-1"]},{"id":"b2","nextStepIds":["e"]}]}}},{"id":"e","type":"EMPTY"},
				{"id":"id-1","name":"Add an Action","type":"EMPTY","valid":true,"position":{"x":5,"y":6},"settings":{"input":{},"outputSchema":{},"errorHandlingOptions":{"continueOnFailure":{"value":false},"retryOnFailure":{"value":false}}}}]`,
			wantGone: `[{"id":"a","position":{"x":5,"y":6}}]`},
		{name: "an if/else takes its empty steps with it",
			steps: `[{"id":"1","nextStepIds":["ie"]},{"id":"ie","type":"IF_ELSE","settings":{"input":{"branches":[{"id":"b1","filterGroupId":"g","nextStepIds":["e1"]},{"id":"b2","nextStepIds":["x"]}]}}},{"id":"e1","type":"EMPTY"},{"id":"x"}]`,
			id:    "ie", wantTrigger: trigger,
			wantSteps: `[{"id":"1","nextStepIds":[]},{"id":"x"}]`,
			wantGone:  `[{"id":"ie","type":"IF_ELSE","settings":{"input":{"branches":[{"id":"b1","filterGroupId":"g","nextStepIds":["e1"]},{"id":"b2","nextStepIds":["x"]}]}}},{"id":"e1","type":"EMPTY"}]`},
		{name: "unknown", steps: `[{"id":"1"}]`, id: "9", wantErr: "Can't delete not existing step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTrigger, gotSteps, gone, err := RemoveStep(js[Step](t, trigger), js[[]Step](t, tt.steps), tt.id, counter())
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(js[Step](t, tt.wantTrigger), gotTrigger); d != "" {
				t.Errorf("trigger (-want +got):\n%s", d)
			}
			if d := cmp.Diff(js[[]Step](t, tt.wantSteps), gotSteps); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
			if d := cmp.Diff(js[[]Step](t, tt.wantGone), gone); d != "" {
				t.Errorf("removed (-want +got):\n%s", d)
			}
		})
	}
}

func TestEdges(t *testing.T) {
	loop := &ConnectionOptions{ConnectedStepType: "ITERATOR"}
	loop.Settings.IsConnectedToLoop = true
	ifElse := &ConnectionOptions{ConnectedStepType: "IF_ELSE"}
	steps := `[{"id":"1","nextStepIds":["2"]},{"id":"2"},{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":[]}}}]`
	tests := []struct {
		name                   string
		add                    bool
		source, target         string
		opts                   *ConnectionOptions
		wantTrigger, wantSteps string
		wantChanged            bool
		wantErr                string
	}{
		{name: "add from a step", add: true, source: "2", target: "1", wantChanged: true, wantTrigger: `{"nextStepIds":["1"]}`,
			wantSteps: `[{"id":"1","nextStepIds":["2"]},{"id":"2","nextStepIds":["1"]},{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":[]}}}]`},
		{name: "add one already there", add: true, source: "1", target: "2", wantTrigger: `{"nextStepIds":["1"]}`, wantSteps: steps},
		{name: "add from the trigger", add: true, source: "trigger", target: "2", wantChanged: true, wantTrigger: `{"nextStepIds":["1","2"]}`, wantSteps: steps},
		{name: "add into a loop", add: true, source: "it", target: "2", opts: loop, wantChanged: true, wantTrigger: `{"nextStepIds":["1"]}`,
			wantSteps: `[{"id":"1","nextStepIds":["2"]},{"id":"2"},{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["2"]}}}]`},
		{name: "remove", source: "1", target: "2", wantChanged: true, wantTrigger: `{"nextStepIds":["1"]}`,
			wantSteps: `[{"id":"1","nextStepIds":[]},{"id":"2"},{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":[]}}}]`},
		{name: "remove from the trigger", source: "trigger", target: "1", wantChanged: true, wantTrigger: `{"nextStepIds":[]}`, wantSteps: steps},
		{name: "unknown target", add: true, source: "1", target: "9", wantErr: "Target step '9' not found in workflowVersion"},
		{name: "unknown source", add: true, source: "9", target: "1", wantErr: "Source step '9' not found in workflowVersion"},
		{name: "loop of a step that is no iterator", add: true, source: "1", target: "2", opts: loop, wantErr: "Source step '1' is not an iterator"},
		{name: "an if/else branch", add: true, source: "1", target: "2", opts: ifElse, wantErr: "If/Else connections must be updated through their branch settings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := RemoveEdge
			if tt.add {
				edit = AddEdge
			}
			gotTrigger, gotSteps, changed, err := edit(js[Step](t, `{"nextStepIds":["1"]}`), js[[]Step](t, steps), tt.source, tt.target, tt.opts)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			if d := cmp.Diff(js[Step](t, tt.wantTrigger), gotTrigger); d != "" {
				t.Errorf("trigger (-want +got):\n%s", d)
			}
			if d := cmp.Diff(js[[]Step](t, tt.wantSteps), gotSteps); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       string
	}{
		{name: "equal", a: `{"a":[1,{"b":2}]}`, b: `{"a":[1,{"b":2}]}`, want: `[]`},
		{name: "change, create, remove", a: `{"a":1,"b":2,"d":[1,2]}`, b: `{"a":3,"c":null,"d":[1]}`,
			want: `[{"type":"CHANGE","path":["a"],"value":3,"oldValue":1},{"type":"REMOVE","path":["b"],"oldValue":2},{"type":"REMOVE","path":["d",1],"oldValue":2},{"type":"CREATE","path":["c"],"value":null}]`},
		{name: "an object for null", a: `{"trigger":null}`, b: `{"trigger":{"x":1}}`,
			want: `[{"type":"CHANGE","path":["trigger"],"value":{"x":1},"oldValue":null}]`},
		{name: "an array for an object", a: `{"a":{}}`, b: `{"a":[]}`,
			want: `[{"type":"CHANGE","path":["a"],"value":[],"oldValue":{}}]`},
		{name: "nested array growth", a: `{"steps":[{"id":"1","nextStepIds":[]}]}`, b: `{"steps":[{"id":"1","nextStepIds":["2"]},{"id":"2"}]}`,
			want: `[{"type":"CREATE","path":["steps",0,"nextStepIds",0],"value":"2"},{"type":"CREATE","path":["steps",1],"value":{"id":"2"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(nonNil(Diff(js[any](t, tt.a), js[any](t, tt.b))))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(js[any](t, tt.want), js[any](t, string(got))); d != "" {
				t.Errorf("diff (-want +got):\n%s", d)
			}
		})
	}
}

func TestDefaultStepIfElse(t *testing.T) {
	step, extra, err := DefaultStep(NewStep{Type: "IF_ELSE", ID: "ie", Position: map[string]any{"x": float64(10), "y": float64(20)}, NewID: counter()})
	if err != nil {
		t.Fatal(err)
	}
	base := `"outputSchema":{},"errorHandlingOptions":{"continueOnFailure":{"value":false},"retryOnFailure":{"value":false}}`
	want := `{"id":"ie","name":"If/Else","type":"IF_ELSE","valid":false,"nextStepIds":[],"position":{"x":10,"y":20},"settings":{` + base + `,"input":{
		"stepFilterGroups":[{"id":"id-3","logicalOperator":"AND"}],
		"stepFilters":[{"id":"id-6","type":"unknown","stepOutputKey":"","operand":"is","value":"","stepFilterGroupId":"id-3","positionInStepFilterGroup":0}],
		"branches":[{"id":"id-4","filterGroupId":"id-3","nextStepIds":["id-1"]},{"id":"id-5","nextStepIds":["id-2"]}]}}}`
	if d := cmp.Diff(js[Step](t, want), js[Step](t, mustJSON(t, step))); d != "" {
		t.Errorf("step (-want +got):\n%s", d)
	}
	wantExtra := `[{"id":"id-1","name":"Add an Action","type":"EMPTY","valid":true,"position":{"x":-190,"y":140},"settings":{` + base + `,"input":{}}},
		{"id":"id-2","name":"Add an Action","type":"EMPTY","valid":true,"position":{"x":210,"y":140},"settings":{` + base + `,"input":{}}}]`
	if d := cmp.Diff(js[[]Step](t, wantExtra), js[[]Step](t, mustJSON(t, extra))); d != "" {
		t.Errorf("extra steps (-want +got):\n%s", d)
	}
	if _, _, err := DefaultStep(NewStep{Type: "NOPE", NewID: counter()}); err == nil || err.Error() != "WorkflowActionType 'NOPE' unknown" {
		t.Errorf("unknown type: %v", err)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCopyFlow(t *testing.T) {
	trigger := js[Step](t, `{"type":"MANUAL","nextStepIds":["a"]}`)
	steps := js[[]Step](t, `[{"id":"a","name":"A","nextStepIds":["it"],"position":{"x":1,"y":2}},{"id":"it","type":"ITERATOR","settings":{"input":{"initialLoopStepIds":["b"]}}},{"id":"b","nextStepIds":["it"]}]`)
	gotTrigger, gotSteps := CopyFlow(trigger, steps, counter())
	want := `[{"id":"id-1","name":"A","nextStepIds":["id-2"],"position":{"x":1,"y":2}},{"id":"id-2","type":"ITERATOR","nextStepIds":[],"position":{"x":0,"y":0},"settings":{"input":{"initialLoopStepIds":["id-3"]}}},{"id":"id-3","nextStepIds":["id-2"],"position":{"x":0,"y":0}}]`
	if d := cmp.Diff(js[[]Step](t, want), js[[]Step](t, mustJSON(t, gotSteps))); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	if d := cmp.Diff(js[Step](t, `{"type":"MANUAL","nextStepIds":["id-1"]}`), js[Step](t, mustJSON(t, gotTrigger))); d != "" {
		t.Errorf("trigger (-want +got):\n%s", d)
	}
}

func TestOutputSchema(t *testing.T) {
	person := &Object{ID: "o1", NameSingular: "person", NamePlural: "people", LabelSingular: "Person", LabelPlural: "People", Icon: "IconUser",
		Fields: []Field{
			{ID: "f1", Name: "id", Label: "Id", Type: "UUID", IsSystem: true, IsActive: true},
			{ID: "f2", Name: "name", Label: "Name", Type: "FULL_NAME", IsActive: true},
			{ID: "f3", Name: "company", Label: "Company", Type: "RELATION", IsActive: true},
			{ID: "f4", Name: "position", Label: "Position", Type: "POSITION", IsSystem: true, IsActive: true},
			{ID: "f5", Name: "city", Label: "City", Type: "TEXT", IsActive: false},
		}}
	lookup := func(name string) (*Object, error) {
		if name == "person" {
			return person, nil
		}
		return nil, &Error{Code: CodeNotFound, Message: "Object metadata not found"}
	}
	fields := func(prefix string) string {
		return `{"` + prefix + `id":{"isLeaf":true,"type":"UUID","label":"Id","value":"123e4567-e89b-12d3-a456-426614174000","fieldMetadataId":"f1"},
			"` + prefix + `name":{"isLeaf":false,"type":"FULL_NAME","label":"Name","fieldMetadataId":"f2","value":{
				"firstName":{"isLeaf":true,"type":"TEXT","label":"First Name","value":"My text","fieldMetadataId":"f2","isCompositeSubField":true},
				"lastName":{"isLeaf":true,"type":"TEXT","label":"Last Name","value":"My text","fieldMetadataId":"f2","isCompositeSubField":true}}},
			"` + prefix + `companyId":{"isLeaf":true,"type":"UUID","label":"Company Id","value":"123e4567-e89b-12d3-a456-426614174000","fieldMetadataId":"f3"}}`
	}
	tests := []struct {
		name, step, want, wantErr string
	}{
		{name: "record created trigger", step: `{"type":"DATABASE_EVENT","settings":{"eventName":"person.created"}}`,
			want: `{"object":{"isLeaf":true,"icon":"IconUser","label":"Person","value":"","nameSingular":"person","fieldIdName":"properties.after.id","objectMetadataId":"o1"},
				"fields":` + fields("properties.after.") + `,"_outputSchemaType":"RECORD"}`},
		{name: "record deleted trigger", step: `{"type":"DATABASE_EVENT","settings":{"eventName":"person.deleted"}}`,
			want: `{"object":{"isLeaf":true,"icon":"IconUser","label":"Person","value":"","nameSingular":"person","fieldIdName":"properties.before.id","objectMetadataId":"o1"},
				"fields":` + fields("properties.before.") + `,"_outputSchemaType":"RECORD"}`},
		{name: "create record", step: `{"type":"CREATE_RECORD","settings":{"input":{"objectName":"person"}}}`,
			want: `{"object":{"isLeaf":true,"icon":"IconUser","label":"Person","value":"","fieldIdName":"id","objectMetadataId":"o1"},"fields":` + fields("") + `,"_outputSchemaType":"RECORD"}`},
		{name: "manual, bulk", step: `{"type":"MANUAL","settings":{"availability":{"type":"BULK_RECORDS","objectNameSingular":"person"}}}`,
			want: `{"people":{"label":"People","isLeaf":true,"type":"array","value":"Array of People"}}`},
		{name: "manual, global", step: `{"type":"MANUAL","settings":{"availability":{"type":"GLOBAL"}}}`, want: `{}`},
		{name: "http request", step: `{"type":"HTTP_REQUEST","settings":{"input":{"url":"x"}}}`, want: `{}`},
		{name: "webhook", step: `{"type":"WEBHOOK","settings":{}}`, want: `{}`},
		{name: "send email", step: `{"type":"SEND_EMAIL"}`, want: `{"success":{"isLeaf":true,"type":"boolean","value":true}}`},
		{name: "unknown object", step: `{"type":"UPDATE_RECORD","settings":{"input":{"objectName":"nope"}}}`, wantErr: "Object metadata not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OutputSchema(js[Step](t, tt.step), lookup)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(js[map[string]any](t, tt.want), js[map[string]any](t, mustJSON(t, got))); d != "" {
				t.Errorf("schema (-want +got):\n%s", d)
			}
		})
	}
}

func TestReplaceStep(t *testing.T) {
	steps := `[{"id":"a","type":"EMPTY","name":"Add an Action","valid":true,"position":{"x":-200,"y":120}},{"id":"b","type":"DELAY","nextStepIds":["a"]}]`
	rebuild := func(stepType string, position any) (Step, error) {
		s, _, err := DefaultStep(NewStep{Type: stepType, ObjectName: "task", NewID: counter()})
		return s, err
	}
	tests := []struct {
		name, step, wantStep, wantErr string
	}{
		{name: "a change of type starts from the type's defaults, in place",
			step: `{"id":"a","type":"CREATE_RECORD","name":"whatever","position":{"x":0,"y":0}}`,
			wantStep: `{"id":"a","name":"Create Record","type":"CREATE_RECORD","valid":false,"position":{"x":-200,"y":120},"settings":{"input":{"objectName":"task","objectRecord":{}},
				"outputSchema":{},"errorHandlingOptions":{"continueOnFailure":{"value":false},"retryOnFailure":{"value":false}}}}`},
		{name: "the same type: the step as given", step: `{"id":"b","type":"DELAY","name":"Wait","nextStepIds":["a"]}`,
			wantStep: `{"id":"b","type":"DELAY","name":"Wait","nextStepIds":["a"]}`},
		{name: "an unknown step", step: `{"id":"z","type":"DELAY"}`, wantErr: "Step not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, got, err := ReplaceStep(js[[]Step](t, steps), js[Step](t, tt.step), rebuild)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(js[Step](t, tt.wantStep), js[Step](t, mustJSON(t, got))); d != "" {
				t.Errorf("step (-want +got):\n%s", d)
			}
			if len(all) != 2 {
				t.Errorf("steps = %v", all)
			}
		})
	}
}
