package openapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	coreURL     = "https://api.example.com/rest"
	metadataURL = "https://api.example.com/rest/metadata"
)

// encode returns the document's JSON, failing the test if it cannot.
func encode(t *testing.T, d Document) []byte {
	t.Helper()
	b, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got (indented) with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), buf.String()); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

func TestGoldens(t *testing.T) {
	tests := []struct {
		golden string
		doc    Document
	}{
		{"base-core.golden.json", Base(Core, coreURL)},
		{"base-metadata.golden.json", Base(Metadata, metadataURL)},
		{"core.golden.json", CoreDocument(metadata.StandardObjects(), coreURL)},
		{"metadata.golden.json", MetadataDocument(metadataURL)},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := encode(t, tt.doc)
			golden(t, tt.golden, got)
			checkValid(t, got)
		})
	}
}

// checkValid checks what every document must satisfy: JSON with openapi 3.1.0, every $ref
// resolving, every path template parameter declared as a path parameter, unique operation ids.
func checkValid(t *testing.T, raw []byte) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	for _, key := range []string{"info", "servers", "paths", "components", "security"} {
		if doc[key] == nil {
			t.Errorf("no %s", key)
		}
	}
	walk(doc, func(node map[string]any) {
		if r, ok := node["$ref"].(string); ok {
			if _, err := resolve(doc, r); err != "" {
				t.Errorf("$ref %s: %s", r, err)
			}
		}
	})
	operationIDs := map[string]string{}
	template := regexp.MustCompile(`\{([^}]+)\}`)
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			op := op.(map[string]any)
			if id, ok := op["operationId"].(string); ok {
				if prev, dup := operationIDs[id]; dup {
					t.Errorf("operationId %s on %s %s and %s", id, method, path, prev)
				}
				operationIDs[id] = method + " " + path
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p := p.(map[string]any)
				if r, ok := p["$ref"].(string); ok {
					p, _ = resolve(doc, r)
				}
				if p != nil && p["in"] == "path" {
					declared[p["name"].(string)] = true
				}
			}
			for _, m := range template.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s is not declared", method, path, m[1])
				}
			}
			if _, ok := op["responses"].(map[string]any); !ok {
				t.Errorf("%s %s: no responses", method, path)
			}
		}
	}
}

// walk calls f on every JSON object of v.
func walk(v any, f func(map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(v)
		for _, e := range v {
			walk(e, f)
		}
	case []any:
		for _, e := range v {
			walk(e, f)
		}
	}
}

// resolve follows a local JSON pointer (#/components/schemas/Person).
func resolve(doc map[string]any, pointer string) (map[string]any, string) {
	rest, ok := strings.CutPrefix(pointer, "#/")
	if !ok {
		return nil, "not a local reference"
	}
	var node any = doc
	for _, part := range strings.Split(rest, "/") {
		m, ok := node.(map[string]any)
		if !ok {
			return nil, "cannot descend into " + part
		}
		if node, ok = m[part]; !ok {
			return nil, "no " + part
		}
	}
	m, ok := node.(map[string]any)
	if !ok {
		return nil, "not an object"
	}
	return m, ""
}

