// Makes and reads navigation menu items (favorites and favorite folders) with Twenty's own client,
// twenty-client-sdk's MetadataApiClient (pinned in package.json), as Twenty's web app does: a
// new workspace's standard items, a folder, a VIEW item in it, the caller's own OBJECT item,
// navigationMenuItems, an update and a delete. Run by infra/e2e/navigation_test.go:
//
//	node infra/e2e/sdk/navigation.mjs <base URL> <access token> <view id> <person object id> <userWorkspace id>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token, viewId, objectMetadataId, userWorkspaceId] = process.argv.slice(2);
if (!baseURL || !token || !viewId || !objectMetadataId || !userWorkspaceId) {
  console.error('usage: navigation.mjs <base URL> <token> <view id> <object id> <userWorkspace id>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const item = {
  id: true, type: true, name: true, icon: true, viewId: true, folderId: true, userWorkspaceId: true,
  targetObjectMetadataId: true, targetRecordId: true, position: true, applicationId: true,
  createdAt: true, updatedAt: true, targetRecordIdentifier: { id: true, labelIdentifier: true },
};

const out = {};
out.before = (await client.query({ navigationMenuItems: { id: true, type: true, name: true } })).navigationMenuItems;
out.folder = (await client.mutation({
  createNavigationMenuItem: { __args: { input: { type: 'FOLDER', name: 'Sales', icon: 'IconFolder' } }, ...item },
})).createNavigationMenuItem;
[out.viewItem, out.favorite] = (await client.mutation({
  createManyNavigationMenuItems: {
    __args: {
      inputs: [
        { type: 'VIEW', viewId, folderId: out.folder.id },
        { type: 'OBJECT', targetObjectMetadataId: objectMetadataId, userWorkspaceId },
      ],
    },
    ...item,
  },
})).createManyNavigationMenuItems;
out.listed = (await client.query({ navigationMenuItems: item })).navigationMenuItems;
out.updated = (await client.mutation({
  updateNavigationMenuItem: { __args: { input: { id: out.folder.id, update: { name: 'Team' } } }, ...item },
})).updateNavigationMenuItem;
out.deleted = (await client.mutation({ deleteNavigationMenuItem: { __args: { id: out.favorite.id }, ...item } })).deleteNavigationMenuItem;
out.after = (await client.query({ navigationMenuItems: { id: true } })).navigationMenuItems;

console.log(JSON.stringify(out));
