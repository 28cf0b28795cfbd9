# Twenty's backend as Go Workers. `make dev` serves the whole stack locally; `make test` is what CI
# runs. Every tool comes from the repository's own pins: Node 22, wrangler and buf from
# package-lock.json (npm), Go modules from go.mod files.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --no-print-directory

SERVICES := gateway auth records files jobs realtime
# The gateway is first: `wrangler dev` serves the first config as the primary Worker.
CONFIGS := $(foreach s,$(SERVICES),services/$(s)/wrangler.jsonc)
MODULE_DIRS := shared migrations infra $(addprefix services/,$(SERVICES))

export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
export WRANGLER_SEND_METRICS := false
# Wrangler's local dashboard (a trace of every invocation streamed to a collector Worker, Durable
# Objects wrapped for inspection) roughly doubles the cost of a hop between Workers; unused here.
export X_LOCAL_OBSERVABILITY := false
export X_LOCAL_EXPLORER := false
GOROOT := $(shell go env GOROOT)
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/twentyworkers/twenty/shared/health.Version=$(VERSION)

PORT ?= 8787
INSPECTOR_PORT ?= 9229
STATE ?= .state

.DEFAULT_GOAL := help

.PHONY: help
help: ## Show the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# --- toolchain -------------------------------------------------------------------------------

# `npm install --no-save` installs the lock file's tree without rewriting it. (`npm ci` refuses a lock
# file that lacks other platforms' optional binaries, which this registry does not serve.) An install
# counts only when every tool runs: a stalled download can leave a platform binary out, so a broken
# install is removed and tried again, up to three times.
TOOLS_CHECK := node --version | grep -q '^v22\.' && wrangler --version >/dev/null && esbuild --version >/dev/null \
	&& workerd --version >/dev/null && buf --version >/dev/null

node_modules/.installed: package.json package-lock.json .npmrc
	@for attempt in 1 2 3; do \
		npm install --no-save --no-audit --no-fund --loglevel=error && ( $(TOOLS_CHECK) ) && break; \
		echo "toolchain install attempt $$attempt failed; retrying from scratch" >&2; \
		rm -rf node_modules; \
		[ $$attempt -lt 3 ] || exit 1; \
	done
	touch $@

.PHONY: tools
tools: node_modules/.installed ## Install Node 22, wrangler and buf from package-lock.json (once)

# --- code generation -------------------------------------------------------------------------

.PHONY: generate
generate: tools ## Regenerate Go code from proto/ into shared/gen
	buf lint
	buf generate

.PHONY: checkgenerate
checkgenerate: generate ## Fail when the committed generated code is not what proto/ generates
	@test -z "$$(git status --porcelain -- shared/gen proto | tee /dev/stderr)" || \
		{ echo "shared/gen is stale: run make generate and commit"; exit 1; }

# --- build -----------------------------------------------------------------------------------

shared/js/build/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	mkdir -p $(@D)
	cp $< $@

.PHONY: build
build: shared/js/build/wasm_exec.js ## Build every Worker to services/*/build/app.wasm
	@for s in $(SERVICES); do \
		echo "build $$s"; \
		(cd services/$$s && GOOS=js GOARCH=wasm go build -trimpath -ldflags '$(LDFLAGS)' -o build/app.wasm .); \
	done

# --- local stack -----------------------------------------------------------------------------

# A local AUTH_KEY_SECRET for wrangler dev, made once; .dev.vars is git-ignored.
services/auth/.dev.vars:
	printf 'AUTH_KEY_SECRET=%s\n' "$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > $@

# A local FILE_TOKEN_SECRET (the files Worker signs file links with it), made once.
services/files/.dev.vars:
	printf 'FILE_TOKEN_SECRET=%s\n' "$$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > $@

.PHONY: secrets
secrets: services/auth/.dev.vars services/files/.dev.vars

.PHONY: migrate
migrate: tools ## Apply D1 migrations to the local state folder
	CI=true wrangler d1 migrations apply CONTROL --local --persist-to $(STATE) -c services/auth/wrangler.jsonc

