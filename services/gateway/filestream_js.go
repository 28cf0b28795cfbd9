//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/twentyworkers/twenty/shared/cfworker"
)

// jsUploadStreams is the entry's store of file parts (filestream.mjs's globalThis.twentyUploadStreams).
type jsUploadStreams struct{}

// Stream implements uploadStreamer: the entry pipes the part and answers "" when it arrived, or
// why the part was not what it announced.
func (jsUploadStreams) Stream(ctx context.Context, key, uploadURL string) error {
	s := js.Global().Get("twentyUploadStreams")
	if s.IsUndefined() {
		return errors.New("no upload streams in this isolate")
	}
	res, err := cfworker.Await(ctx, s.Call("stream", key, uploadURL))
	if err != nil {
		return fmt.Errorf("upload stream: %w", err)
	}
	if res.Type() == js.TypeString && res.String() != "" {
		return fmt.Errorf("%w: %s", errBadStream, res.String())
	}
	return nil
}
