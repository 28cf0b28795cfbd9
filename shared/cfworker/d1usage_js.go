//go:build js && wasm

package cfworker

import "syscall/js"

func d1Usage() D1Usage {
	u := js.Global().Get("__d1Usage")
	if u.IsUndefined() {
		return D1Usage{}
	}
	return D1Usage{Batches: u.Get("batches").Float(), Statements: u.Get("statements").Float(),
		RowsRead: u.Get("rowsRead").Float(), RowsWritten: u.Get("rowsWritten").Float()}
}
