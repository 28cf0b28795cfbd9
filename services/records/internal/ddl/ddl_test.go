package ddl

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	"github.com/twentyworkers/twenty/shared/d1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ instead of comparing against them")

const (
	wsA = "3b8e6458-5fc1-4e63-8563-008ccddaa6db"
	wsB = "20202020-1C25-4D02-BF25-6AECCF7EA419"
)

// customField returns a nullable custom field.
func customField(t metadata.FieldType, name string) metadata.Field {
	return metadata.Field{Type: t, Name: name, Label: name, IsCustom: true, IsActive: true, IsNullable: true}
}

func statusField() metadata.Field {
	f := customField(metadata.TypeSelect, "status")
	f.IsNullable = false
	f.DefaultValue = "'IDLE'"
	f.Options = []metadata.Option{
		{ID: "o1", Value: "IDLE", Label: "Idle", Color: "gray", Position: 0},
		{ID: "o2", Value: "FUELING", Label: "Fueling", Color: "yellow", Position: 1},
		{ID: "o3", Value: "LAUNCHED", Label: "Launched", Color: "green", Position: 2},
	}
	return f
}

func payloadsField() metadata.Field {
	f := customField(metadata.TypeMultiSelect, "payloads")
	f.Options = []metadata.Option{
		{ID: "p1", Value: "SATELLITE", Label: "Satellite"},
		{ID: "p2", Value: "CREW", Label: "Crew"},
		{ID: "p3", Value: "CARGO", Label: "Cargo"},
	}
	return f
}

func manufacturerField() metadata.Field {
	f := customField(metadata.TypeRelation, "manufacturer")
	f.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "company", TargetFieldName: "rockets", OnDelete: metadata.Restrict}
	return f
}

// rocket is a custom object with a field of most types and relations to company and to itself.
func rocket() metadata.Object {
	o := metadata.CustomObject("rocket", "rockets", "Rocket", "Rockets")
	reusable := customField(metadata.TypeBoolean, "reusable")
	reusable.IsNullable = false
	reusable.DefaultValue = false
	parent := customField(metadata.TypeRelation, "parent")
	parent.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "rocket", TargetFieldName: "stages", OnDelete: metadata.Cascade}
	stages := customField(metadata.TypeRelation, "stages")
	stages.Relation = &metadata.Relation{Type: metadata.OneToMany, TargetObjectNameSingular: "rocket", TargetFieldName: "parent"}
	o.Fields = append(o.Fields,
		statusField(),
		payloadsField(),
		reusable,
		customField(metadata.TypeDate, "launchDate"),
		customField(metadata.TypeCurrency, "cost"),
		customField(metadata.TypeRawJSON, "telemetry"),
		customField(metadata.TypeRating, "rating"),
		customField(metadata.TypeArray, "tags"),
		customField(metadata.TypeNumber, "thrust"),
		manufacturerField(),
		parent,
		stages,
	)
	return o
}

func standard(t *testing.T, name string) metadata.Object {
	t.Helper()
	for _, o := range metadata.StandardObjects() {
		if o.NameSingular == name {
			return o
		}
	}
	t.Fatalf("no standard object %q", name)
	return metadata.Object{}
}

func field(t *testing.T, o metadata.Object, name string) metadata.Field {
	t.Helper()
	f, ok := o.Field(name)
	if !ok {
		t.Fatalf("object %s has no field %q", o.NameSingular, name)
	}
	return f
}

// withField returns o with f appended.
func withField(o metadata.Object, f metadata.Field) metadata.Object {
	o.Fields = append(slices.Clone(o.Fields), f)
	return o
}

// customSchema returns the standard objects plus rocket, with rocket's links and company.rockets.
func customSchema() []metadata.Object {
	r := rocket()
	objects := metadata.StandardObjects()
	links := metadata.CustomObjectLinks(r)
	for i, o := range objects {
		for _, l := range links {
			if l.Object == o.NameSingular {
				objects[i] = withField(objects[i], l.Field)
			}
		}
		if o.NameSingular == "company" {
			rockets := customField(metadata.TypeRelation, "rockets")
			rockets.Relation = &metadata.Relation{Type: metadata.OneToMany, TargetObjectNameSingular: "rocket", TargetFieldName: "manufacturer"}
			objects[i] = withField(objects[i], rockets)
		}
	}
	return append(objects, r)
}

