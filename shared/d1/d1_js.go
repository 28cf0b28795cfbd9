//go:build js && wasm

package d1

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"syscall/js"
	"unsafe"

	cfd1 "github.com/syumai/workers/cloudflare/d1" // registers the "d1" database/sql driver

	"github.com/twentyworkers/twenty/shared/cfworker"
)

var (
	stringClass     = js.Global().Get("String")
	uint8ArrayClass = js.Global().Get("Uint8Array")
)

// Open returns the DB for the D1 binding named binding (as in wrangler.jsonc).
//
// Single statements go through database/sql with syumai's "d1" driver, which
// has no transactions. Batch calls the binding's batch() method directly.
//
// Batch takes each result's column order from Object.keys of its first row,
// because batch() returns rows as objects keyed by column name; see
// [DB.Batch] for the naming rules this imposes.
func Open(binding string) (*DB, error) {
	env := js.Global().Get("context")
	if env.Type() == js.TypeObject {
		env = env.Get("env")
	}
	if env.Type() != js.TypeObject {
		return nil, fmt.Errorf("d1: open %q: globalThis.context.env is not set", binding)
	}
	obj := env.Get(binding)
	if obj.Type() != js.TypeObject {
		return nil, fmt.Errorf("d1: open %q: %w", binding, cfd1.ErrDatabaseNotFound)
	}
	connector, err := cfd1.OpenConnector(binding)
	if err != nil {
		return nil, fmt.Errorf("d1: open %q: %w", binding, err)
	}
	return &DB{
		DB: sql.OpenDB(connector),
		batch: func(ctx context.Context, stmts []Stmt) ([]Result, error) {
			return batchJS(ctx, obj, stmts)
		},
	}, nil
}

// batchJS runs db.batch([db.prepare(sql).bind(...args), ...]) through the glue's d1Batch helper
// (shared/js/d1wire.mjs): the statements go to JavaScript as one JSON string and the results come
// back as one, instead of crossing into JavaScript a few times per result cell.
func batchJS(ctx context.Context, db js.Value, stmts []Stmt) (_ []Result, err error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("d1 batch: %w", err)
	}
	// syscall/js panics with js.Error when a called JS function throws.
	defer func() {
		if r := recover(); r != nil {
			jsErr, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("d1 batch: %s", errorMessage(jsErr.Value))
		}
	}()
	helper := js.Global().Get("context").Get("binding").Get("d1Batch")
	if helper.Type() != js.TypeFunction {
		return nil, errors.New("d1 batch: the glue's d1Batch helper is missing")
	}
	buf := getWireBuffer()
	request, err := appendBatch((*buf)[:0], stmts)
	if err != nil {
		putWireBuffer(buf)
		return nil, fmt.Errorf("d1 batch: %w", err)
	}
	// The string is only read while Invoke copies it into JavaScript: it may share request's bytes.
	promise := helper.Invoke(db, unsafe.String(unsafe.SliceData(request), len(request)))
	*buf = request
	putWireBuffer(buf)
	out, err := cfworker.Await(ctx, promise)
	if rejected, ok := errors.AsType[*cfworker.Rejection](err); ok {
		return nil, fmt.Errorf("d1 batch: %s", errorMessage(rejected.Reason))
	}
	if err != nil {
		return nil, fmt.Errorf("d1 batch: %w", err)
	}
	if !out.InstanceOf(uint8ArrayClass) {
		return nil, fmt.Errorf("d1 batch: the helper answered a %s, not a Uint8Array", out.Type())
	}
	buf = getWireBuffer()
	n := out.Get("byteLength").Int()
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	wire := (*buf)[:n]
	js.CopyBytesToGo(wire, out)
	results, err := decodeBatch(wire) // copies what it keeps: wire can be reused
	*buf = wire
	putWireBuffer(buf)
	if err != nil {
		return nil, fmt.Errorf("d1 batch: %w", err)
	}
	if len(results) != len(stmts) {
		return nil, fmt.Errorf("d1 batch: got %d results for %d statements", len(results), len(stmts))
	}
	return results, nil
}

// wireBuffers are the byte buffers of batches on the wire, reused: copying a batch's statements
// and results was some 7% of what the records Worker allocated under the bench, and so of
// how often the Go collector ran.
var wireBuffers sync.Pool

// maxPooledWire bounds a buffer kept for reuse, so that one large batch does not stay in memory.
const maxPooledWire = 256 << 10

func getWireBuffer() *[]byte {
	if b, ok := wireBuffers.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 16<<10)
	return &b
}

func putWireBuffer(b *[]byte) {
	if cap(*b) <= maxPooledWire {
		wireBuffers.Put(b)
	}
}

// errorMessage returns a thrown JS value's message, such as
// "D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT".
func errorMessage(v js.Value) string {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			return m.String()
		}
	}
	return stringClass.Invoke(v).String() // String(v) handles null and undefined
}
