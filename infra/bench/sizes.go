package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
)

// wasmSize is the size of one service's build/app.wasm.
type wasmSize struct {
	service   string
	raw, gzip int64
}

// countWriter counts the bytes written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// measureWasm returns the raw and gzip -9 (BestCompression) sizes of every
// services/*/build/app.wasm under root, in service order.
func measureWasm(root string) ([]wasmSize, error) {
	files, err := filepath.Glob(filepath.Join(root, "services", "*", "build", "app.wasm"))
	if err != nil {
		return nil, fmt.Errorf("listing wasm files: %w", err)
	}
	var sizes []wasmSize
	for _, f := range files {
		s, err := gzipSize(f)
		if err != nil {
			return nil, err
		}
		s.service = filepath.Base(filepath.Dir(filepath.Dir(f)))
		sizes = append(sizes, s)
	}
	return sizes, nil
}

func gzipSize(path string) (wasmSize, error) {
	f, err := os.Open(path)
	if err != nil {
		return wasmSize{}, fmt.Errorf("measuring wasm: %w", err)
	}
	defer f.Close()
	var cw countWriter
	zw, err := gzip.NewWriterLevel(&cw, gzip.BestCompression)
	if err != nil {
		return wasmSize{}, fmt.Errorf("measuring wasm: %w", err)
	}
	raw, err := io.Copy(zw, f)
	if err != nil {
		return wasmSize{}, fmt.Errorf("measuring wasm %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return wasmSize{}, fmt.Errorf("measuring wasm %s: %w", path, err)
	}
	return wasmSize{raw: raw, gzip: cw.n}, nil
}

// printSizes prints the wasm size table for root.
func printSizes(w io.Writer, root string) error {
	sizes, err := measureWasm(root)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nwasm sizes (services/*/build/app.wasm; gzip = compress/gzip BestCompression)")
	if len(sizes) == 0 {
		fmt.Fprintf(w, "  none found under %s\n", filepath.Join(root, "services"))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "service\traw bytes\traw MiB\tgzip bytes\tgzip MiB\t")
	var total wasmSize
	row := func(s wasmSize) {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%.2f\t\n", s.service, group(s.raw), mib(s.raw), group(s.gzip), mib(s.gzip))
	}
	for _, s := range sizes {
		row(s)
		total.raw += s.raw
		total.gzip += s.gzip
	}
	total.service = "total"
	row(total)
	return tw.Flush()
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// group formats n with thousands separators: 15350460 -> "15,350,460".
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
