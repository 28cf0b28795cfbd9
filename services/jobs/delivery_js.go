//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"net/http"
	"syscall/js"
	"time"

	"github.com/syumai/workers/cloudflare/queues"
	"github.com/twentyworkers/twenty/shared/cfworker"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/jsfetch"
	"github.com/twentyworkers/twenty/shared/webhookurl"
)

// openDeliverer wires webhook delivery on workerd: POSTs through the runtime's global fetch, retries
// as delayed messages on the jobs queue (binding), the target policy and the retry schedule from
// the Worker's vars.
func openDeliverer(db *d1.DB, binding string) (*deliverer, error) {
	p, err := queues.NewProducer(binding)
	if err != nil {
		return nil, fmt.Errorf("open queue %q for webhook retries: %w", binding, err)
	}
	return &deliverer{
		db:      db,
		queue:   delayedProducer{p},
		client:  &http.Client{Transport: &jsfetch.Transport{Fetcher: js.Global()}},
		targets: webhookurl.Policy{AllowLoopback: cfworker.Var("WEBHOOK_ALLOW_LOOPBACK") == "true"},
		cfg:     parseDeliveryConfig(cfworker.Var),
		now:     time.Now,
	}, nil
}

// delayedProducer sends protobuf job bodies as bytes, each with its delay (whole seconds; the
// Queues limit is 12 hours, above maxRetryBackoff).
type delayedProducer struct{ p *queues.Producer }

func (q delayedProducer) SendDelayed(ctx context.Context, body []byte, delay time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return q.p.SendBytes(body, queues.WithDelaySeconds(delay))
}
