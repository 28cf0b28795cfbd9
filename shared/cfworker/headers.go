package cfworker

import (
	"net/http"
	"strings"
)

// Headers cross between Go and the JavaScript glue as one string each way, "name\nvalue\n" per
// value, instead of an array of [name, value] pairs: every JavaScript value Go reads or makes
// costs a crossing and a finalizer, and a request's headers were some sixty of them. A header
// value cannot hold a line feed (fetch's Headers refuses one), and PackHeader turns any CR or LF
// Go would send into a space, as net/http does, so a value can never start another header.

// PackHeader encodes h for the glue (shared/js/glue.mjs unpackHeaders reads it).
func PackHeader(h http.Header) string {
	var b strings.Builder
	for name, values := range h {
		for _, v := range values {
			writeLine(&b, name)
			writeLine(&b, v)
		}
	}
	return b.String()
}

func writeLine(b *strings.Builder, s string) {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	}
	b.WriteString(s)
	b.WriteByte('\n')
}

// UnpackHeader adds the headers of packed (as the glue's packHeaders writes them) to h. A name
// without its value line is dropped.
func UnpackHeader(packed string, h http.Header) {
	for packed != "" {
		name, rest, ok := strings.Cut(packed, "\n")
		if !ok {
			return
		}
		value, rest, ok := strings.Cut(rest, "\n")
		if !ok {
			return
		}
		h.Add(name, value)
		packed = rest
	}
}
