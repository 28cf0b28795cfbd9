package authtoken_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"testing"

	"github.com/twentyworkers/twenty/shared/authtoken"
)

var sealSecret = []byte("0123456789abcdef0123456789abcdef-worker-secret")

func TestSealOpen(t *testing.T) {
	k, err := authtoken.NewSigningKey()
	if err != nil {
		t.Fatalf("NewSigningKey: %v", err)
	}
	sealed, err := authtoken.SealPrivateKey(k, sealSecret)
	if err != nil {
		t.Fatalf("SealPrivateKey: %v", err)
	}
	if want := 1 + 12 + 32 + 16; len(sealed) != want {
		t.Errorf("len(sealed) = %d, want %d", len(sealed), want)
	}
	again, err := authtoken.SealPrivateKey(k, sealSecret)
	if err != nil {
		t.Fatalf("SealPrivateKey: %v", err)
	}
	if bytes.Equal(sealed, again) {
		t.Error("two seals of one key are equal, want a random nonce")
	}

	got, err := authtoken.OpenPrivateKey(k.ID, sealed, sealSecret)
	if err != nil {
		t.Fatalf("OpenPrivateKey: %v", err)
	}
	if got.ID != k.ID || !got.Private.Equal(k.Private) {
		t.Fatalf("OpenPrivateKey = key %q, want the sealed key %q", got.ID, k.ID)
	}
	// The opened key signs tokens the original's public key verifies.
	v := mustVerifier(t, []authtoken.PublicKey{k.Public()}, authtoken.Clock(clockAt(t0)))
	if _, err := v.Verify(mustSign(t, got, allClaims(t0)["login"])); err != nil {
		t.Errorf("Verify(token signed by the opened key): %v", err)
	}

	other, err := authtoken.NewSigningKey()
	if err != nil {
		t.Fatalf("NewSigningKey: %v", err)
	}
	otherSealed, err := authtoken.SealPrivateKey(other, sealSecret)
	if err != nil {
		t.Fatalf("SealPrivateKey: %v", err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name   string
		id     string
		sealed []byte
		secret []byte
	}{
		{"wrong secret", k.ID, sealed, append(bytes.Clone(sealSecret), '!')},
		{"short secret", k.ID, sealed, sealSecret[:authtoken.MinSealSecretLen-1]},
		{"swapped kid", other.ID, sealed, sealSecret},
		{"swapped kid other way", k.ID, otherSealed, sealSecret},
		{"empty id", "", sealed, sealSecret},
		{"tampered", k.ID, flipped, sealSecret},
		{"truncated", k.ID, sealed[:len(sealed)-1], sealSecret},
		{"only version", k.ID, sealed[:1], sealSecret},
		{"empty", k.ID, nil, sealSecret},
		{"unknown version", k.ID, append([]byte{2}, sealed[1:]...), sealSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := authtoken.OpenPrivateKey(tt.id, tt.sealed, tt.secret); err == nil {
				t.Errorf("OpenPrivateKey = key %q, want error", got.ID)
			}
		})
	}
}

func TestSealErrors(t *testing.T) {
	k := fixedKey(t, "k1")
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		key    authtoken.SigningKey
		secret []byte
	}{
		{"short secret", k, sealSecret[:authtoken.MinSealSecretLen-1]},
		{"no secret", k, nil},
		{"no id", authtoken.SigningKey{Private: k.Private}, sealSecret},
		{"no key", authtoken.SigningKey{ID: "k"}, sealSecret},
		{"P-384", authtoken.SigningKey{ID: "k", Private: p384}, sealSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := authtoken.SealPrivateKey(tt.key, tt.secret); err == nil {
				t.Error("SealPrivateKey succeeded, want error")
			}
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	k := fixedKey(t, "k1")
	der, err := k.Public().MarshalBinary()
	if err != nil {
		t.Fatalf("MarshalBinary: %v", err)
	}
	if len(der) != 91 {
		t.Errorf("len(MarshalBinary()) = %d, want 91", len(der))
	}
	pub, err := authtoken.ParsePublicKey("k1", der)
	if err != nil {
		t.Fatalf("ParsePublicKey: %v", err)
	}
	if pub.ID != "k1" || !pub.Key.Equal(k.Public().Key) {
		t.Fatalf("ParsePublicKey = key %q, want the marshaled key", pub.ID)
	}
	v := mustVerifier(t, []authtoken.PublicKey{pub}, authtoken.Clock(clockAt(t0)))
	if _, err := v.Verify(mustSign(t, k, allClaims(t0)["file"])); err != nil {
		t.Errorf("Verify with parsed key: %v", err)
	}

	offCurve := bytes.Clone(der)
	offCurve[len(offCurve)-1] ^= 1
	compressed := append(bytes.Clone(der[:len(der)-65]), 0x02)
	compressed = append(compressed, der[len(der)-64:len(der)-32]...)
	wrongOID := bytes.Clone(der)
	wrongOID[10] ^= 0xff // inside the ecPublicKey OID
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		der  []byte
	}{
		{"empty id", "", der},
		{"empty", "k", nil},
		{"truncated", "k", der[:len(der)-1]},
		{"trailing byte", "k", append(bytes.Clone(der), 0)},
		{"off curve", "k", offCurve},
		{"compressed point", "k", compressed},
		{"wrong OID", "k", wrongOID},
		{"raw point", "k", der[len(der)-65:]},
		{"P-384 prefix", "k", append([]byte{0x30, 0x76}, bytes.Repeat([]byte{0}, 118)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := authtoken.ParsePublicKey(tt.id, tt.der); err == nil {
				t.Errorf("ParsePublicKey = key %q, want error", got.ID)
			}
		})
	}
	if _, err := (authtoken.PublicKey{ID: "k", Key: &p384.PublicKey}).MarshalBinary(); err == nil {
		t.Error("MarshalBinary(P-384 key) succeeded, want error")
	}
	if _, err := (authtoken.PublicKey{ID: "k", Key: &ecdsa.PublicKey{Curve: elliptic.P256()}}).MarshalBinary(); err == nil {
		t.Error("MarshalBinary(key without coordinates) succeeded, want error")
	}
	if _, err := (authtoken.PublicKey{ID: "k"}).MarshalBinary(); err == nil {
		t.Error("MarshalBinary(nil key) succeeded, want error")
	}
}
