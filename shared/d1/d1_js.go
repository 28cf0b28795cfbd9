//go:build js && wasm

package d1

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"syscall/js"

	cfd1 "github.com/syumai/workers/cloudflare/d1" // registers the "d1" database/sql driver
)

var (
	objectClass     = js.Global().Get("Object")
	uint8ArrayClass = js.Global().Get("Uint8Array")
	stringClass     = js.Global().Get("String")
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

// batchJS runs db.batch([db.prepare(sql).bind(...args), ...]) and converts
// the D1Result objects it resolves to.
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

	prepared := make([]any, len(stmts))
	for i, s := range stmts {
		args := make([]any, len(s.Args))
		for j, a := range s.Args {
			args[j] = toJS(a)
		}
		prepared[i] = db.Call("prepare", s.SQL).Call("bind", args...)
	}
	out, err := await(ctx, db.Call("batch", js.ValueOf(prepared)))
	if err != nil {
		return nil, fmt.Errorf("d1 batch: %w", err)
	}
	if n := out.Length(); n != len(stmts) {
		return nil, fmt.Errorf("d1 batch: got %d results for %d statements", n, len(stmts))
	}
	results := make([]Result, len(stmts))
	for i := range results {
		res, err := toResult(out.Index(i))
		if err != nil {
			return nil, fmt.Errorf("d1 batch: statement %d: %w", i, err)
		}
		results[i] = res
	}
	return results, nil
}

// toJS converts an argument already normalized by Batch (nil, int64,
// float64, string or []byte) to the value D1's bind() accepts.
func toJS(v any) any {
	switch v := v.(type) {
	case nil:
		return js.Null()
	case int64:
		return float64(v) // within ±(2^53-1), checked by Batch
	case []byte:
		a := uint8ArrayClass.New(len(v))
		js.CopyBytesToJS(a, v)
		return a
	default: // float64, string
		return v
	}
}

// toResult converts one D1Result: {results: [{col: value, ...}], meta: {changes}}.
func toResult(r js.Value) (Result, error) {
	var res Result
	if meta := r.Get("meta"); meta.Type() == js.TypeObject {
		if ch := meta.Get("changes"); ch.Type() == js.TypeNumber {
			res.Changes = int64(ch.Float())
		}
	}
	rows := r.Get("results")
	if rows.Type() != js.TypeObject || rows.Length() == 0 {
		return res, nil
	}
	keys := objectClass.Call("keys", rows.Index(0))
	cols := make([]string, keys.Length())
	for i := range cols {
		cols[i] = keys.Index(i).String()
	}
	if err := checkColumns(cols); err != nil {
		return Result{}, err
	}
	res.Columns = cols
	res.Rows = make([][]any, rows.Length())
	for i := range res.Rows {
		row := rows.Index(i)
		vals := make([]any, len(cols))
		for j, c := range cols {
			v, err := fromJS(row.Get(c))
			if err != nil {
				return Result{}, fmt.Errorf("row %d column %q: %w", i, c, err)
			}
			vals[j] = v
		}
		res.Rows[i] = vals
	}
	return res, nil
}

// fromJS converts a D1 cell (null, number, string, or a BLOB as an array of
// bytes or ArrayBuffer) to a driver value, like syumai's rows.go.
func fromJS(v js.Value) (any, error) {
	switch v.Type() {
	case js.TypeNull, js.TypeUndefined:
		return nil, nil
	case js.TypeNumber:
		return number(v.Float()), nil
	case js.TypeString:
		return v.String(), nil
	case js.TypeObject:
		src := uint8ArrayClass.New(v)
		dst := make([]byte, src.Length())
		if n := js.CopyBytesToGo(dst, src); n != len(dst) {
			return nil, fmt.Errorf("copied %d of %d blob bytes", n, len(dst))
		}
		return dst, nil
	default:
		return nil, fmt.Errorf("unexpected value type %s", v.Type())
	}
}

// await blocks until promise settles or ctx is done. The callbacks stay
// registered until the promise settles, whichever happens first.
func await(ctx context.Context, promise js.Value) (js.Value, error) {
	type outcome struct {
		v   js.Value
		err error
	}
	ch := make(chan outcome, 1) // buffered: a late settle must not block
	var onOK, onErr js.Func
	release := func() {
		onOK.Release()
		onErr.Release()
	}
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer release()
		ch <- outcome{v: arg0(args)}
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer release()
		ch <- outcome{err: errors.New(errorMessage(arg0(args)))}
		return nil
	})
	promise.Call("then", onOK, onErr)
	select {
	case o := <-ch:
		return o.v, o.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
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
