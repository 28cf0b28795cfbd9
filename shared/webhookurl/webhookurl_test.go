package webhookurl

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"https://example.com", "https://example.com/"},
		{"  HTTPS://Example.COM./hook?a=1#x ", "https://example.com/hook?a=1#x"},
		{"http://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443", "https://example.com/"},
		{"https://example.com:8443/", "https://example.com:8443/"},
		{"http://example.com:080/", "http://example.com/"},
		{"https://user:pw@hooks.example.com/x", "https://user:pw@hooks.example.com/x"},
		{"https://8.8.8.8/", "https://8.8.8.8/"},
		{"https://134744072/", "https://8.8.8.8/"},
		{"https://0x8.0x8.0x8.0x8/", "https://8.8.8.8/"},
		{"https://[2606:4700:4700::1111]:8080/p", "https://[2606:4700:4700::1111]:8080/p"},
		{"https://[2606:4700:4700:0:0:0:0:1111]/", "https://[2606:4700:4700::1111]/"},
		{"https://my_host.example.com/", "https://my_host.example.com/"},
		{"https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"},
	}
	for _, tt := range tests {
		got, err := Policy{}.Normalize(tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v, want %q", tt.raw, got, err, tt.want)
		}
	}
}

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		raw  string
		want error
	}{
		// Not an http(s) URL.
		{"", ErrInvalid},
		{"invalid-url", ErrInvalid},
		{"ftp://example.com/", ErrInvalid},
		{"javascript:alert(1)", ErrInvalid},
		{"file:///etc/passwd", ErrInvalid},
		{"http:example.com", ErrInvalid},
		{"//example.com/", ErrInvalid},
		{"http://", ErrInvalid},
		{"http://example.com:0/", ErrInvalid},
		{"http://example.com:65536/", ErrInvalid},
		{"http://example.com:/", ErrInvalid},
		{"http://exa mple.com/", ErrInvalid},
		{"http://example.com\\@127.0.0.1/", ErrInvalid},
		{"http://ex%41mple.com/", ErrInvalid},
		{"http://bücher.example/", ErrInvalid},
		{"http://1.2.3.4.5/", ErrInvalid},
		{"http://08.1.1.1/", ErrInvalid},
		{"http://256.1.1.1/", ErrInvalid},
		{"http://1.2.3.256/", ErrInvalid},
		{"http://4294967296/", ErrInvalid},
		{"http://99999999999999999999999/", ErrInvalid},
		{"http://[fe80::1%25eth0]/", ErrInvalid},
		{"http://[::1/", ErrInvalid},
		{"http://ex\tample.com/", ErrInvalid},
		{"https://" + strings.Repeat("a", 2050) + ".com/", ErrInvalid},
		// Loopback, however written.
		{"http://127.0.0.1/", ErrForbiddenHost},
		{"http://127.1/", ErrForbiddenHost},
		{"http://2130706433/", ErrForbiddenHost},
		{"http://0x7f000001/", ErrForbiddenHost},
		{"http://0x7f.1/", ErrForbiddenHost},
		{"http://0177.0.0.1/", ErrForbiddenHost},
		{"http://017700000001/", ErrForbiddenHost},
		{"http://127.0.0.1.:8080/", ErrForbiddenHost},
		{"http://[::1]/", ErrForbiddenHost},
		{"http://[::ffff:127.0.0.1]/", ErrForbiddenHost},
		{"http://[::ffff:7f00:1]/", ErrForbiddenHost},
		{"http://[0:0:0:0:0:ffff:127.0.0.1]/", ErrForbiddenHost},
		{"http://localhost/", ErrForbiddenHost},
		{"http://LOCALHOST.:3000/", ErrForbiddenHost},
		{"http://api.localhost/", ErrForbiddenHost},
		{"http://user@127.0.0.1/", ErrForbiddenHost},
		{"http://example.com@127.0.0.1/", ErrForbiddenHost},
		// Private, link-local, CGNAT, unspecified, multicast, reserved.
		{"http://10.0.0.1/", ErrForbiddenHost},
		{"http://172.16.5.4/", ErrForbiddenHost},
		{"http://192.168.1.1/", ErrForbiddenHost},
		{"http://0xc0a80101/", ErrForbiddenHost},
		{"http://169.254.1.1/", ErrForbiddenHost},
		{"http://100.64.0.1/", ErrForbiddenHost},
		{"http://100.127.255.255/", ErrForbiddenHost},
		{"http://0.0.0.0/", ErrForbiddenHost},
		{"http://0/", ErrForbiddenHost},
		{"http://224.0.0.1/", ErrForbiddenHost},
		{"http://239.255.255.250/", ErrForbiddenHost},
		{"http://255.255.255.255/", ErrForbiddenHost},
		{"http://240.0.0.1/", ErrForbiddenHost},
		{"http://198.18.0.1/", ErrForbiddenHost},
		{"http://192.0.0.8/", ErrForbiddenHost},
		{"http://[::]/", ErrForbiddenHost},
		{"http://[fc00::1]/", ErrForbiddenHost},
		{"http://[fd12:3456::1]/", ErrForbiddenHost},
		{"http://[fe80::1]/", ErrForbiddenHost},
		{"http://[fec0::1]/", ErrForbiddenHost},
		{"http://[ff02::1]/", ErrForbiddenHost},
		{"http://[::ffff:10.0.0.1]/", ErrForbiddenHost},
		{"http://[::10.0.0.1]/", ErrForbiddenHost},
		{"http://[64:ff9b::a9fe:a9fe]/", ErrForbiddenHost},
		{"http://[2002:7f00:1::]/", ErrForbiddenHost},
		{"http://[2001:db8::1]/", ErrForbiddenHost},
		{"http://[2001::1]/", ErrForbiddenHost},
		// Cloud metadata.
		{"http://169.254.169.254/latest/meta-data/", ErrForbiddenHost},
		{"http://2852039166/", ErrForbiddenHost},
		{"http://[::ffff:169.254.169.254]/", ErrForbiddenHost},
		{"http://[fd00:ec2::254]/", ErrForbiddenHost},
		{"http://metadata.google.internal/computeMetadata/v1/", ErrForbiddenHost},
		{"http://Metadata.Google.Internal./", ErrForbiddenHost},
		{"http://metadata/", ErrForbiddenHost},
	}
	for _, tt := range tests {
		if err := (Policy{}).Check(tt.raw); !errors.Is(err, tt.want) {
			t.Errorf("Check(%q) = %v, want %v", tt.raw, err, tt.want)
		}
	}
}