// createRocket returns the statements creating rocket and its links in workspace ws.
func createRocket(t *testing.T, ws string) []d1.Stmt {
	t.Helper()
	schema := customSchema()
	stmts, err := CreateObject(ws, rocket(), schema)
	if err != nil {
		t.Fatalf("CreateObject(rocket): %v", err)
	}
	for _, l := range metadata.CustomObjectLinks(rocket()) {
		s, err := AddField(ws, standard(t, l.Object), l.Field)
		if err != nil {
			t.Fatalf("AddField(%s.%s): %v", l.Object, l.Field.Name, err)
		}
		stmts = append(stmts, s...)
	}
	return stmts
}

func render(stmts []d1.Stmt) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(s.SQL + ";\n\n")
	}
	return b.String()
}

func TestGoldenSQL(t *testing.T) {
	must := func(stmts []d1.Stmt, err error) func(*testing.T) []d1.Stmt {
		return func(t *testing.T) []d1.Stmt {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return stmts
		}
	}
	person := standard(t, "person")
	renamedStatus := statusField()
	renamedStatus.Name = "phase"
	renamedStatus.Options = []metadata.Option{
		{ID: "o1", Value: "READY", Label: "Ready"},
		{ID: "o3", Value: "LAUNCHED", Label: "Launched"},
		{ID: "o4", Value: "LOST", Label: "Lost"},
	}
	renamedStatus.DefaultValue = "'READY'"
	fewerPayloads := payloadsField()
	fewerPayloads.Options = []metadata.Option{{ID: "p1", Value: "SAT", Label: "Satellite"}, {ID: "p3", Value: "CARGO", Label: "Cargo"}}
	uniqueCity := field(t, person, "city")
	uniqueCity.IsUnique = true
	tests := []struct {
		name  string
		stmts func(*testing.T) []d1.Stmt
	}{
		{"init_workspace", must(InitWorkspace(wsA, 1))},
		{"create_custom_object", func(t *testing.T) []d1.Stmt { return createRocket(t, wsA) }},
		{"add_field", func(t *testing.T) []d1.Stmt {
			nickname := customField(metadata.TypeText, "nickname")
			nickname.DefaultValue = "'none'"
			met := customField(metadata.TypeDateTime, "metAt")
			met.IsNullable = false
			met.DefaultValue = "now"
			mentor := customField(metadata.TypeRelation, "mentor")
			mentor.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "person", TargetFieldName: "mentees"}
			var out []d1.Stmt
			for _, f := range []metadata.Field{nickname, statusField(), met, mentor, customField(metadata.TypeLinks, "website")} {
				out = append(out, must(AddField(wsA, person, f))(t)...)
			}
			return out
		}},
		{"drop_field", func(t *testing.T) []d1.Stmt {
			var out []d1.Stmt
			for _, name := range []string{"company", "emails", "name", "position", "noteTargets", "searchVector"} {
				out = append(out, must(DropField(wsA, person, field(t, person, name)))(t)...)
			}
			return out
		}},
		{"drop_object", must(DropObject(wsA, rocket(), customSchema()))},
		{"update_field", func(t *testing.T) []d1.Stmt {
			r := rocket()
			out := must(UpdateField(wsA, r, statusField(), renamedStatus))(t)
			out = append(out, must(UpdateField(wsA, r, payloadsField(), fewerPayloads))(t)...)
			return append(out, must(UpdateField(wsA, person, field(t, person, "city"), uniqueCity))(t)...)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.stmts(t))
			path := filepath.Join("testdata", tt.name+".sql")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(got, string(want)); diff != "" {
				t.Errorf("SQL mismatch with %s (-got +want), go test -update rewrites it:\n%s", path, diff)
			}
		})
	}
}

