package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

// BenchmarkAuthentication compares a dev route with and without the record APIs' authentication,
// in process: the difference is the gateway's own cost of a token (verification and revocation
// check, both cached after the first request).
func BenchmarkAuthentication(b *testing.B) {
	s := newStack(&testing.T{}, devConfig, "", "")
	c := authtoken.AccessClaims("u-1", "ws-1", "m-1", "uw-1", "password", time.Now(), 0)
	c.ID = "session-b"
	token, _ := testKey.Sign(c)
	for _, bb := range []struct{ name, path, header string }{
		{"direct", "/__dev/direct", ""},
		{"authn", "/__dev/authn", "Bearer " + token},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, bb.path, nil)
				req.Header.Set("Authorization", bb.header)
				rec := httptest.NewRecorder()
				s.gateway.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d %s", bb.path, rec.Code, rec.Body)
				}
			}
		})
	}
}