.PHONY: dev
# The local stack admits webhook receivers on 127.0.0.1 (WEBHOOK_ALLOW_LOOPBACK, which the jobs
# Worker reads from wrangler's environment: --var reaches the primary Worker only). That
# environment is handed to every local Worker, so it holds nothing but what wrangler needs (the
# X_LOCAL_* switches above are restated: env -i drops what make exports), and
# the DEV_ENV variables the calling shell sets: the email API that SEND_EMAIL steps and workspace
# invitations go through (jobs Worker) and the web app's URL that invitation links point at.
DEV_ENV := EMAIL_API_URL EMAIL_API_KEY EMAIL_FROM FRONTEND_URL
dev: tools build secrets migrate ## Build and serve the whole stack on http://127.0.0.1:$(PORT) (EMAIL_API_URL/KEY, EMAIL_FROM, FRONTEND_URL from the shell)
	@set --; for v in $(DEV_ENV); do eval "x=\"\$${$$v:-}\""; [ -z "$$x" ] || set -- "$$@" "$$v=$$x"; done; \
	env -i PATH="$$PATH" HOME="$$HOME" TMPDIR="$${TMPDIR:-/tmp}" \
		X_LOCAL_OBSERVABILITY=false X_LOCAL_EXPLORER=false CLOUDFLARE_INCLUDE_PROCESS_ENV=true WEBHOOK_ALLOW_LOOPBACK=true DEV_FAULTS=true "$$@" \
	wrangler dev $(addprefix -c ,$(CONFIGS)) --ip 127.0.0.1 --port $(PORT) \
		--inspector-port $(INSPECTOR_PORT) --persist-to $(STATE) --var DEV_ROUTES:true \
		--show-interactive-dev-session=false

# --- checks ----------------------------------------------------------------------------------

.PHONY: vet
vet: ## gofmt, and go vet every module natively and every Worker for js/wasm
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '/gen/')); \
		test -z "$$unformatted" || { echo "gofmt would change: $$unformatted"; exit 1; }
	go vet $(addsuffix /...,$(addprefix ./,$(MODULE_DIRS)))
	GOOS=js GOARCH=wasm go vet $(addsuffix /...,$(addprefix ./,$(addprefix services/,$(SERVICES)))) \
		$$(GOOS=js GOARCH=wasm go list ./shared/... | grep -v /sqltest)

# golangci-lint is pinned as a tool in infra/lint/go.mod, a module of its own (not in go.work), so
# its dependencies stay out of the Workers' build list; `go tool -n` builds it on first use (into the
# Go build cache) and prints its path. Then it runs at the root, in the workspace, with .golangci.yml:
# natively over every module, and for js/wasm over the Workers and shared (the *_js.go files).
GOLANGCI_LINT = $$(cd infra/lint && GOWORK=off go tool -n golangci-lint)
LINT_WASM := $(addsuffix /...,$(addprefix ./,$(addprefix services/,$(SERVICES)))) ./shared/...

.PHONY: lint
lint: ## golangci-lint (.golangci.yml) over every module natively, and over the Workers and shared for js/wasm
	@lint=$(GOLANGCI_LINT); \
		echo "golangci-lint run (native)"; \
		$$lint run $(addsuffix /...,$(addprefix ./,$(MODULE_DIRS))); \
		echo "golangci-lint run (js/wasm)"; \
		GOOS=js GOARCH=wasm $$lint run $(LINT_WASM)

.PHONY: test-go
test-go: ## Native go test of every module (store tests on SQLite)
	go test -count=1 $(addsuffix /...,$(addprefix ./,$(MODULE_DIRS)))

# Every fuzz target, as package:Target: go test -fuzz runs one target of one package at a time.
FUZZ_TARGETS := \
	shared/graphql:FuzzExecute \
	shared/graphql:FuzzServeHTTP \
	shared/graphql:FuzzVariables \
	services/records/internal/gqlapi:FuzzExecute \
	services/gateway:FuzzRESTEntry \
	services/gateway:FuzzReadMultipart \
	services/gateway:FuzzAddFileURLs \
	services/files:FuzzParseRange \
	shared/restquery:FuzzParseFilter \
	shared/restquery:FuzzParseOrderBy \
	shared/restquery:FuzzNumericParams \
	shared/strictjson:FuzzCheck \
	shared/jsonquote:FuzzAppend \
	shared/webhookurl:FuzzNormalize \
	shared/authtoken:FuzzVerify \
	shared/d1:FuzzDecodeBatch \
	shared/recordquery:FuzzEncodeCursorFields \
	services/records/internal/engine:FuzzFindMany \
	services/records/internal/engine:FuzzDecodeChunk \
	services/records/internal/metastore:FuzzInputsSurviveTheirTypes \
	infra/importer/twentyimport:FuzzImportValues
FUZZTIME ?= 60s
TEST_FUZZTIME ?= 500x
# One fuzzing worker, so that a fuzz run leaves the machine's other core to everything else.
FUZZ_PARALLEL ?= 1