func TestTableName(t *testing.T) {
	tests := []struct {
		workspace, object string
		want              string
		err               error
	}{
		{wsA, "person", "ws_3b8e64585fc14e638563008ccddaa6db_person", nil},
		{wsB, "workspaceMember", "ws_202020201c254d02bf256aeccf7ea419_workspaceMember", nil},
		{"3b8e64585fc14e638563008ccddaa6db", "person", "", ErrInvalidWorkspace},
		{"ws-1", "person", "", ErrInvalidWorkspace},
		{"", "person", "", ErrInvalidWorkspace},
		{wsA, "Person", "", metadata.ErrInvalidName},
		{wsA, `person"; DROP TABLE x; --`, "", metadata.ErrInvalidName},
	}
	for _, tt := range tests {
		got, err := TableName(tt.workspace, tt.object)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("TableName(%q, %q) = %q, %v; want %q, %v", tt.workspace, tt.object, got, err, tt.want, tt.err)
		}
	}
}

func TestInitWorkspaceOrdersTablesByDependency(t *testing.T) {
	stmts, err := InitWorkspace(wsA, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	prefix := `CREATE TABLE "ws_3b8e64585fc14e638563008ccddaa6db_`
	for _, s := range stmts {
		if name, ok := strings.CutPrefix(s.SQL, prefix); ok {
			got = append(got, name[:strings.IndexByte(name, '"')])
		}
	}
	want := []string{
		"_schema", // the stamp, first
		"workspaceMember", "company", "person", "opportunity", "note", "task",
		"noteTarget", "taskTarget", "attachment", "timelineActivity", "favorite",
		"workflow", "workflowVersion", "workflowRun", "workflowAutomatedTrigger",
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("table order mismatch (-got +want):\n%s", diff)
	}
}

func TestDependencyOrderBreaksCycles(t *testing.T) {
	a := metadata.CustomObject("alpha", "alphas", "Alpha", "Alphas")
	b := metadata.CustomObject("beta", "betas", "Beta", "Betas")
	toB := customField(metadata.TypeRelation, "beta")
	toB.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "beta", TargetFieldName: "alphas"}
	toA := customField(metadata.TypeRelation, "alpha")
	toA.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "alpha", TargetFieldName: "betas"}
	c := metadata.CustomObject("gamma", "gammas", "Gamma", "Gammas")
	toC := customField(metadata.TypeRelation, "gamma")
	toC.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "gamma", TargetFieldName: "alphas"}
	var got []string
	for _, o := range dependencyOrder([]metadata.Object{withField(withField(a, toB), toC), withField(b, toA), c}) {
		got = append(got, o.NameSingular)
	}
	if diff := cmp.Diff(got, []string{"gamma", "alpha", "beta"}); diff != "" {
		t.Errorf("order mismatch (-got +want):\n%s", diff)
	}
}

