// Drives the file API of a running stack with Twenty's own client, twenty-client-sdk's
// MetadataApiClient (pinned in package.json), as an integration would: its uploadFile helper
// (createFileUpload, a PUT of the bytes to the upload URL, completeFileUpload), the same three
// steps through its typed mutations, and the signed URL it gets back downloaded. Run by
// infra/e2e/files_test.go:
//
//	node infra/e2e/sdk/files.mjs <base URL> <access token or API key>
//
// It prints one JSON object with what each step answered; any unexpected failure exits non-zero.
import { MetadataApiClient } from 'twenty-client-sdk/metadata';
import { createHash, randomBytes } from 'node:crypto';

const [baseURL, token] = process.argv.slice(2);
if (!baseURL || !token) {
  console.error('usage: files.mjs <base URL> <token>');
  process.exit(2);
}

const client = new MetadataApiClient({
  url: `${baseURL}/metadata`,
  headers: { Authorization: `Bearer ${token}` },
});
const sha = (b) => createHash('sha256').update(b).digest('hex');
const out = {};

// The client's own helper, as an application uploads to a FILES field.
const helperBytes = randomBytes(3 << 20);
const helped = await client.uploadFile({ fileBuffer: helperBytes, filename: 'from-helper.bin', fieldMetadataUniversalIdentifier: 'sdk-field' });
out.helper = { ...helped, sent: sha(helperBytes) };

// The typed mutations, step by step.
const bytes = randomBytes(1 << 20);
const { createFileUpload } = await client.mutation({
  createFileUpload: { __args: { filename: 'typed.pdf', size: bytes.length, fileFolder: 'FilesField' }, fileId: true, uploadUrl: true, contentType: true, expiresAt: true },
});
out.target = createFileUpload;
const put = await fetch(createFileUpload.uploadUrl, { method: 'PUT', headers: { 'Content-Type': createFileUpload.contentType }, body: bytes });
out.putStatus = put.status;
const { completeFileUpload } = await client.mutation({
  completeFileUpload: { __args: { fileId: createFileUpload.fileId }, id: true, path: true, size: true, createdAt: true, url: true },
});
out.completed = completeFileUpload;
for (const [name, file, sent] of [['helperDownload', helped, helperBytes], ['typedDownload', completeFileUpload, bytes]]) {
  const res = await fetch(file.url);
  const body = Buffer.from(await res.arrayBuffer());
  out[name] = { status: res.status, contentType: res.headers.get('content-type'), same: sha(body) === sha(sent), length: body.length };
}

// A refused completion answers Twenty's GraphQL error through the client.
try {
  await client.mutation({ completeFileUpload: { __args: { fileId: '00000000-0000-4000-8000-000000000000' }, id: true } });
  out.refused = null;
} catch (err) {
  const first = err.errors?.[0] ?? {};
  out.refused = { message: first.message ?? String(err), code: first.extensions?.code ?? '' };
}

console.log(JSON.stringify(out));