# fuzz-each runs every target of FUZZ_TARGETS for $(1), one after another, stopping at the first
# failure (go test writes the failing input to the package's testdata/fuzz/). Only the fuzz target
# runs: the package's other tests are test-go's.
define fuzz-each
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*} name=$${t##*:}; \
		echo "fuzz $$name (./$$pkg) for $(1)"; \
		go test ./$$pkg -run "^$$name\$$" -fuzz "^$$name\$$" -fuzztime $(1) -parallel $(FUZZ_PARALLEL); \
	done
endef

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (default 60s), one after another
	$(call fuzz-each,$(FUZZTIME))

.PHONY: test-fuzz
test-fuzz: ## Run every fuzz target briefly, TEST_FUZZTIME each (default 500 inputs: a count, not a time, so a slow input never meets the fuzzer's deadline), as make test does
	$(call fuzz-each,$(TEST_FUZZTIME))

.PHONY: test-js
test-js: tools shared/js/build/wasm_exec.js ## Node tests of the JS glue and the Durable Object
	node --test "shared/js/*.test.mjs" "services/realtime/*.test.mjs" "services/gateway/*.test.mjs" # a glob: node >= 21 no longer searches a directory argument

.PHONY: test-e2e
test-e2e: tools build secrets ## End-to-end tests on the real local stack (wrangler dev, local D1/KV/R2/Queues/DO)
	cd infra && go test -tags e2e -count=1 -v ./e2e/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)'

# The import's end-to-end test needs a PostgreSQL server (TWENTY_IMPORT_PG, default
# postgres://postgres@127.0.0.1:5432/postgres with trust authentication; it skips without one).
.PHONY: test-import
test-import: tools build ## Import a seeded Twenty PostgreSQL into a real local stack and query it (see README, Import)
	cd infra && go test -tags importe2e -count=1 -v -run TestImportIntoTheLocalStack ./importer/twentyimport/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)'

.PHONY: check-deploy
check-deploy: tools build ## Bundle every Worker as `wrangler deploy` would, without deploying
	@mkdir -p build
	@for s in $(SERVICES); do \
		wrangler deploy --dry-run --outdir build/dry/$$s -c services/$$s/wrangler.jsonc --env "" >build/dry-$$s.log 2>&1 \
			|| { cat build/dry-$$s.log; echo "deploy bundle of $$s failed"; exit 1; }; \
		echo "deploy bundle ok: $$s ($$(grep -o 'Total Upload: .*' build/dry-$$s.log))"; \
	done
	@# Each deployed environment's section (docs/operations.md) is checked by the same dry run (~2.5 s each).
	@for e in staging production; do for s in $(SERVICES); do \
		wrangler deploy --dry-run --env $$e -c services/$$s/wrangler.jsonc >build/dry-$$s-$$e.log 2>&1 \
			|| { cat build/dry-$$s-$$e.log; echo "deploy dry run of $$s in $$e failed"; exit 1; }; \
	done; echo "deploy dry run ok: every Worker in $$e"; done

# --- operations (docs/operations.md) ----------------------------------------------------------
# infra/ops: every Cloudflare command goes through infra/ops/cloudflare; without CLOUDFLARE_API_TOKEN
# (or with DRY_RUN=1) the commands are printed, not run. ENV=local (the default) is the local stack.
ENV ?= local
OPS = cd infra && go run ./ops $(1) -root .. -env $(ENV) -state "$(abspath $(STATE))" $(if $(DRY_RUN),-dry-run)

.PHONY: provision
provision: tools ## Create ENV's D1 databases, KV namespace, R2 buckets and queues where the configs still hold placeholders, and write the new ids into them (first deploy) [DRY_RUN=1]
	$(call OPS,provision)

.PHONY: deploy
deploy: tools build ## Deploy ENV=staging|production: migrations first, every Worker in dependency order, the gateway last; SERVICE=x deploys one (refused when its contract breaks the deployed callers) [DRY_RUN=1]
	$(call OPS,deploy) -service "$(SERVICE)"

.PHONY: rollback
rollback: tools ## Roll ENV back to the previous version (or SERVICE=x VERSION=id); refused when a migration since makes it unsafe [FORCE=1] [DRY_RUN=1]
	$(call OPS,rollback) -service "$(SERVICE)" -version "$(if $(filter command line,$(origin VERSION)),$(VERSION))" $(if $(FORCE),-force)

