package blobmem_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/blob"
	"github.com/twentyworkers/twenty/shared/blob/blobmem"
	"github.com/twentyworkers/twenty/shared/blob/blobtest"
	"github.com/twentyworkers/twenty/shared/conformance"
)

func TestConformance(t *testing.T) {
	for _, r := range conformance.Run(t.Context(), "blob", blobtest.Checks(blobmem.New(), "conformance/")) {
		t.Run(r.Check, func(t *testing.T) {
			if !r.Passed {
				t.Error(r.Error)
			}
		})
	}
}

func TestObject(t *testing.T) {
	ctx := t.Context()
	m := blobmem.New()
	if err := m.Put(ctx, "k", []byte("hello"), "text/plain"); err != nil {
		t.Fatalf("Put = %v", err)
	}

	got, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}

	want := &blob.Object{
		Body:        []byte("hello"),
		ContentType: "text/plain",
		Size:        5,
		ETag:        "5d41402abc4b2a76b9719d911017c592", // md5("hello"), as R2 reports it.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get mismatch (-want +got):\n%s", diff)
	}
}

func TestGetReturnsCopy(t *testing.T) {
	ctx := t.Context()
	m := blobmem.New()
	if err := m.Put(ctx, "k", []byte("abc"), ""); err != nil {
		t.Fatalf("Put = %v", err)
	}
	first, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	first.Body[0] = 'X'

	got, err := m.Get(ctx, "k")
	if err != nil {
		t.Fatalf("Get = %v", err)
	}
	if diff := cmp.Diff([]byte("abc"), got.Body); diff != "" {
		t.Errorf("Get after mutating an earlier result (-want +got):\n%s", diff)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	m := blobmem.New()

	if err := m.Put(ctx, "k", nil, ""); !errors.Is(err, context.Canceled) {
		t.Errorf("Put(canceled) = %v, want %v", err, context.Canceled)
	}
	if _, err := m.Get(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get(canceled) = %v, want %v", err, context.Canceled)
	}
	if err := m.Delete(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Delete(canceled) = %v, want %v", err, context.Canceled)
	}
}

func TestConcurrentUse(t *testing.T) {
	ctx := t.Context()
	m := blobmem.New()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				if err := m.Put(ctx, "k", []byte{byte(i)}, "application/octet-stream"); err != nil {
					t.Errorf("Put = %v", err)
					return
				}
				if _, err := m.Get(ctx, "k"); err != nil && !errors.Is(err, blob.ErrNotFound) {
					t.Errorf("Get = %v", err)
					return
				}
				if err := m.Delete(ctx, "k"); err != nil {
					t.Errorf("Delete = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}
