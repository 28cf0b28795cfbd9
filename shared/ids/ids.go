// Package ids makes the identifiers of new records and rows: random (version 4) UUIDs, as Twenty's
// clients create, in the canonical lower-case form.
package ids

import (
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // RFC 4122 name-based UUIDs are defined on SHA-1; nothing secret is hashed
	"encoding/hex"
)

// NewUUID returns a random version 4 UUID.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	return format(b)
}

// NameUUID returns the name-based (version 5, SHA-1) UUID of name in the namespace UUID
// namespace, as RFC 4122 §4.3 defines it: the same inputs always give the same UUID, which lets a
// consumer derive the id of what it writes from the id of what it handles (a retried job writes
// the same row). A namespace that is not a UUID is hashed as its text.
func NameUUID(namespace, name string) string {
	h := sha1.New() //nolint:gosec // see the import
	if ns, ok := parseUUID(namespace); ok {
		h.Write(ns[:])
	} else {
		h.Write([]byte(namespace))
	}
	h.Write([]byte(name))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50 // version 5
	return format(b)
}

// parseUUID decodes a canonical UUID into its 16 bytes.
func parseUUID(s string) ([16]byte, bool) {
	var b [16]byte
	if !IsUUID(s) {
		return b, false
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(b[:], []byte(hexDigits)); err != nil {
		return b, false
	}
	return b, true
}

// format sets the RFC 4122 variant of b and renders it in the canonical lower-case form.
func format(b [16]byte) string {
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// IsUUID reports whether s is a UUID in the canonical 8-4-4-4-12 hexadecimal form (any case).
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