.PHONY: logs
logs: tools ## Tail ENV's SERVICE logs (default gateway) [STATUS=500|5xx|error] [WORKSPACE=id] [REQUEST_ID=id]; ENV=local filters stdin: make dev 2>&1 | make logs STATUS=5xx
	$(call OPS,logs) -service "$(SERVICE)" -status "$(STATUS)" -workspace "$(WORKSPACE)" -request-id "$(REQUEST_ID)"

.PHONY: metrics
metrics: ## Request rate, p50/p99 and error rate per route over SINCE (default 1h): Analytics Engine for ENV, /__dev/metrics of make dev locally
	$(call OPS,metrics) -since "$(or $(SINCE),1h)" -port $(PORT)

.PHONY: backup
backup: tools ## Export every D1 database of ENV with a manifest (row counts, checksums) and bookmark into build/backups and R2 (locally: stop make dev first)
	$(call OPS,backup)

.PHONY: restore
restore: tools ## Restore ENV: BACKUP=build/backups/<env>/<stamp> (wipe, load, verify) or BOOKMARK=<D1 Time Travel bookmark> [DATABASE=name]
	@test -n "$(BACKUP)$(BOOKMARK)" || { echo "usage: make restore ENV=… (BACKUP=<folder>|BOOKMARK=<bookmark> [DATABASE=…])"; exit 2; }
	$(call OPS,restore) $(if $(BACKUP),-backup "$(abspath $(BACKUP))") -bookmark "$(BOOKMARK)" -database "$(DATABASE)"

.PHONY: verify
verify: tools ## Check ENV's D1 databases: integrity, foreign keys, metadata against tables [BACKUP=<folder>: counts and checksums against its manifest]
	$(call OPS,verify) $(if $(BACKUP),-backup "$(abspath $(BACKUP))")

.PHONY: test-ops
test-ops: tools ## Ops tests: golden dry runs of deploy/rollback, and the backup → wipe → restore → verify drill on local D1 state
	cd infra && go test -count=1 ./ops/... && go test -tags opse2e -count=1 -v -run TestBackupRestoreDrill ./ops/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)|^\s+\$$ '

.PHONY: test
test: tools checkgenerate vet lint test-go test-fuzz build test-js check-deploy test-e2e test-import test-ops ## Everything that must stay green
	@echo "make test: all green"

.PHONY: bench
bench: tools build secrets ## Load figures (p50/p90/p99, req/s, ratios) and wasm sizes; BENCH_ARGS="-base … -token …"
	cd infra && go run ./bench -root .. $(BENCH_ARGS)

.PHONY: load
load: tools build secrets ## Simulated users on the local stack, open loop: p50/p90/p99/max per action, errors, CPU and memory; LOAD_ARGS="-users 60", "-find", "-costs 25", "-base … -token …"
	cd infra && go run ./load -root .. $(LOAD_ARGS)

.PHONY: import
import: tools migrate ## Import a Twenty PostgreSQL (and its local storage) into the local stack (stop make dev first): PG=postgres://… [STORAGE=dir|s3://bucket] [STATE=.state] [DRY_RUN=1] [TARGET=remote]; REST=http://127.0.0.1:8787 TWENTY_TOKEN=… compares the running stack's REST answers
	@test -n "$(PG)" || { echo "usage: make import PG=postgres://… [STORAGE=…] [STATE=…] [DRY_RUN=1] [TARGET=local|remote] [REST=… TWENTY_TOKEN=…]"; exit 2; }
	cd infra && go run ./importer -pg "$(PG)" -state "$(abspath $(STATE))" -root "$(CURDIR)" -target "$(or $(TARGET),local)" \
		$(if $(STORAGE),-storage "$(if $(filter s3://%,$(STORAGE)),$(STORAGE),$(abspath $(STORAGE)))") $(if $(DRY_RUN),-dry-run) $(if $(REST),-rest-base "$(REST)")

.PHONY: replay-webhooks
replay-webhooks: ## Replay a webhook's dead deliveries: WEBHOOK=<id> TWENTY_TOKEN=<API key> [BASE=http://127.0.0.1:$(PORT)] [DELIVERIES=id,id]
	@test -n "$(WEBHOOK)" || { echo "usage: make replay-webhooks WEBHOOK=<id> TWENTY_TOKEN=<API key> [BASE=…] [DELIVERIES=id,id]"; exit 2; }
	cd infra && go run ./replaywebhooks -base "$(or $(BASE),http://127.0.0.1:$(PORT))" -webhook "$(WEBHOOK)" -deliveries "$(DELIVERIES)"

.PHONY: clean
clean: ## Remove build output and local state
	rm -rf services/*/build shared/js/build $(STATE)
