package main

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/ids"
)

func TestOpenAPI(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	const core, meta = "https://crm.example.com/rest", "https://crm.example.com/rest/metadata"
	tests := []struct {
		name, workspace, kind, serverURL string
		// paths and schemas the document must have; absent the ones it must not.
		paths, schemas, absent []string
	}{
		{"base core", "", "core", core, []string{"/open-api/core"}, nil, []string{"/people"}},
		{"base metadata", "", "metadata", meta, []string{"/open-api/metadata"}, nil, []string{"/objects"}},
		{"workspace core", ws, "core", core,
			[]string{"/open-api/core", "/people", "/people/{id}", "/batch/people", "/companies/groupBy", "/workspaceMembers/{id}/restore"},
			[]string{"Person", "PersonForUpdate", "PersonForResponse", "Company", "WorkspaceMemberForResponse"}, []string{"/objects"}},
		{"workspace metadata", ws, "metadata", meta,
			[]string{"/open-api/metadata", "/objects", "/objects/{id}", "/fields", "/fields/{id}"},
			[]string{"Object", "ObjectForResponse", "Field", "FieldForUpdate"}, []string{"/people"}},
		{"workspace never initialised", ids.NewUUID(), "core", core, []string{"/open-api/core"}, nil, []string{"/people"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.client.OpenAPI(ctx, &recordsv1.OpenAPIRequest{WorkspaceId: tt.workspace, Kind: tt.kind, ServerUrl: tt.serverURL})
			if err != nil {
				t.Fatalf("OpenAPI: %v", err)
			}
			var doc struct {
				OpenAPI    string `json:"openapi"`
				Servers    []struct{ URL string }
				Paths      map[string]any
				Components struct{ Schemas map[string]any }
			}
			if err := json.Unmarshal(res.GetDocumentJson(), &doc); err != nil {
				t.Fatalf("document is not JSON: %v", err)
			}
			if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != tt.serverURL {
				t.Errorf("openapi %q, servers %+v; want 3.1.0 on %s", doc.OpenAPI, doc.Servers, tt.serverURL)
			}
			for _, p := range tt.paths {
				if doc.Paths[p] == nil {
					t.Errorf("no path %s among %v", p, slices.Sorted(maps.Keys(doc.Paths)))
				}
			}
			for _, p := range tt.absent {
				if doc.Paths[p] != nil {
					t.Errorf("path %s should not be there", p)
				}
			}
			for _, s := range tt.schemas {
				if doc.Components.Schemas[s] == nil {
					t.Errorf("no schema %s", s)
				}
			}
		})
	}
}

// TestOpenAPIFollowsMetadataAtOnce changes the metadata in the control database behind the
// isolate's and KV's caches (as another isolate would): the next document shows the change.
func TestOpenAPIFollowsMetadataAtOnce(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ws := h.workspace(t)
	if _, err := h.client.InitWorkspace(ctx, &recordsv1.InitWorkspaceRequest{WorkspaceId: ws}); err != nil {
		t.Fatal(err)
	}
	paths := func() map[string]any {
		t.Helper()
		res, err := h.client.OpenAPI(ctx, &recordsv1.OpenAPIRequest{WorkspaceId: ws, Kind: "core", ServerUrl: "http://x/rest"})
		if err != nil {
			t.Fatal(err)
		}
		var doc struct{ Paths map[string]any }
		if err := json.Unmarshal(res.GetDocumentJson(), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Paths
	}
	// A record call caches the schema first.
	if _, err := h.client.FindMany(ctx, &recordsv1.FindManyRequest{WorkspaceId: ws, ObjectNamePlural: "notes", Query: &recordsv1.Query{Limit: 1}}); err != nil {
		t.Fatal(err)
	}
	if paths()["/notes"] == nil {
		t.Fatal("no /notes before the change")
	}
	if _, err := h.control.Exec(`UPDATE object_metadata SET definition = json_set(definition, '$.IsActive', json('false'))
WHERE workspace_id = ? AND name_singular = 'note'`, ws); err != nil {
		t.Fatal(err)
	}
	if _, err := h.control.Exec(`UPDATE workspace_metadata SET version = version + 1 WHERE workspace_id = ?`, ws); err != nil {
		t.Fatal(err)
	}
	if got := paths(); got["/notes"] != nil || got["/people"] == nil {
		t.Errorf("after deactivating note: /notes %v, /people %v; want only /people", got["/notes"] != nil, got["/people"] != nil)
	}
}

func TestOpenAPIRejectsBadRequests(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name string
		req  *recordsv1.OpenAPIRequest
	}{
		{"unknown kind", &recordsv1.OpenAPIRequest{Kind: "graphql"}},
		{"no kind", &recordsv1.OpenAPIRequest{WorkspaceId: ids.NewUUID()}},
		{"malformed workspace", &recordsv1.OpenAPIRequest{WorkspaceId: "ws-1", Kind: "core"}},
		{"malformed workspace, metadata", &recordsv1.OpenAPIRequest{WorkspaceId: "ws-1", Kind: "metadata"}},
	}
	for _, tt := range tests {
		_, err := h.client.OpenAPI(context.Background(), tt.req)
		if diff := cmp.Diff(connect.CodeInvalidArgument, connect.CodeOf(err)); diff != "" {
			t.Errorf("%s: code (-want +got):\n%s (error %v)", tt.name, diff, err)
		}
	}
}
