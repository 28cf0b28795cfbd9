// Reads and makes views with Twenty's own client, twenty-client-sdk's MetadataApiClient (pinned in
// package.json), as Twenty's web app does: getViews with their parts, createView, a view field,
// filter and sort, getView, and getViews again. Run by infra/e2e/views_test.go:
//
//	node infra/e2e/sdk/views.mjs <base URL> <access token> <person object id> <city field id>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token, objectMetadataId, cityFieldId] = process.argv.slice(2);
if (!baseURL || !token || !objectMetadataId || !cityFieldId) {
  console.error('usage: views.mjs <base URL> <token> <object id> <field id>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const view = {
  id: true, name: true, objectMetadataId: true, type: true, key: true, icon: true, position: true,
  isCompact: true, isCustom: true, visibility: true, universalIdentifier: true, applicationId: true,
  workspaceId: true, createdAt: true, updatedAt: true, deletedAt: true,
  viewFields: { id: true, fieldMetadataId: true, isVisible: true, size: true, position: true, aggregateOperation: true, viewId: true },
  viewFilters: { id: true, fieldMetadataId: true, operand: true, value: true, viewId: true },
  viewFilterGroups: { id: true, logicalOperator: true },
  viewSorts: { id: true, fieldMetadataId: true, direction: true },
  viewGroups: { id: true, fieldValue: true },
  viewFieldGroups: { id: true, name: true, viewFields: { id: true } },
};

const out = {};
out.before = (await client.query({ getViews: { __args: { objectMetadataId }, ...view } })).getViews;

const { createView } = await client.mutation({
  createView: { __args: { input: { name: 'Parisians', objectMetadataId, icon: 'IconMapPin' } }, ...view },
});
out.created = createView;

const { createManyViewFields } = await client.mutation({
  createManyViewFields: {
    __args: { inputs: [{ viewId: createView.id, fieldMetadataId: cityFieldId, position: 0, size: 180 }] },
    id: true, fieldMetadataId: true, position: true, size: true, isVisible: true,
  },
});
out.viewFields = createManyViewFields;

const { createViewFilter } = await client.mutation({
  createViewFilter: {
    __args: { input: { viewId: createView.id, fieldMetadataId: cityFieldId, operand: 'CONTAINS', value: 'Paris' } },
    id: true, operand: true, value: true,
  },
});
out.filter = createViewFilter;

const { createViewSort } = await client.mutation({
  createViewSort: { __args: { input: { viewId: createView.id, fieldMetadataId: cityFieldId, direction: 'DESC' } }, id: true, direction: true },
});
out.sort = createViewSort;

out.fetched = (await client.query({ getView: { __args: { id: createView.id }, ...view } })).getView;
out.filters = (await client.query({ getViewFilters: { __args: { viewId: createView.id }, id: true, operand: true } })).getViewFilters;
out.after = (await client.query({ getViews: { __args: { objectMetadataId, viewTypes: ['TABLE'] }, id: true, name: true } })).getViews;

console.log(JSON.stringify(out));
