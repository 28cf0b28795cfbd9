// Drives a workspace's invitations on a running stack with Twenty's own client, twenty-client-sdk's
// MetadataApiClient (pinned in package.json), as Twenty's settings page does: read the current
// workspace, invite a colleague, list the invitations. Run by infra/e2e/invitations_test.go:
//
//	node infra/e2e/sdk/invitations.mjs <base URL> <access token> <email to invite>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token, email] = process.argv.slice(2);
if (!baseURL || !token || !email) {
  console.error('usage: invitations.mjs <base URL> <token> <email>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const invitation = { id: true, email: true, roleId: true, expiresAt: true };
const out = {};

out.workspace = (await client.query({
  currentWorkspace: { id: true, inviteHash: true, isPublicInviteLinkEnabled: true, displayName: true, subdomain: true },
})).currentWorkspace;

out.sent = (await client.mutation({
  sendInvitations: { __args: { emails: [email] }, success: true, errors: true, result: invitation },
})).sendInvitations;

out.listed = (await client.query({ findWorkspaceInvitations: invitation })).findWorkspaceInvitations;

out.members = (await client.query({
  currentUser: { workspaceMembers: { id: true, userEmail: true, name: { firstName: true, lastName: true } } },
})).currentUser.workspaceMembers;

console.log(JSON.stringify(out));
