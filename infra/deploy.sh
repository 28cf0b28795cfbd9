#!/usr/bin/env bash
# Deploys the whole backend to the Cloudflare account of CLOUDFLARE_API_TOKEN (and
# CLOUDFLARE_ACCOUNT_ID): creates the D1 databases, KV namespace, R2 bucket and queues when they do
# not exist, applies the control database's migrations, and deploys the Workers, the gateway last.
#
# The committed wrangler configs carry placeholder ids; this script writes copies with the account's
# real ids under build/deploy/ and deploys those. Run it through `make deploy`.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CLOUDFLARE_API_TOKEN:?set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID)}"

services=(auth records files jobs realtime gateway) # the gateway binds the others: deploy it last
out=build/deploy
mkdir -p "$out"

d1_id() { # name → database uuid, creating the database if needed
  local id
  id=$(wrangler d1 list --json | node -e 'const l=JSON.parse(require("fs").readFileSync(0));const d=l.find(x=>x.name===process.argv[1]);if(d)console.log(d.uuid)' "$1")
  if [[ -z "$id" ]]; then
    wrangler d1 create "$1" >&2
    id=$(d1_id "$1")
  fi
  echo "$id"
}

kv_id() { # title → namespace id, creating it if needed
  local id
  id=$(wrangler kv namespace list | node -e 'const l=JSON.parse(require("fs").readFileSync(0));const n=l.find(x=>x.title===process.argv[1]);if(n)console.log(n.id)' "$1")
  if [[ -z "$id" ]]; then
    wrangler kv namespace create "$1" >&2
    id=$(kv_id "$1")
  fi
  echo "$id"
}

control=$(d1_id twenty-control)
shard0=$(d1_id twenty-shard-0)
cache=$(kv_id twenty-cache)
wrangler r2 bucket create twenty-files 2>/dev/null || true
for q in twenty-jobs twenty-jobs-dlq; do wrangler queues create "$q" 2>/dev/null || true; done

for s in "${services[@]}"; do
  sed -e "s/00000000-0000-4000-8000-000000000001/$control/" \
      -e "s/00000000-0000-4000-8000-000000000003/$shard0/" \
      -e "s/00000000000040008000000000000002/$cache/" \
      -e "s#\"main\": \"entry.mjs\"#\"main\": \"../../services/$s/entry.mjs\"#" \
      -e "s#\"migrations_dir\": \"../../migrations\"#\"migrations_dir\": \"../../migrations\"#" \
      "services/$s/wrangler.jsonc" > "$out/$s.wrangler.jsonc"
done

CI=true wrangler d1 migrations apply CONTROL --remote -c "$out/auth.wrangler.jsonc"

# AUTH_KEY_SECRET seals the signing keys in D1: set it once, never rotate it by accident.
if ! wrangler secret list -c "$out/auth.wrangler.jsonc" 2>/dev/null | grep -q AUTH_KEY_SECRET; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | wrangler secret put AUTH_KEY_SECRET -c "$out/auth.wrangler.jsonc"
fi
# FILE_TOKEN_SECRET signs file links (set to an imported Twenty's APP_SECRET to keep its links).
if ! wrangler secret list -c "$out/files.wrangler.jsonc" 2>/dev/null | grep -q FILE_TOKEN_SECRET; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | wrangler secret put FILE_TOKEN_SECRET -c "$out/files.wrangler.jsonc"
fi
# Browsers PUT presigned uploads straight to the bucket (when R2 S3 credentials are set).
wrangler r2 bucket cors set twenty-files --file services/files/r2-cors.json --force
for s in "${services[@]}"; do
  wrangler deploy -c "$out/$s.wrangler.jsonc"
done
