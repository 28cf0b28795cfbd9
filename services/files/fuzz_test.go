package main

import "testing"

// FuzzParseRange holds parseRange to its contract for any header and size: a range it serves lies
// inside the file, and one it calls unsatisfiable starts past the end (or the file is empty).
func FuzzParseRange(f *testing.F) {
	for _, h := range []string{"bytes=0-0", "bytes=-5", "bytes=10-", "bytes=5-2", "bytes=0-1,3-4", "bytes=-0", "items=1-2", "bytes= 1-2", "bytes=99999999999999999999-"} {
		f.Add(h, int64(100))
	}
	f.Fuzz(func(t *testing.T, header string, size int64) {
		if size < 0 {
			size = -size
		}
		start, length, ok, satisfiable := parseRange(header, size)
		if ok && (!satisfiable || start < 0 || length < 1 || start+length > size) {
			t.Errorf("parseRange(%q, %d) = %d, %d, ok, satisfiable=%v: outside the file", header, size, start, length, satisfiable)
		}
	})
}
