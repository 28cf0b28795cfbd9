package authtoken_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

// FuzzVerify checks that Verify never panics, classifies every error as exactly one sentinel,
// and only ever succeeds with claims that were issued: mutating a signed token must not yield a
// token that verifies with other claims.
func FuzzVerify(f *testing.F) {
	k := fixedKey(f, "k1")
	v := mustVerifier(f, []authtoken.PublicKey{k.Public(), fixedKey(f, "k2").Public()},
		authtoken.Clock(clockAt(t0.Add(time.Minute))), authtoken.LegacySecret(appSecret), authtoken.CacheSize(8))

	valid := []string{twentyHSAccess, twentyHSAPIKeyOld, twentyHSAPIKeyNew, twentyHSAgnostic}
	for _, c := range allClaims(t0) {
		valid = append(valid, mustSign(f, k, c))
	}
	var issued []*authtoken.Claims
	for _, tok := range valid {
		c, err := v.Verify(tok)
		if err != nil {
			f.Fatalf("Verify(seed %s): %v", tok, err)
		}
		issued = append(issued, c)
	}

	for _, tok := range valid {
		f.Add(tok)
		parts := strings.Split(tok, ".")
		f.Add(parts[1] + "." + parts[0] + "." + parts[2])
		f.Add(parts[0] + "." + parts[1] + ".")
		f.Add(tok[:len(tok)-1])
		for i := range parts {
			f.Add(replaceSegment(tok, i, parts[i][:len(parts[i])/2]+"A"+parts[i][len(parts[i])/2+1:]))
		}
	}
	f.Add("")
	f.Add("..")
	f.Add("eyJhbGciOiJub25lIn0.e30.")

	f.Fuzz(func(t *testing.T, tok string) {
		c, err := v.Verify(tok)
		if err != nil {
			if c != nil {
				t.Fatalf("Verify returned claims with error %v", err)
			}
			n := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("Verify error %v matches %d sentinels, want 1", err, n)
			}
			return
		}
		for _, want := range issued {
			if cmp.Equal(want, c) {
				return
			}
		}
		t.Fatalf("Verify(%q) = %+v, claims never issued", tok, c)
	})
}
