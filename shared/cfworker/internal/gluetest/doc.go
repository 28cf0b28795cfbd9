// Command gluetest is a tiny Worker that shared/js/glue.test.mjs builds to wasm and drives through
// the real JavaScript glue (shared/js/glue.mjs): fetch, queue and scheduled events, panics, a crash
// of the whole program, waitUntil and the forward-to-binding path. Its code (main.go) only builds
// for js/wasm; this file keeps the package well-formed for native tools such as go vet.
package main
