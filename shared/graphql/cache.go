package graphql

import (
	"container/list"
	"sync"
)

// docCache is a least-recently-used cache of parsed and validated documents keyed by query text,
// bounded both in entries and in bytes of query text (a document's syntax tree is a small multiple
// of its text). It is safe for concurrent use.
type docCache struct {
	maxEntries, maxBytes int

	mu    sync.Mutex
	bytes int
	order *list.List // of *cacheEntry, most recently used first
	index map[string]*list.Element
}

type cacheEntry struct {
	query string
	doc   *document
}

// newDocCache returns a cache of at most maxEntries documents and maxBytes of query text, or nil
// (which caches nothing) when maxEntries is 0 or less.
func newDocCache(maxEntries, maxBytes int) *docCache {
	if maxEntries <= 0 {
		return nil
	}
	return &docCache{
		maxEntries: maxEntries,
		maxBytes:   maxBytes,
		order:      list.New(),
		index:      make(map[string]*list.Element, maxEntries),
	}
}

func (c *docCache) get(query string) (*document, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.index[query]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).doc, true
}

func (c *docCache) add(query string, doc *document) {
	if c == nil || len(query) > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.index[query]; ok {
		c.order.MoveToFront(el)
		return
	}
	c.index[query] = c.order.PushFront(&cacheEntry{query: query, doc: doc})
	c.bytes += len(query)
	for c.order.Len() > c.maxEntries || c.bytes > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.index, e.query)
		c.bytes -= len(e.query)
	}
}

// len reports the number of cached documents.
func (c *docCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
