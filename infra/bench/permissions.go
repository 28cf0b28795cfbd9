package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The permissions figures time what enforcing a role adds to a REST list of 20 people: in each
// workspace an admin (Admin: everything, nothing to check or hide) and a colleague with a
// restricted custom role (no update on opportunities, people's city hidden, so the list is
// checked and every record redacted) list the same 20 people, one request each in turn so that
// the machine's drift hits both alike. A new workspace is signed up before one's rate limit.

// permissionWorkspace is a seeded workspace with its admin's and restricted colleague's clients.
type permissionWorkspace struct {
	admin, restricted *target
	used              int
}

// newPermissionWorkspace signs up a workspace, seeds 20 people, makes the restricted role and a
// colleague (through the public invite link) who has it.
func newPermissionWorkspace(ctx context.Context, tg *target) (*permissionWorkspace, error) {
	_, _, access, err := signUp(ctx, tg)
	if err != nil {
		return nil, fmt.Errorf("sign-up: %w", err)
	}
	withToken := func(token string) *target {
		c := *tg
		c.header = tg.header.Clone()
		c.header.Set("Authorization", "Bearer "+token)
		return &c
	}
	pw := &permissionWorkspace{admin: withToken(access)}
	if _, err := seedWorkspace(ctx, pw.admin); err != nil {
		return nil, err
	}
	var objs struct {
		Objects struct {
			Edges []struct {
				Node struct {
					ID, NameSingular string
					Fields           struct {
						Edges []struct{ Node struct{ ID, Name string } }
					}
				}
			}
		}
	}
	if _, err := gqlCall(ctx, tg, access, `{ objects(paging: {first: 100}) { edges { node { id nameSingular fields(paging: {first: 200}) { edges { node { id name } } } } } } }`, nil, &objs); err != nil {
		return nil, err
	}
	var person, city, opportunity string
	for _, e := range objs.Objects.Edges {
		switch e.Node.NameSingular {
		case "person":
			person = e.Node.ID
			for _, f := range e.Node.Fields.Edges {
				if f.Node.Name == "city" {
					city = f.Node.ID
				}
			}
		case "opportunity":
			opportunity = e.Node.ID
		}
	}
	var role struct{ CreateOneRole struct{ ID string } }
	if _, err := gqlCall(ctx, tg, access, `mutation { createOneRole(createRoleInput: {label: "Restricted", canReadAllObjectRecords: true,
		canUpdateAllObjectRecords: true, canSoftDeleteAllObjectRecords: true, canDestroyAllObjectRecords: true}) { id } }`, nil, &role); err != nil {
		return nil, err
	}
	roleID := role.CreateOneRole.ID
	for _, m := range []struct {
		query string
		vars  map[string]any
	}{
		{`mutation($r: UUID!, $o: UUID!) { upsertObjectPermissions(upsertObjectPermissionsInput: {roleId: $r, objectPermissions: [{objectMetadataId: $o, canUpdateObjectRecords: false}]}) { objectMetadataId } }`,
			map[string]any{"r": roleID, "o": opportunity}},
		{`mutation($r: UUID!, $o: UUID!, $f: UUID!) { upsertFieldPermissions(upsertFieldPermissionsInput: {roleId: $r, fieldPermissions: [{objectMetadataId: $o, fieldMetadataId: $f, canReadFieldValue: false, canUpdateFieldValue: false}]}) { id } }`,
			map[string]any{"r": roleID, "o": person, "f": city}},
	} {
		if _, err := gqlCall(ctx, tg, access, m.query, m.vars, new(any)); err != nil {
			return nil, err
		}
	}
	var hash struct {
		CurrentUser struct{ CurrentWorkspace struct{ InviteHash string } }
	}
	if _, err := gqlCall(ctx, tg, access, `{ currentUser { currentWorkspace { inviteHash } } }`, nil, &hash); err != nil {
		return nil, err
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	var joined struct {
		SignUpInWorkspace struct{ LoginToken benchToken }
	}
	if _, err := gqlCall(ctx, tg, "", `mutation($e: String!, $h: String) { signUpInWorkspace(email: $e, password: "bench-password-1", workspaceInviteHash: $h) { loginToken { token } } }`,
		map[string]any{"e": "bench-colleague-" + hex.EncodeToString(b[:]) + "@example.com", "h": hash.CurrentUser.CurrentWorkspace.InviteHash}, &joined); err != nil {
		return nil, err
	}
	var tokens struct{ GetAuthTokensFromLoginToken benchPair }
	if _, err := gqlCall(ctx, tg, "", `mutation($t:String!){getAuthTokensFromLoginToken(loginToken:$t,origin:""){tokens{accessOrWorkspaceAgnosticToken{token}}}}`,
		map[string]any{"t": joined.SignUpInWorkspace.LoginToken.Token}, &tokens); err != nil {
		return nil, err
	}
	colleague := tokens.GetAuthTokensFromLoginToken.Tokens.Access.Token
	var me struct {
		CurrentUser struct{ WorkspaceMember struct{ ID string } }
	}
	if _, err := gqlCall(ctx, tg, colleague, `{ currentUser { workspaceMember { id } } }`, nil, &me); err != nil {
		return nil, err
	}
	if _, err := gqlCall(ctx, tg, access, `mutation($m: UUID!, $r: UUID!) { updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id } }`,
		map[string]any{"m": me.CurrentUser.WorkspaceMember.ID, "r": roleID}, new(any)); err != nil {
		return nil, err
	}
	pw.restricted = withToken(colleague)
	pw.used = 12 // the setup's requests on the workspace's budget
	return pw, nil
}

// permissionFigures times n REST lists of 20 people as an admin and as a restricted role.
func permissionFigures(ctx context.Context, w, stderr io.Writer, tg *target, n int) error {
	fmt.Fprintf(stderr, "bench: permissions: %d lists of 20 people as an admin and as a restricted role, interleaved\n", n)
	var pw *permissionWorkspace
	var admin, restricted []time.Duration
	workspaces := 0
	const list = "/rest/people?limit=20"
	for len(restricted) < n {
		if pw == nil || pw.used+2 > recordsPerWorkspace {
			var err error
			if pw, err = newPermissionWorkspace(ctx, tg); err != nil {
				return fmt.Errorf("permissions figures: %w", err)
			}
			workspaces++
			// One of each, not timed: the isolates' caches hold the workspace as for any warm request.
			pw.admin.do(ctx, http.MethodGet, list, nil)
			pw.restricted.do(ctx, http.MethodGet, list, nil)
			pw.used += 2
		}
		for i, c := range []*target{pw.admin, pw.restricted} {
			s := c.do(ctx, http.MethodGet, list, nil)
			pw.used++
			if s.status != http.StatusOK {
				return fmt.Errorf("permissions figures: list people: status %d %v", s.status, s.err)
			}
			if i == 0 {
				admin = append(admin, s.d)
			} else {
				restricted = append(restricted, s.d)
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	a, r := Summarize(admin), Summarize(restricted)
	fmt.Fprintf(w, "\npermissions (REST list of 20 people, GET %s, interleaved, %d workspaces; ms)\n", list, workspaces)
	fmt.Fprintf(w, "  Admin (nothing to check)                 p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(a.P50), Millis(a.P90), Millis(a.P99), a.N)
	fmt.Fprintf(w, "  restricted role (checked, city hidden)   p50 %s  p90 %s  p99 %s  (n=%d)\n", Millis(r.P50), Millis(r.P90), Millis(r.P99), r.N)
	fmt.Fprintf(w, "  enforcing adds                           p50 %s  p90 %s  p99 %s\n", Millis(r.P50-a.P50), Millis(r.P90-a.P90), Millis(r.P99-a.P99))
	return nil
}
