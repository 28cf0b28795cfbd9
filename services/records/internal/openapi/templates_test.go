package openapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEveryTemplateParses(t *testing.T) {
	for name, tpl := range map[string]string{
		"paths": pathsTemplate, "webhook": webhookTemplate, "parameters": parametersTemplate,
		"responses": responsesTemplate, "metadata-paths": metadataPathsTemplate, "metadata-schemas": metadataSchemasTemplate,
	} {
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("template %s: %v", name, v)
				}
			}()
			compile(tpl)
		}()
	}
}

func TestShared(t *testing.T) {
	const tpl = `{"/{{plural}}": {"summary": "Find {{plural}}", "tags": ["{{plural}}", "x"], "n": null, "f": false, "k": 1.5},
		"static": {"a": [1, {"b": "c"}], "n": null}}`
	got := shared(tpl, names("person", "people")...)
	want := obj{
		"/people": obj{"summary": "Find people", "tags": arr{"people", "x"}, "n": nil, "f": false, "k": 1.5},
		"static":  obj{"a": arr{float64(1), obj{"b": "c"}}, "n": nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("shared (-want +got):\n%s", diff)
	}
	// The static part is the template's own, shared; the rest is the instance's.
	again := shared(tpl, names("company", "companies")...)
	got["static"].(obj)["probe"] = true
	if again["static"].(obj)["probe"] != true {
		t.Error("a part without placeholders is copied, want it shared")
	}
	delete(got["static"].(obj), "probe")
	if again["/companies"] == nil || again["/people"] != nil {
		t.Errorf("second instance = %v", again)
	}

	// cloneAlong gives a copy to change; the template is untouched.
	mine := shared(tpl, names("person", "people")...)
	cloneAlong(mine, "static")["n"] = "changed"
	if diff := cmp.Diff(want, shared(tpl, names("person", "people")...)); diff != "" {
		t.Errorf("after a change through cloneAlong (-want +got):\n%s", diff)
	}
}
