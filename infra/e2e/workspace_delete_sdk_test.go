//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// TestWorkspaceDeleteWithTwentyClientSDK runs Twenty's own client (twenty-client-sdk's
// MetadataApiClient, infra/e2e/sdk/workspace.mjs) against the stack: the user's available
// workspaces name the current one, deleteCurrentWorkspace answers it suspended, and the same token
// is refused afterwards.
func TestWorkspaceDeleteWithTwentyClientSDK(t *testing.T) {
	s := need(t)
	a := onboard(t, "/metadata")
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(root, "node_modules", ".bin", "node"), filepath.Join(root, "infra", "e2e", "sdk", "workspace.mjs"), s.BaseURL, a.access)
	cmd.Dir = root
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node workspace.mjs: %v\n%s", err, stderr.String())
	}
	type available struct {
		ID, DisplayName, LoginToken string
		Logo                        *string
	}
	var got struct {
		AvailableWorkspaces struct {
			AvailableWorkspacesForSignIn, AvailableWorkspacesForSignUp []available
		}
		Deleted struct {
			ID, DisplayName, ActivationStatus string
		}
		Afterwards *struct{ Message, Code string }
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("node workspace.mjs printed %q: %v", out, err)
	}
	in := got.AvailableWorkspaces.AvailableWorkspacesForSignIn
	if len(in) != 1 || in[0].ID != a.workspaceID || in[0].LoginToken == "" || in[0].Logo == nil || *in[0].Logo != "" {
		t.Errorf("availableWorkspacesForSignIn through the SDK = %+v, want the workspace, a login token and no logo", in)
	}
	if len(got.AvailableWorkspaces.AvailableWorkspacesForSignUp) != 0 {
		t.Errorf("availableWorkspacesForSignUp through the SDK = %+v, want none", got.AvailableWorkspaces.AvailableWorkspacesForSignUp)
	}
	if d := got.Deleted; d.ID != a.workspaceID || d.ActivationStatus != "SUSPENDED" {
		t.Errorf("deleteCurrentWorkspace through the SDK = %+v, want the workspace SUSPENDED", d)
	}
	if got.Afterwards == nil || got.Afterwards.Code != "UNAUTHENTICATED" {
		t.Errorf("currentUser after the deletion through the SDK = %+v, want UNAUTHENTICATED", got.Afterwards)
	}
}
