// Drives the webhook API of a running stack with Twenty's own client, twenty-client-sdk's
// MetadataApiClient (pinned in package.json), as an integration would: list, create, update,
// delete, list again, and one refused creation. Run by infra/e2e/webhooks_test.go:
//
//	node infra/e2e/sdk/webhooks.mjs <base URL> <access token or API key> <target URL>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';

const [baseURL, token, targetUrl] = process.argv.slice(2);
if (!baseURL || !token || !targetUrl) {
  console.error('usage: webhooks.mjs <base URL> <token> <target URL>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});

const fields = {
  id: true, targetUrl: true, operations: true, description: true, secret: true,
  applicationId: true, createdAt: true, updatedAt: true, deletedAt: true,
};

const out = {};
out.before = (await client.query({ webhooks: { id: true } })).webhooks.length;

const { createWebhook } = await client.mutation({
  createWebhook: {
    __args: { input: { targetUrl, operations: ['person.created', 'company.*'], description: 'from the client SDK' } },
    ...fields,
  },
});
out.created = createWebhook;

const { updateWebhook } = await client.mutation({
  updateWebhook: {
    __args: { input: { id: createWebhook.id, update: { operations: ['*.*'], description: null, secret: 'sdk-secret' } } },
    ...fields,
  },
});
out.updated = updateWebhook;

const { webhook } = await client.query({ webhook: { __args: { id: createWebhook.id }, ...fields } });
out.fetched = webhook;

const { deleteWebhook } = await client.mutation({ deleteWebhook: { __args: { id: createWebhook.id }, id: true, deletedAt: true } });
out.deleted = deleteWebhook;
out.after = (await client.query({ webhooks: { id: true } })).webhooks.length;

try {
  await client.mutation({
    createWebhook: { __args: { input: { targetUrl: 'http://169.254.169.254/latest/meta-data/', operations: ['*.*'] } }, id: true },
  });
  out.refused = null;
} catch (err) {
  const first = err.errors?.[0] ?? {};
  out.refused = { message: first.message ?? String(err), code: first.extensions?.code ?? null };
}

console.log(JSON.stringify(out));
