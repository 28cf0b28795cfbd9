package faults

import (
	"context"
	"database/sql"
	"net/http"
	"time"

	"connectrpc.com/connect"
	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/d1"
	"github.com/twentyworkers/twenty/shared/kv"
	"github.com/twentyworkers/twenty/shared/queue"
	"github.com/twentyworkers/twenty/shared/rpc"
)

// DB answers db with every batch and single statement asking t first (seam D1, target binding).
func DB(db *d1.DB, t *Table, binding string) *d1.DB {
	check := func(ctx context.Context) error { return t.Check(ctx, D1, binding) }
	return db.Intercept(sql.OpenDB(&connector{db: db.DB, check: check}), check)
}

// KVStore answers s with every call asking t first (seam KV, target binding).
func KVStore(s kv.Store, t *Table, binding string) kv.Store {
	return &kvStore{next: s, check: func(ctx context.Context) error { return t.Check(ctx, KV, binding) }}
}

type kvStore struct {
	next  kv.Store
	check func(context.Context) error
}

func (s *kvStore) Get(ctx context.Context, key string) ([]byte, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.next.Get(ctx, key)
}

func (s *kvStore) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.next.Put(ctx, key, value, ttl)
}

func (s *kvStore) Delete(ctx context.Context, key string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.next.Delete(ctx, key)
}

// BlobStore answers s with every call asking t first (seam R2, target binding).
func BlobStore(s blob.Store, t *Table, binding string) blob.Store {
	return &blobStore{next: s, check: func(ctx context.Context) error { return t.Check(ctx, R2, binding) }}
}

type blobStore struct {
	next  blob.Store
	check func(context.Context) error
}

func (s *blobStore) Put(ctx context.Context, key string, body []byte, contentType string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.next.Put(ctx, key, body, contentType)
}

func (s *blobStore) Get(ctx context.Context, key string) (*blob.Object, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	return s.next.Get(ctx, key)
}

func (s *blobStore) Delete(ctx context.Context, key string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.next.Delete(ctx, key)
}

// Producer answers p with every send asking t first (seam Queue, target binding).
func Producer(p queue.Producer, t *Table, binding string) queue.Producer {
	return producer{next: p, check: func(ctx context.Context) error { return t.Check(ctx, Queue, binding) }}
}

type producer struct {
	next  queue.Producer
	check func(context.Context) error
}

func (p producer) Send(ctx context.Context, body []byte) error {
	if err := p.check(ctx); err != nil {
		return err
	}
	return p.next.Send(ctx, body)
}

// HTTPClient answers c with every request asking t first, for a service binding (seam Binding)
// or a Durable Object namespace (seam DO) named target. Requests the gateway forwards to a dev
// route (rpc.DevHeader) pass, so the faults of the Worker behind can still be cleared.
func HTTPClient(c connect.HTTPClient, t *Table, seam, target string) connect.HTTPClient {
	return httpClient{next: c, t: t, seam: seam, target: target}
}

type httpClient struct {
	next         connect.HTTPClient
	t            *Table
	seam, target string
}

func (c httpClient) Do(req *http.Request) (*http.Response, error) {
	if req.Header.Get(rpc.DevHeader) == "" {
		if err := c.t.Check(req.Context(), c.seam, c.target); err != nil {
			return nil, err
		}
	}
	return c.next.Do(req)
}
