package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/twentyworkers/twenty/infra/ops/cloudflare"
)

// provision creates what env's configs name and Cloudflare does not have yet (the old
// infra/deploy.sh's first part): each D1 database and the KV namespace still holding a
// placeholder id are created and their ids written into every services/*/wrangler.jsonc in place
// of the placeholder (commit them: ids are not secrets); the R2 buckets (files, backups), the
// queues and the files bucket's CORS policy. Existing buckets and queues are left as they are.
func (a *app) provision(ctx context.Context, env string) error {
	if env == "" {
		return fmt.Errorf("provision: the local stack needs none; ENV=staging or ENV=production")
	}
	w := a.worker("records", env)
	replace := map[string]string{}
	dbs, err := a.st.databases(env)
	if err != nil {
		return err
	}
	for _, d := range dbs {
		if !strings.HasPrefix(d.ID, "00000000") {
			continue
		}
		out, err := a.cf.Run(ctx, cloudflare.D1Create(w, d.Name))
		if err != nil {
			return err
		}
		if id := cloudflare.ParseD1ID(out); id != "" {
			replace[d.ID] = id
		}
	}
	b, err := a.st.in("gateway", env)
	if err != nil {
		return err
	}
	for _, k := range b.KV {
		if !strings.HasPrefix(k.ID, "00000000") {
			continue
		}
		out, err := a.cf.Run(ctx, cloudflare.KVCreate(w, "twenty-cache-"+env))
		if err != nil {
			return err
		}
		if id := cloudflare.ParseKVID(out); id != "" {
			replace[k.ID] = id
		}
	}
	for _, c := range []cloudflare.Command{
		cloudflare.R2Create(w, "twenty-files-"+env),
		cloudflare.R2Create(w, backupBucket(env)),
		cloudflare.QueueCreate(w, "twenty-jobs-"+env),
		cloudflare.QueueCreate(w, "twenty-jobs-dlq-"+env),
	} {
		if _, err := a.cf.Run(ctx, c); err != nil && !strings.Contains(err.Error(), "already exists") {
			return err
		}
	}
	if _, err := a.cf.Run(ctx, cloudflare.R2Cors(w, "twenty-files-"+env, "services/files/r2-cors.json")); err != nil {
		return err
	}
	if len(replace) == 0 {
		if a.dry {
			a.printf("(each new id replaces its placeholder in services/*/wrangler.jsonc)\n")
		}
		return nil
	}
	for _, svc := range services {
		p := filepath.Join(a.root, a.st.configPath(svc))
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(body)
		for from, to := range replace {
			s = strings.ReplaceAll(s, from, to)
		}
		if s != string(body) {
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				return err
			}
			a.printf("%s: ids filled\n", a.st.configPath(svc))
		}
	}
	a.printf("provision %s: %d ids written into the configs: review and commit them\n", env, len(replace))
	return nil
}

// requiredSecrets are the secrets a Worker does not start without; a first deploy sets each
// missing one to a random value (as infra/deploy.sh did).
var requiredSecrets = map[string][]string{"auth": {"AUTH_KEY_SECRET"}, "files": {"FILE_TOKEN_SECRET"}}

// ensureSecrets sets svc's missing required secrets in env to random values.
func (a *app) ensureSecrets(ctx context.Context, env, svc string) error {
	names := requiredSecrets[svc]
	if len(names) == 0 {
		return nil
	}
	w := a.worker(svc, env)
	out, err := a.cf.Run(ctx, cloudflare.SecretList(w))
	if err != nil {
		return err
	}
	have := cloudflare.ParseSecretNames(out)
	for _, n := range names {
		if slices.Contains(have, n) {
			continue
		}
		if a.dry {
			a.printf("%s: %s is set to 32 random bytes (hex) when the list above lacks it\n", svc, n)
		}
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		if _, err := a.cf.Run(ctx, cloudflare.SecretPut(w, n, []byte(hex.EncodeToString(b[:])))); err != nil {
			return err
		}
	}
	return nil
}
