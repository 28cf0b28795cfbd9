// Package jsfetch sends Go HTTP requests through a JavaScript object that has a fetch method: a
// service binding to another Worker, or a Durable Object stub. Bodies cross the Go/JS boundary as
// one Uint8Array each way instead of streams, which is cheaper for the small bodies of Connect calls
// (measured ~1.2 ms p50 per call). It exists only on js/wasm.
package jsfetch
