// Package webhookurl decides whether a webhook may be sent to a URL: it must be http or https, and
// its host must not name this side of the network (private, loopback, link-local, CGNAT,
// unspecified, multicast, reserved or cloud metadata addresses, localhost), however the address is
// spelled. The jobs Worker checks a target when a webhook is created or updated, and delivery
// checks it again at send time, because the rules (and the setting below) may have changed since.
//
// The host is read the way a WHATWG URL parser (JavaScript's fetch, Twenty's `new URL`) reads it,
// not only the way net/url does: an IPv4 address may be written in decimal, hex or octal parts
// (http://2130706433/, http://0x7f.1/, http://0177.0.0.1/) and is refused like its dotted form.
// Characters on which the two parsers could disagree (backslashes, percent-escapes or non-ASCII in
// the host, spaces and controls) make the URL invalid rather than guessed at, and Normalize
// re-serializes the URL from its parts, so what is stored and later fetched names the host that
// was checked.
//
// A DNS name is checked by its spelling only: it is not resolved here (a Worker has no resolver),
// and Cloudflare's fetch does not reach private networks from a Worker whatever a name resolves to.
package webhookurl

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

var (
	// ErrInvalid is a URL that is not an absolute http or https URL with a host.
	ErrInvalid = errors.New("invalid target URL: expected an http or https URL")
	// ErrForbiddenHost is a URL whose host is an internal, reserved or metadata address.
	ErrForbiddenHost = errors.New("target URL host is a private, loopback, link-local or reserved address")
)

// Policy is what a deployment allows beyond the public internet.
type Policy struct {
	// AllowLoopback admits loopback hosts (127.0.0.0/8, ::1, localhost): set only by the local
	// stack and tests (WEBHOOK_ALLOW_LOOPBACK=true), whose receivers listen on 127.0.0.1.
	AllowLoopback bool
}

// Check reports whether raw may be a webhook target under p: nil, or an error wrapping ErrInvalid
// or ErrForbiddenHost.
func (p Policy) Check(raw string) error {
	_, err := p.Normalize(raw)
	return err
}

// Normalize checks raw like Check and answers it re-serialized: scheme and host lower case, an
// IPv4 host in dotted decimal, an IPv6 host in its canonical form, the scheme's default port
// dropped and an empty path as "/" (as `new URL(raw).toString()` answers, which Twenty stores).
func (p Policy) Normalize(raw string) (string, error) {
	u, host, err := parse(raw)
	if err != nil {
		return "", err
	}
	addr, isIP, err := hostAddr(host)
	if err != nil {
		return "", err
	}
	if isIP {
		if forbiddenAddr(addr, p.AllowLoopback) {
			return "", ErrForbiddenHost
		}
		host = addr.String()
		if addr.Is6() {
			host = "[" + host + "]"
		}
	} else if forbiddenName(host, p.AllowLoopback) {
		return "", ErrForbiddenHost
	}
	return serialize(u, host), nil
}

// parse parses raw as an absolute http(s) URL and answers it with its host, lower case and
// without a trailing dot. It refuses what a WHATWG parser would read differently from net/url.
func parse(raw string) (*url.URL, string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 2048 {
		return nil, "", ErrInvalid
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || c == '\\' || c >= 0x80 {
			return nil, "", ErrInvalid
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return nil, "", ErrInvalid
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return nil, "", ErrInvalid
	}
	host := u.Hostname()
	if host == "" || strings.ContainsAny(host, "%@[]") && !strings.HasPrefix(u.Host, "[") {
		return nil, "", ErrInvalid
	}
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return nil, "", ErrInvalid
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, "", ErrInvalid
	}
	if strings.HasPrefix(u.Host, "[") {
		return u, host, nil // an IPv6 literal, parsed by hostAddr
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" || len(host) > 253 {
		return nil, "", ErrInvalid
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return nil, "", ErrInvalid
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return nil, "", ErrInvalid
			}
		}
	}
	return u, host, nil
}

// serialize writes u back with host (already canonical) and the normalizations of Normalize.
func serialize(u *url.URL, host string) string {
	scheme := strings.ToLower(u.Scheme)
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	b.WriteString(host)
	if port := strings.TrimLeft(u.Port(), "0"); port != "" && !(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		b.WriteByte(':')
		b.WriteString(port)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path)
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteByte('?')
		b.WriteString(u.RawQuery)
	}
	if u.Fragment != "" {
		b.WriteByte('#')
		b.WriteString(u.EscapedFragment())
	}
	return b.String()
}
