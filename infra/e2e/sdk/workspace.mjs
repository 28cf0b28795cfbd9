// Drives a workspace's own lifecycle with Twenty's own client, twenty-client-sdk's
// MetadataApiClient (pinned in package.json): the user's available workspaces, then the deletion of
// the current workspace, then the same token's currentUser. Run by
// infra/e2e/workspace_delete_sdk_test.go:
//
//	node infra/e2e/sdk/workspace.mjs <base URL> <access token>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token] = process.argv.slice(2);
if (!baseURL || !token) {
  console.error('usage: workspace.mjs <base URL> <access token>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const workspaceFields = {
  id: true, displayName: true, logo: true, loginToken: true, sso: { id: true },
  workspaceUrls: { subdomainUrl: true, customUrl: true },
};

const out = {};
const { currentUser } = await client.query({
  currentUser: {
    id: true,
    availableWorkspaces: {
      availableWorkspacesForSignIn: workspaceFields,
      availableWorkspacesForSignUp: workspaceFields,
    },
  },
});
out.availableWorkspaces = currentUser.availableWorkspaces;

const { deleteCurrentWorkspace } = await client.mutation({
  deleteCurrentWorkspace: { id: true, displayName: true, activationStatus: true },
});
out.deleted = deleteCurrentWorkspace;

try {
  await client.query({ currentUser: { id: true } });
  out.afterwards = null;
} catch (err) {
  const first = err.errors?.[0] ?? {};
  out.afterwards = { message: first.message ?? String(err), code: first.extensions?.code ?? null };
}

console.log(JSON.stringify(out));
