package metadatainput

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

func TestFromJSONAndBack(t *testing.T) {
	tests := []struct {
		name, input string
		typed       proto.Message
		back        string
	}{
		{"typed members", `{"nameSingular":"pet","isRemote":false,"icon":"IconCat"}`,
			&recordsv1.CreateObjectInput{NameSingular: proto.String("pet"), IsRemote: proto.Bool(false), Icon: proto.String("IconCat")},
			`{"icon":"IconCat","isRemote":false,"nameSingular":"pet"}`},
		{"null and mistyped members", `{"description":null,"isActive":"yes","labelSingular":4,"shortcut":null}`,
			&recordsv1.UpdateObjectInput{NullMembers: []string{"description", "shortcut"}, MistypedMembers: []string{"isActive", "labelSingular"}},
			`{"description":null,"isActive":0,"labelSingular":0,"shortcut":null}`},
		{"JSON members as sent, null kept", `{"defaultValue":null,"options":[{"value":"A","label":"A"}],"settings":{"a":1},"label":"L"}`,
			&recordsv1.UpdateFieldInput{Label: proto.String("L"), DefaultValueJson: []byte(`null`), OptionsJson: []byte(`[{"value":"A","label":"A"}]`), SettingsJson: []byte(`{"a":1}`)},
			`{"defaultValue":null,"label":"L","options":[{"value":"A","label":"A"}],"settings":{"a":1}}`},
		{"members the message does not have are dropped", `{"name":"x","isCustom":true,"nullMembers":["name"],"defaultValueJson":"e30=","settingsJson":null}`,
			&recordsv1.CreateFieldInput{Name: proto.String("x")},
			`{"name":"x"}`},
	}
	for _, tt := range tests {
		got := tt.typed.ProtoReflect().New().Interface()
		if err := FromJSON([]byte(tt.input), got); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.typed, got, protocmp.Transform()); diff != "" {
			t.Errorf("%s: FromJSON (-want +got):\n%s", tt.name, diff)
		}
		back, err := ToJSON(got)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.back, string(back)); diff != "" {
			t.Errorf("%s: ToJSON (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, in := range []string{`[1]`, `null`, `"x"`, `{`, ``} {
		if err := FromJSON([]byte(in), &recordsv1.CreateObjectInput{}); err != ErrNotObject {
			t.Errorf("FromJSON(%s) = %v, want ErrNotObject", in, err)
		}
	}
	if b, err := ToJSON((*recordsv1.CreateObjectInput)(nil)); err != nil || string(b) != `{}` {
		t.Errorf("ToJSON(nil) = %s, %v", b, err)
	}
}
