package authtoken_test

import (
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

// benchVerify benchmarks v.Verify(token), without and with the verified-token cache.
func benchVerify(b *testing.B, token string, keys []authtoken.PublicKey, opts ...authtoken.Option) {
	for _, bm := range []struct {
		name string
		size int
	}{{"uncached", 0}, {"cached", authtoken.DefaultCacheSize}} {
		b.Run(bm.name, func(b *testing.B) {
			v := mustVerifier(b, keys, append(opts, authtoken.CacheSize(bm.size))...)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyES256(b *testing.B) {
	k := fixedKey(b, "k1")
	keys := []authtoken.PublicKey{fixedKey(b, "k0").Public(), k.Public(), fixedKey(b, "k2").Public()}
	tok := mustSign(b, k, allClaims(t0)["access"])
	benchVerify(b, tok, keys, authtoken.Clock(clockAt(t0.Add(time.Minute))))
}

func BenchmarkVerifyHS256Legacy(b *testing.B) {
	opts := []authtoken.Option{authtoken.Clock(clockAt(t0.Add(time.Minute))), authtoken.LegacySecret(appSecret)}
	b.Run("access", func(b *testing.B) { benchVerify(b, twentyHSAccess, nil, opts...) })
	// An API key signed with the ACCESS secret: the fallback, two HMACs.
	b.Run("apikey-access-secret", func(b *testing.B) { benchVerify(b, twentyHSAPIKeyOld, nil, opts...) })
}

func BenchmarkSignES256(b *testing.B) {
	k := fixedKey(b, "k1")
	c := allClaims(t0)["access"]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Sign(c); err != nil {
			b.Fatal(err)
		}
	}
}
