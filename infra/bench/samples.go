package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"
)

// sampleLog writes every record request the figures send as a CSV line, so that the slow ones
// can be lined up with what else happened then (the runtime's collections, say).
type sampleLog struct {
	mu sync.Mutex
	f  *os.File
	w  *csv.Writer
}

func newSampleLog(path string) (*sampleLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	w := csv.NewWriter(f)
	if err := w.Write([]string{"pass", "phase", "op", "start_unix_ms", "latency_us", "status"}); err != nil {
		f.Close()
		return nil, fmt.Errorf("samples: %w", err)
	}
	return &sampleLog{f: f, w: w}, nil
}

// openSamples opens the -samples file, when there is one (nil: none).
func openSamples(path string) (*sampleLog, error) {
	if path == "" {
		return nil, nil
	}
	return newSampleLog(path)
}

// add writes one request of a pass and phase ("cold" or "measured"). A nil log writes nothing;
// a write that fails is reported by Close.
func (l *sampleLog) add(pass, phase, op string, start time.Time, s sample) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.w.Write([]string{pass, phase, op, strconv.FormatInt(start.UnixMilli(), 10),
		strconv.FormatInt(s.d.Microseconds(), 10), strconv.Itoa(s.status)})
}

// close flushes the lines written and closes the file, telling stderr when a line could not be
// written. A nil log has nothing to close.
func (l *sampleLog) close(stderr io.Writer) {
	if err := l.Close(); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
	}
}

// Close flushes the lines written and closes the file. A nil log has nothing to close.
func (l *sampleLog) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Flush()
	if err := l.w.Error(); err != nil {
		l.f.Close()
		return fmt.Errorf("samples: %w", err)
	}
	return l.f.Close()
}
