//go:build e2e

// Package e2e drives the real local stack (wrangler dev: every Worker on workerd with local D1, KV,
// R2, Queues and Durable Objects) over HTTP, as a client would. `make test-e2e` builds the Workers
// first; the stack runs on free ports with a temporary state folder and is always torn down.
package e2e

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/twentyworkers/twenty/infra/devstack"
)

// stack is the running stack; nil when it could not start (every test then fails).
var stack *devstack.Stack

func TestMain(m *testing.M) {
	root, err := devstack.RepoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var log bytes.Buffer
	services := []string{"gateway", "auth", "records", "files", "jobs", "realtime"}
	configs := make([]string, len(services))
	for i, s := range services {
		configs[i] = "services/" + s + "/wrangler.jsonc"
	}
	os.Exit(devstack.Main(m, devstack.Options{
		Root:           root,
		Configs:        configs,
		MigrateConfig:  "services/auth/wrangler.jsonc",
		MigrateBinding: "CONTROL",
		// APP_SECRET lets the gateway accept an imported Twenty installation's HS256 tokens.
		Vars: map[string]string{"DEV_ROUTES": "true", "APP_SECRET": legacyAppSecret},
		// --var reaches only the primary Worker. The jobs Worker reads WEBHOOK_ALLOW_LOOPBACK
		// (webhook targets on 127.0.0.1, the tests' receivers) from wrangler's process
		// environment, which wrangler passes to every Worker of the stack when asked to.
		// WEBHOOK_MAX_ATTEMPTS and WEBHOOK_RETRY_BASE_SECONDS shorten webhook retries (1 s, 2 s,
		// then dead) so that a delivery dies within the tests' patience.
		// EMAIL_API_* send SEND_EMAIL steps to the tests' local email API (workflow_email_test.go).
		Env: withEnv(map[string]string{"CLOUDFLARE_INCLUDE_PROCESS_ENV": "true", "WEBHOOK_ALLOW_LOOPBACK": "true",
			"WEBHOOK_MAX_ATTEMPTS": "3", "WEBHOOK_RETRY_BASE_SECONDS": "1",
			"DEV_FAULTS": "true"}, emailProviderEnv()), // shared/faults: every Worker serves /__dev/faults (faults_test.go)
		ReadyPath: "/healthz",
		Log:       &log,
	}, func(s *devstack.Stack) { stack = s }))
}

// need fails the test when the stack is not running: the e2e tier never skips silently.
func need(t *testing.T) *devstack.Stack {
	t.Helper()
	if stack == nil {
		t.Fatal("the local stack is not running (see TestMain's output); run `make test-e2e`")
	}
	t.Cleanup(func() {
		if t.Failed() {
			out := stack.Output()
			if len(out) > 8000 {
				out = out[len(out)-8000:]
			}
			t.Logf("wrangler output (tail):\n%s", out)
		}
	})
	return stack
}
