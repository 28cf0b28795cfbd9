package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// The navigation figures time Twenty's navigationMenuItems on /metadata as its web app asks for
// it on load, in a new workspace with its standard items and a member's favorite people (RECORD
// items): once with targetRecordIdentifier (a record read per favorite) and once without. A 429
// is waited out and retried, not timed.

const navigationBenchFields = `id type name icon color viewId folderId userWorkspaceId targetRecordId
  targetObjectMetadataId link position applicationId`

// navigationFigures times n listings with and without record identifiers, favorites people
// being favorites of the workspace's first member.
func navigationFigures(ctx context.Context, w, stderr io.Writer, tg *target, n, favorites int) error {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return fmt.Errorf("navigation figures: sign-up flow: %w", err)
	}
	_, raw, err := viewsCall(ctx, tg, access, "/metadata", map[string]any{"query": `{ currentUser { currentUserWorkspace { id } }
  objects(paging: {first: 100}) { edges { node { id nameSingular } } } }`})
	if err != nil {
		return fmt.Errorf("navigation figures: current user: %w", err)
	}
	var me struct {
		Data struct {
			CurrentUser struct{ CurrentUserWorkspace struct{ ID string } }
			Objects     struct {
				Edges []struct {
					Node struct{ ID, NameSingular string }
				}
			}
		}
	}
	if err := json.Unmarshal(raw, &me); err != nil {
		return fmt.Errorf("navigation figures: current user: %w", err)
	}
	person := ""
	for _, e := range me.Data.Objects.Edges {
		if e.Node.NameSingular == "person" {
			person = e.Node.ID
		}
	}
	for i := range favorites {
		_, raw, err := viewsCall(ctx, tg, access, "/graphql", map[string]any{
			"query":     `mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }`,
			"variables": map[string]any{"d": map[string]any{"name": map[string]any{"firstName": "Ada", "lastName": fmt.Sprintf("Lovelace %d", i)}}},
		})
		if err != nil {
			return fmt.Errorf("navigation figures: createPerson: %w", err)
		}
		var created struct {
			Data struct{ CreatePerson struct{ ID string } }
		}
		if err := json.Unmarshal(raw, &created); err != nil {
			return fmt.Errorf("navigation figures: createPerson: %w", err)
		}
		if _, _, err := viewsCall(ctx, tg, access, "/metadata", map[string]any{
			"query": `mutation($i: CreateNavigationMenuItemInput!) { createNavigationMenuItem(input: $i) { id } }`,
			"variables": map[string]any{"i": map[string]any{"type": "RECORD", "userWorkspaceId": me.Data.CurrentUser.CurrentUserWorkspace.ID,
				"targetRecordId": created.Data.CreatePerson.ID, "targetObjectMetadataId": person}},
		}); err != nil {
			return fmt.Errorf("navigation figures: createNavigationMenuItem: %w", err)
		}
	}
	withIDs := map[string]any{"query": `{ navigationMenuItems { ` + navigationBenchFields + ` targetRecordIdentifier { id labelIdentifier imageIdentifier } } }`}
	plainQ := map[string]any{"query": `{ navigationMenuItems { ` + navigationBenchFields + ` } }`}
	_, raw, err = viewsCall(ctx, tg, access, "/metadata", plainQ)
	if err != nil {
		return fmt.Errorf("navigation figures: navigationMenuItems: %w", err)
	}
	var listed struct {
		Data struct{ NavigationMenuItems []struct{ ID string } }
	}
	if err := json.Unmarshal(raw, &listed); err != nil {
		return fmt.Errorf("navigation figures: navigationMenuItems: %w", err)
	}
	fmt.Fprintf(stderr, "bench: navigation: %d listings of %d items (%d favorites) with and without record identifiers\n", n, len(listed.Data.NavigationMenuItems), favorites)
	var with, without []time.Duration
	for range n {
		d, _, err := viewsCall(ctx, tg, access, "/metadata", withIDs)
		if err != nil {
			return fmt.Errorf("navigation figures: navigationMenuItems: %w", err)
		}
		with = append(with, d)
		if d, _, err = viewsCall(ctx, tg, access, "/metadata", plainQ); err != nil {
			return fmt.Errorf("navigation figures: navigationMenuItems: %w", err)
		}
		without = append(without, d)
	}
	a, b := Summarize(with), Summarize(without)
	fmt.Fprintf(w, "\nnavigation menu items (a new workspace: %d items, %d of them favorite people; ms)\n", len(listed.Data.NavigationMenuItems), favorites)
	fmt.Fprintf(w, "  with targetRecordIdentifier       p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(a.P50), Millis(a.P90), Millis(a.P99), a.N)
	fmt.Fprintf(w, "  without                           p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(b.P50), Millis(b.P90), Millis(b.P99), b.N)
	return nil
}
