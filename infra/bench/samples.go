package main

import (
	"encoding/csv"
	"fmt"
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

// add writes one request: phase is "cold" when results is the warm-up rounds' cold, else
// "measured". A nil log writes nothing.
func (l *sampleLog) add(pass string, results, cold []pathResult, op string, start time.Time, s sample) {
	if l == nil {
		return
	}
	phase := "measured"
	if len(results) > 0 && len(cold) > 0 && &results[0] == &cold[0] {
		phase = "cold"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_ = l.w.Write([]string{pass, phase, op, strconv.FormatInt(start.UnixMilli(), 10),
		strconv.FormatInt(s.d.Microseconds(), 10), strconv.Itoa(s.status)})
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