func TestAllowLoopback(t *testing.T) {
	p := Policy{AllowLoopback: true}
	for _, raw := range []string{"http://127.0.0.1:8080/hook", "http://[::1]:9/", "http://localhost:3000/", "http://2130706433/", "http://[::ffff:127.0.0.1]/"} {
		if err := p.Check(raw); err != nil {
			t.Errorf("AllowLoopback: Check(%q) = %v, want nil", raw, err)
		}
	}
	// Loopback only: the rest stays refused.
	for _, raw := range []string{"http://10.0.0.1/", "http://169.254.169.254/", "http://0.0.0.0/", "http://[fd00:ec2::254]/", "http://metadata.google.internal/"} {
		if err := p.Check(raw); !errors.Is(err, ErrForbiddenHost) {
			t.Errorf("AllowLoopback: Check(%q) = %v, want ErrForbiddenHost", raw, err)
		}
	}
}

func TestPublicAccepted(t *testing.T) {
	for _, raw := range []string{
		"https://hooks.slack.com/services/T000/B000/XXX",
		"http://93.184.216.34/", "https://1.1.1.1/", "https://[2606:4700::6810:85e5]/",
		"https://[64:ff9b::808:808]/", "https://172.32.0.1/", "https://100.128.0.1/",
		"https://localhost.example.com/", "https://example.localhost.com/",
	} {
		if err := (Policy{}).Check(raw); err != nil {
			t.Errorf("Check(%q) = %v, want nil", raw, err)
		}
	}
}

// FuzzNormalize holds the package's promises on any input: an accepted URL re-normalizes to itself
// (what is stored checks the same again), parses as an http(s) URL with the host that was
// checked, and no accepted URL names a loopback host.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"https://example.com", "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/",
		"http://[::ffff:127.0.0.1]/", "http://localhost./", "https://user:pw@a.b:8443/p?q#f",
		"http://[2606:4700::1]:80/", "http://1.2.3/", "http://0x/", "HTTP://A.B/%7e",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := Policy{}.Normalize(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrForbiddenHost) {
				t.Fatalf("Normalize(%q) error %v is neither ErrInvalid nor ErrForbiddenHost", raw, err)
			}
			return
		}
		again, err := Policy{}.Normalize(got)
		if err != nil || again != got {
			t.Fatalf("Normalize(%q) = %q, which normalizes to %q, %v", raw, got, again, err)
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			t.Fatalf("Normalize(%q) = %q, not an http(s) URL with a host (%v)", raw, got, err)
		}
		h := u.Hostname()
		if a, err := netip.ParseAddr(h); err == nil && (a.Unmap().IsLoopback() || a.Unmap().IsPrivate()) || h == "localhost" {
			t.Fatalf("Normalize(%q) = %q accepted a loopback host", raw, got)
		}
	})
}
