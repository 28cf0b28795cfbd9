//go:build !(js && wasm)

package cfworker

func d1Usage() D1Usage { return D1Usage{} }
