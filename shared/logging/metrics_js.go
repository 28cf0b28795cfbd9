//go:build js && wasm

package logging

import (
	"fmt"
	"syscall/js"
)

// analytics writes points to a Workers Analytics Engine dataset binding: blob1 Worker, blob2
// route, blob3 method, blob4 workspace; double1 status, double2 duration in ms; the workspace is
// the index (Analytics Engine samples per index). infra/ops' metrics query reads these columns.
type analytics struct{ binding js.Value }

// OpenAnalytics returns the Analytics Engine binding name of the Worker's environment.
func OpenAnalytics(name string) (Recorder, error) {
	b := js.Global().Get("context").Get("env").Get(name)
	if b.IsUndefined() || b.Get("writeDataPoint").IsUndefined() {
		return nil, fmt.Errorf("no Analytics Engine binding %q", name)
	}
	return analytics{binding: b}, nil
}

// Record implements Recorder. A data point refused (a JS exception, which syscall/js raises as a
// panic) is dropped: metrics never fail the request they describe.
func (a analytics) Record(p Point) {
	defer func() { _ = recover() }()
	a.binding.Call("writeDataPoint", map[string]any{
		"blobs":   []any{p.Worker, p.Route, p.Method, p.Workspace},
		"doubles": []any{p.Status, p.DurationMS},
		"indexes": []any{p.Workspace},
	})
}
