package webhookurl

import (
	"net/netip"
	"strconv"
	"strings"
)

// hostAddr reads host as an IP address when a WHATWG URL parser would: a bracketed IPv6 literal,
// or a name whose last label is a number (then it is an IPv4 address in one to four parts, each
// decimal, 0x-hex or 0-octal, the last filling the remaining bytes; otherwise the URL is
// invalid). isIP is false for a DNS name.
func hostAddr(host string) (addr netip.Addr, isIP bool, err error) {
	if strings.Contains(host, ":") {
		a, err := netip.ParseAddr(host)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return netip.Addr{}, false, ErrInvalid
		}
		return a, true, nil
	}
	labels := strings.Split(host, ".")
	if _, ok := ipv4Part(labels[len(labels)-1]); !ok && !allDigits(labels[len(labels)-1]) {
		return netip.Addr{}, false, nil // a DNS name
	}
	if len(labels) > 4 {
		return netip.Addr{}, false, ErrInvalid
	}
	var parts []uint64
	for _, l := range labels {
		n, ok := ipv4Part(l)
		if !ok {
			return netip.Addr{}, false, ErrInvalid
		}
		parts = append(parts, n)
	}
	var v uint64
	for i, n := range parts[:len(parts)-1] {
		if n > 255 {
			return netip.Addr{}, false, ErrInvalid
		}
		v |= n << (8 * (3 - i))
	}
	last := parts[len(parts)-1]
	if last >= 1<<(8*(5-len(parts))) {
		return netip.Addr{}, false, ErrInvalid
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// ipv4Part parses one part of an IPv4 host the WHATWG way: "0x"/"0X" hex (possibly empty), a
// leading 0 octal, else decimal.
func ipv4Part(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 1 << 40, true // out of range for any part: refused by the caller
		}
		return 0, false
	}
	return n, true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// forbiddenPrefixes are the ranges no webhook may target beyond what netip's predicates name:
// special-purpose registries of IANA for IPv4 and IPv6 (RFC 6890 and successors).
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),          // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),      // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),       // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),       // documentation
	netip.MustParsePrefix("198.18.0.0/15"),      // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"),    // documentation
	netip.MustParsePrefix("203.0.113.0/24"),     // documentation
	netip.MustParsePrefix("240.0.0.0/4"),        // reserved, and the broadcast address
	netip.MustParsePrefix("100::/64"),           // discard-only
	netip.MustParsePrefix("2001::/23"),          // IETF protocol assignments (Teredo, ORCHID, …)
	netip.MustParsePrefix("2001:db8::/32"),      // documentation
	netip.MustParsePrefix("fec0::/10"),          // deprecated site-local
	netip.MustParsePrefix("fd00:ec2::254/128"),  // AWS instance metadata over IPv6 (also in fc00::/7)
	netip.MustParsePrefix("169.254.169.254/32"), // cloud instance metadata (also link-local)
}

// embedded4 are IPv6 ranges that carry an IPv4 address in their low 32 bits, which a router or a
// translator may reach: the embedded address is checked too.
var embedded4 = []netip.Prefix{
	netip.MustParsePrefix("::/96"),          // IPv4-compatible (deprecated)
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
}

// forbiddenAddr reports whether a webhook may not target a.
func forbiddenAddr(a netip.Addr, allowLoopback bool) bool {
	a = a.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	if a.Is6() {
		for _, p := range embedded4 {
			if p.Contains(a) && !a.IsUnspecified() && a != netip.IPv6Loopback() {
				b := a.As16()
				if forbiddenAddr(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), allowLoopback) {
					return true
				}
			}
		}
		if p := netip.MustParsePrefix("2002::/16"); p.Contains(a) { // 6to4: the IPv4 in bits 16–48
			b := a.As16()
			if forbiddenAddr(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), allowLoopback) {
				return true
			}
		}
	}
	if a.IsLoopback() {
		return !allowLoopback
	}
	if a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || !a.IsGlobalUnicast() {
		return true
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// metadataNames are the DNS names of cloud instance metadata services.
var metadataNames = map[string]bool{
	"metadata.google.internal":   true,
	"metadata.goog":              true,
	"metadata":                   true,
	"instance-data":              true,
	"instance-data.ec2.internal": true,
}

// forbiddenName reports whether a webhook may not target the DNS name host (lower case, without
// a trailing dot): localhost and its subdomains (loopback by RFC 6761), and metadata services.
func forbiddenName(host string, allowLoopback bool) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return !allowLoopback
	}
	return metadataNames[host]
}
