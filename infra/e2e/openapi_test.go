//go:build e2e

package e2e

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// openAPIDoc is the part of an OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Servers []struct {
		URL string `json:"url"`
	} `json:"servers"`
	Paths      map[string]map[string]any `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]any `json:"properties"`
		} `json:"schemas"`
	} `json:"components"`
	Webhooks map[string]any `json:"webhooks"`
}

func TestOpenAPIDocuments(t *testing.T) {
	a := onboard(t, "/metadata")
	auth := []string{"Authorization", "Bearer " + a.access}
	base := need(t).BaseURL

	fetch := func(t *testing.T, path string, headers ...string) openAPIDoc {
		t.Helper()
		r := get(t, path, headers...)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", path, r.status, r.body)
		}
		doc := decode[openAPIDoc](t, r)
		if doc.OpenAPI != "3.1.0" {
			t.Errorf("GET %s: openapi %q, want 3.1.0", path, doc.OpenAPI)
		}
		return doc
	}

	// With a token: the workspace's objects.
	core := fetch(t, "/rest/open-api/core", auth...)
	if len(core.Servers) != 1 || core.Servers[0].URL != base+"/rest" {
		t.Errorf("servers = %+v, want %s/rest", core.Servers, base)
	}
	for _, p := range []string{"/people", "/people/{id}", "/batch/people", "/companies", "/workspaceMembers"} {
		if core.Paths[p] == nil {
			t.Errorf("core document has no %s", p)
		}
	}
	if diff := cmp.Diff([]string{"delete", "get", "patch", "post"}, slices.Sorted(maps.Keys(core.Paths["/people"]))); diff != "" {
		t.Errorf("methods of /people (-want +got):\n%s", diff)
	}
	person := core.Components.Schemas["Person"].Properties
	for _, f := range []string{"name", "emails", "city", "companyId"} {
		if person[f] == nil {
			t.Errorf("schema Person has no %s among %v", f, slices.Sorted(maps.Keys(person)))
		}
	}
	if core.Components.Schemas["PersonForResponse"].Properties["company"] == nil || core.Webhooks["Person Created"] == nil {
		t.Errorf("no PersonForResponse.company or Person Created webhook")
	}

	// Without a valid token, or with it only in the URL: the base document.
	for _, tt := range []struct {
		name, path string
		headers    []string
	}{
		{"no token", "/rest/open-api/core", nil},
		{"token in the URL", "/rest/open-api/core?token=" + a.access, nil},
		{"invalid token", "/rest/open-api/core", []string{"Authorization", "Bearer not-a-token"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := fetch(t, tt.path, tt.headers...)
			if diff := cmp.Diff([]string{"/open-api/core"}, slices.Sorted(maps.Keys(doc.Paths))); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if len(doc.Components.Schemas) != 0 {
				t.Errorf("base document has schemas %v", slices.Sorted(maps.Keys(doc.Components.Schemas)))
			}
		})
	}

	// A custom object shows at once.
	r := post(t, "/rest/metadata/objects", `{"nameSingular":"rocket","namePlural":"rockets","labelSingular":"Rocket","labelPlural":"Rockets"}`,
		append(auth, "Content-Type", "application/json")...)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /rest/metadata/objects = %d %s", r.status, r.body)
	}
	withRocket := fetch(t, "/rest/open-api/core", auth...)
	if withRocket.Paths["/rockets"] == nil || withRocket.Components.Schemas["Rocket"].Properties["name"] == nil {
		t.Errorf("the core document has no /rockets or Rocket.name after creating the object")
	}

	// The metadata document.
	meta := fetch(t, "/rest/open-api/metadata", auth...)
	if meta.Servers[0].URL != base+"/rest/metadata" || meta.Paths["/objects"] == nil || meta.Paths["/fields/{id}"] == nil {
		t.Errorf("metadata document: servers %+v, paths %v", meta.Servers, slices.Sorted(maps.Keys(meta.Paths)))
	}
	if r := get(t, "/rest/open-api/graphql", auth...); r.status != http.StatusNotFound ||
		!cmp.Equal(decode[envelope](t, r), envelope{404, "NotFoundException", []string{"Cannot GET /rest/open-api/graphql"}}) {
		t.Errorf("GET /rest/open-api/graphql = %d %s", r.status, r.body)
	}
}
