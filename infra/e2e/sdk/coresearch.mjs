// Generates Twenty's core client (twenty-client-sdk's generateCoreClientFromSchema, the generator
// Twenty's apps run on a workspace's /graphql schema) from the schema our /graphql serves to the
// caller, bundles it with esbuild and runs `search` with it, as an app would. Run by
// infra/e2e/search_test.go:
//
//	node infra/e2e/sdk/coresearch.mjs <base URL> <access token> <work dir> <search text>
//
// It prints one JSON object: the generated client's answer to search; any failure exits non-zero.
import { build } from 'esbuild';
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import { generateCoreClientFromSchema } from 'twenty-client-sdk/generate';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [baseURL, token, workDir, text] = process.argv.slice(2);
if (!baseURL || !token || !workDir || !text) {
  console.error('usage: coresearch.mjs <base URL> <token> <work dir> <search text>');
  process.exit(2);
}

// The schema, by introspection, as Twenty's generator reads a workspace's.
const res = await fetch(`${baseURL}/graphql`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
  body: JSON.stringify({ query: getIntrospectionQuery() }),
});
const introspection = await res.json();
if (!introspection.data) {
  throw new Error(`introspection failed: ${JSON.stringify(introspection.errors)}`);
}
const sdl = printSchema(buildClientSchema(introspection.data));

const out = join(workDir, 'core');
await mkdir(workDir, { recursive: true });
await generateCoreClientFromSchema({ schema: sdl, outputPath: out });
const bundle = join(workDir, 'core.mjs');
await build({ entryPoints: [join(out, 'index.ts')], outfile: bundle, bundle: true, format: 'esm', platform: 'node', logLevel: 'error' });
const { CoreApiClient } = await import(pathToFileURL(bundle).href);

const client = new CoreApiClient({ url: `${baseURL}/graphql`, headers: { Authorization: `Bearer ${token}` } });
const { search } = await client.query({
  search: {
    __args: { searchInput: text, limit: 10 },
    edges: { node: { recordId: true, objectNameSingular: true, label: true, tsRank: true, tsRankCD: true }, cursor: true },
    pageInfo: { hasNextPage: true, endCursor: true },
  },
});
console.log(JSON.stringify({ search }));
