// Drives a workspace's roles on a running stack with Twenty's own client, twenty-client-sdk's
// MetadataApiClient (pinned in package.json), as Twenty's settings pages do: list the roles,
// restrict one on an object, and read the caller's own permissions. Run by
// infra/e2e/permissions_test.go:
//
//	node infra/e2e/sdk/permissions.mjs <base URL> <access token> <role id> <object metadata id>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token, roleId, objectMetadataId] = process.argv.slice(2);
if (!baseURL || !token || !roleId || !objectMetadataId) {
  console.error('usage: permissions.mjs <base URL> <token> <role id> <object metadata id>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const objectPermission = {
  objectMetadataId: true,
  canReadObjectRecords: true,
  canUpdateObjectRecords: true,
  canSoftDeleteObjectRecords: true,
  canDestroyObjectRecords: true,
};
const out = {};

out.roles = (await client.query({
  getRoles: {
    id: true, label: true, isEditable: true, canUpdateAllSettings: true, canReadAllObjectRecords: true,
    canBeAssignedToApiKeys: true, objectPermissions: objectPermission, permissionFlags: { flag: true },
  },
})).getRoles;

out.upserted = (await client.mutation({
  upsertObjectPermissions: {
    __args: { upsertObjectPermissionsInput: { roleId, objectPermissions: [{ objectMetadataId, canUpdateObjectRecords: false }] } },
    ...objectPermission,
  },
})).upsertObjectPermissions;

out.me = (await client.query({
  currentUser: {
    id: true,
    workspaceMembers: undefined,
    currentUserWorkspace: { id: true, permissionFlags: true, objectsPermissions: { ...objectPermission, restrictedFields: true } },
  },
})).currentUser;

console.log(JSON.stringify(out));