func decodeDoc(t *testing.T, d Document) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(encode(t, d), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestCoreDocumentHasEveryObjectsPathsSchemasAndWebhooks(t *testing.T) {
	doc := decodeDoc(t, CoreDocument(metadata.StandardObjects(), coreURL))
	paths := doc["paths"].(map[string]any)
	components := doc["components"].(map[string]any)
	schemas := components["schemas"].(map[string]any)
	webhooks := doc["webhooks"].(map[string]any)
	var tagNames []string
	for _, tag := range doc["tags"].([]any) {
		tagNames = append(tagNames, tag.(map[string]any)["name"].(string))
	}
	for _, o := range metadata.StandardObjects() {
		t.Run(o.NamePlural, func(t *testing.T) {
			p, S := "/"+o.NamePlural, metadata.UpperFirst(o.NameSingular)
			for path, methods := range map[string][]string{
				p:                   {"delete", "get", "patch", "post"},
				"/batch" + p:        {"post"},
				p + "/{id}":         {"delete", "get", "patch"},
				p + "/duplicates":   {"post"},
				p + "/{id}/restore": {"patch"},
				p + "/restore":      {"patch"},
				p + "/merge":        {"patch"},
				p + "/groupBy":      {"get"},
			} {
				item, ok := paths[path].(map[string]any)
				if !ok {
					t.Errorf("no path %s", path)
					continue
				}
				if diff := cmp.Diff(methods, slices.Sorted(maps.Keys(item))); diff != "" {
					t.Errorf("methods of %s (-want +got):\n%s", path, diff)
				}
			}
			for _, name := range []string{S, S + "ForUpdate", S + "ForResponse"} {
				if schemas[name] == nil {
					t.Errorf("no schema %s", name)
				}
			}
			for _, action := range []string{"Created", "Updated", "Deleted"} {
				if webhooks[S+" "+action] == nil {
					t.Errorf("no webhook %s %s", S, action)
				}
			}
		})
	}
	// Ordered as Twenty's localeCompare orders them: notes before noteTargets.
	want := []string{"General", "attachments", "companies", "favorites", "notes", "noteTargets", "opportunities",
		"people", "tasks", "taskTargets", "timelineActivities", "workflowAutomatedTriggers", "workflowRuns", "workflows",
		"workflowVersions", "workspaceMembers"}
	if diff := cmp.Diff(want, tagNames); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	if got := doc["servers"].([]any)[0].(map[string]any)["url"]; got != coreURL {
		t.Errorf("server = %v, want %s", got, coreURL)
	}
	openAPIServer := paths["/open-api/core"].(map[string]any)["get"].(map[string]any)["servers"].([]any)[0].(map[string]any)["url"]
	if openAPIServer != coreURL {
		t.Errorf("the document's own path is served from %v, want %s", openAPIServer, coreURL)
	}
}

func TestDocumentsAreDeterministic(t *testing.T) {
	first := encode(t, CoreDocument(metadata.StandardObjects(), coreURL))
	for range 3 {
		// Building another document changes nothing the next one shares with it.
		MetadataDocument(metadataURL)
		objects := metadata.StandardObjects()
		slices.Reverse(objects) // the input order does not matter either
		if got := encode(t, CoreDocument(objects, coreURL)); !bytes.Equal(first, got) {
			t.Fatal("two builds of the same objects differ")
		}
	}
}

func TestBaseDocumentWithoutObjects(t *testing.T) {
	inactive := metadata.StandardObjects()
	for i := range inactive {
		inactive[i].IsActive = false
	}
	base := encode(t, Base(Core, coreURL))
	for name, objects := range map[string][]metadata.Object{"none": nil, "all inactive": inactive} {
		if got := encode(t, CoreDocument(objects, coreURL)); !bytes.Equal(base, got) {
			t.Errorf("%s: the core document is not the base one", name)
		}
	}
	doc := decodeDoc(t, Base(Metadata, metadataURL+"/"))
	if diff := cmp.Diff([]string{"/open-api/metadata"}, slices.Collect(maps.Keys(doc["paths"].(map[string]any)))); diff != "" {
		t.Errorf("base metadata paths (-want +got):\n%s", diff)
	}
	get := doc["paths"].(map[string]any)["/open-api/metadata"].(map[string]any)["get"].(map[string]any)
	if got := get["servers"].([]any)[0].(map[string]any)["url"]; got != coreURL {
		t.Errorf("/open-api/metadata is served from %v, want %s", got, coreURL)
	}
	if got := doc["servers"].([]any)[0].(map[string]any)["url"]; got != metadataURL {
		t.Errorf("server = %v, want %s", got, metadataURL)
	}
}

func TestParseKind(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Kind
		ok   bool
	}{{"core", Core, true}, {"metadata", Metadata, true}, {"Core", "", false}, {"", "", false}, {"graphql", "", false}} {
		if got, ok := ParseKind(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseKind(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