func TestCreateObjectErrors(t *testing.T) {
	schema := customSchema()
	tooWide := rocket()
	for i := len(tooWide.Columns()); i <= metadata.MaxColumns; i++ {
		tooWide.Fields = append(tooWide.Fields, customField(metadata.TypeText, fmt.Sprintf("extra%d", i)))
	}
	hugeSelect := rocket()
	huge := customField(metadata.TypeSelect, "huge")
	for i := range 2000 {
		v := fmt.Sprintf("OPTION_%s_%d", strings.Repeat("X", 40), i)
		huge.Options = append(huge.Options, metadata.Option{Value: v, Label: v, Position: i})
	}
	hugeSelect.Fields = append(hugeSelect.Fields, huge)
	orphan := rocket()
	orphan.Fields = append(orphan.Fields, func() metadata.Field {
		f := customField(metadata.TypeRelation, "engine")
		f.Relation = &metadata.Relation{Type: metadata.ManyToOne, TargetObjectNameSingular: "engine", TargetFieldName: "rockets"}
		return f
	}())
	clash := metadata.CustomObject("companies", "companyList", "Company", "Companies")
	tests := []struct {
		name      string
		workspace string
		object    metadata.Object
		want      error
	}{
		{"ok", wsA, rocket(), nil},
		{"bad workspace", "nope", rocket(), ErrInvalidWorkspace},
		{"too many columns", wsA, tooWide, metadata.ErrTooManyColumns},
		{"statement too large", wsA, hugeSelect, ErrStatementTooLarge},
		{"unknown relation target", wsA, orphan, metadata.ErrInvalidRelation},
		{"name taken by another object", wsA, clash, metadata.ErrDuplicateName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CreateObject(tt.workspace, tt.object, schema)
			if !errors.Is(err, tt.want) {
				t.Errorf("CreateObject = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAddFieldErrors(t *testing.T) {
	person := standard(t, "person")
	notNullRelation := manufacturerField()
	notNullRelation.IsNullable = false
	notNullNoDefault := customField(metadata.TypeNumber, "score")
	notNullNoDefault.IsNullable = false
	notNullNoDefault.IsCustom = false // custom fields need a default anyway
	full := person
	for i := len(person.Columns()); i < metadata.MaxColumns; i++ {
		full = withField(full, customField(metadata.TypeText, fmt.Sprintf("c%d", i)))
	}
	tests := []struct {
		name  string
		field metadata.Field
		on    metadata.Object
		want  error
	}{
		{"ok", customField(metadata.TypeText, "nickname"), person, nil},
		{"existing field", customField(metadata.TypeText, "city"), person, metadata.ErrDuplicateName},
		{"existing field but for case", customField(metadata.TypeText, "cITY"), person, metadata.ErrDuplicateName},
		{"column clash", customField(metadata.TypeText, "nameFirstName"), person, metadata.ErrDuplicateName},
		{"not null relation", notNullRelation, person, ErrUnsupported},
		{"not null without default", notNullNoDefault, person, ErrUnsupported},
		{"invalid field", customField(metadata.TypeText, "event"), person, metadata.ErrReservedName},
		{"table full", customField(metadata.TypeText, "oneMore"), full, metadata.ErrTooManyColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AddField(wsA, tt.on, tt.field)
			if !errors.Is(err, tt.want) {
				t.Errorf("AddField(%s) = %v, want %v", tt.field.Name, err, tt.want)
			}
		})
	}
}

func TestDropFieldErrors(t *testing.T) {
	person := standard(t, "person")
	for _, tt := range []struct {
		field metadata.Field
		want  error
	}{
		{field(t, person, "id"), ErrUnsupported},
		{field(t, person, "deletedAt"), ErrUnsupported},
		{customField(metadata.TypeText, "nickname"), ErrUnknownField},
		{field(t, person, "jobTitle"), nil},
	} {
		if _, err := DropField(wsA, person, tt.field); !errors.Is(err, tt.want) {
			t.Errorf("DropField(%s) = %v, want %v", tt.field.Name, err, tt.want)
		}
	}
}

func TestUpdateFieldErrors(t *testing.T) {
	r := rocket()
	person := standard(t, "person")
	retyped := statusField()
	retyped.Type = metadata.TypeText
	retyped.Options = nil
	retarget := manufacturerField()
	retarget.Relation.TargetObjectNameSingular = "person"
	cascade := manufacturerField()
	cascade.Relation.OnDelete = metadata.Cascade
	renamedID := field(t, person, "id")
	renamedID.Name = "key"
	fixedCreatedAt := field(t, person, "createdAt")
	fixedCreatedAt.DefaultValue = "'2020-01-01T00:00:00.000Z'"
	dropsDefault := statusField()
	dropsDefault.DefaultValue = nil
	dropsDefault.IsCustom = false
	relabeled := statusField()
	relabeled.Label = "State"
	tests := []struct {
		name     string
		on       metadata.Object
		from, to metadata.Field
		want     error
	}{
		{"label only", r, statusField(), relabeled, nil},
		{"unknown field", r, customField(metadata.TypeText, "nope"), customField(metadata.TypeText, "nope"), ErrUnknownField},
		{"type", r, statusField(), retyped, ErrUnsupported},
		{"relation target", r, manufacturerField(), retarget, ErrUnsupported},
		{"relation onDelete", r, manufacturerField(), cascade, ErrUnsupported},
		{"system field name", person, field(t, person, "id"), renamedID, ErrUnsupported},
		{"system field columns", person, field(t, person, "createdAt"), fixedCreatedAt, ErrUnsupported},
		{"not null select without default", r, statusField(), dropsDefault, ErrUnsupported},
		{"name taken", r, statusField(), func() metadata.Field { f := statusField(); f.Name = "rating"; return f }(), metadata.ErrDuplicateName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmts, err := UpdateField(wsA, tt.on, tt.from, tt.to)
			if !errors.Is(err, tt.want) {
				t.Errorf("UpdateField = %v, want %v", err, tt.want)
			}
			if tt.want == nil && len(stmts) != 0 {
				t.Errorf("UpdateField of a label = %q, want no statement", render(stmts))
			}
		})
	}
}
