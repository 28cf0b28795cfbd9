package authtoken

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// isP256 reports whether pub is a P-256 public key with coordinates.
func isP256(pub *ecdsa.PublicKey) bool {
	return pub != nil && pub.Curve == elliptic.P256() && pub.X != nil && pub.Y != nil
}

// usable reports whether k can sign: it has an ID and a P-256 private key.
func (k SigningKey) usable() bool {
	return k.ID != "" && k.Private != nil && k.Private.D != nil && isP256(&k.Private.PublicKey)
}

// SigningKey is a P-256 private key that signs tokens ES256, with ID as the kid header.
type SigningKey struct {
	ID      string
	Private *ecdsa.PrivateKey
}

// NewSigningKey returns a fresh P-256 key with a random ID (16 random bytes, hex).
func NewSigningKey() (SigningKey, error) {
	var id [16]byte
	if _, err := rand.Read(id[:]); err != nil {
		return SigningKey{}, fmt.Errorf("authtoken: new signing key id: %w", err)
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return SigningKey{}, fmt.Errorf("authtoken: new signing key: %w", err)
	}
	return SigningKey{ID: hex.EncodeToString(id[:]), Private: priv}, nil
}

// Sign returns c signed ES256 with k, with k.ID as the kid header. It refuses claims Verify would
// refuse: an unknown type, no exp, or a REFRESH or API_KEY token without jti.
func (k SigningKey) Sign(c Claims) (string, error) {
	if !k.usable() {
		return "", errors.New("authtoken: sign: not a P-256 signing key with an id")
	}
	if err := checkIssued(&c); err != nil {
		return "", fmt.Errorf("authtoken: sign: %w", err)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodES256, c)
	t.Header["kid"] = k.ID
	s, err := t.SignedString(k.Private)
	if err != nil {
		return "", fmt.Errorf("authtoken: sign: %w", err)
	}
	return s, nil
}

// checkIssued reports why claims c should not be issued.
func checkIssued(c *Claims) error {
	switch {
	case !c.Type.Valid():
		return fmt.Errorf("unknown token type %q", c.Type)
	case c.ExpiresAt == nil:
		return errors.New("no expiry")
	case (c.Type == TypeRefresh || c.Type == TypeAPIKey) && c.ID == "":
		return fmt.Errorf("%s token without jti", c.Type)
	}
	return nil
}

// Public returns the public half of k, under the same ID.
func (k SigningKey) Public() PublicKey {
	if k.Private == nil {
		return PublicKey{ID: k.ID}
	}
	return PublicKey{ID: k.ID, Key: &k.Private.PublicKey}
}

// PublicKey is a P-256 public key that verifies ES256 tokens whose kid header is ID.
type PublicKey struct {
	ID  string
	Key *ecdsa.PublicKey
}

// spkiPrefix starts the PKIX (SubjectPublicKeyInfo) DER encoding of every P-256 public key: the
// ecPublicKey and prime256v1 OIDs, then a BIT STRING holding the 65-byte uncompressed point. DER
// is canonical, so this fixed prefix is the whole grammar; it spares the wasm build crypto/x509.
var spkiPrefix = []byte{
	0x30, 0x59, // SEQUENCE, 89 bytes
	0x30, 0x13, // SEQUENCE, 19 bytes (AlgorithmIdentifier)
	0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, // OID 1.2.840.10045.2.1
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, // OID 1.2.840.10045.3.1.7
	0x03, 0x42, 0x00, // BIT STRING, 66 bytes, no unused bits
}

// p256PointLen is the length of an uncompressed P-256 point.
const p256PointLen = 65

// MarshalBinary returns p.Key as PKIX (SubjectPublicKeyInfo) DER, as OpenSSL and Node write it.
// The ID is not part of it.
func (p PublicKey) MarshalBinary() ([]byte, error) {
	if !isP256(p.Key) {
		return nil, errors.New("authtoken: marshal public key: not a P-256 key")
	}
	point, err := p.Key.Bytes()
	if err != nil {
		return nil, fmt.Errorf("authtoken: marshal public key: %w", err)
	}
	return append(append(make([]byte, 0, len(spkiPrefix)+len(point)), spkiPrefix...), point...), nil
}

// ParsePublicKey parses a P-256 public key in PKIX DER, as MarshalBinary writes it or as
// Twenty's signingKey table holds it once its PEM armor is removed, and names it id.
func ParsePublicKey(id string, der []byte) (PublicKey, error) {
	if id == "" {
		return PublicKey{}, errors.New("authtoken: parse public key: empty id")
	}
	point, ok := bytes.CutPrefix(der, spkiPrefix)
	if !ok || len(point) != p256PointLen {
		return PublicKey{}, errors.New("authtoken: parse public key: not a PKIX DER P-256 public key")
	}
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return PublicKey{}, fmt.Errorf("authtoken: parse public key: %w", err)
	}
	return PublicKey{ID: id, Key: key}, nil
}

// Sealed private keys are sealVersion, then a random 12-byte nonce, then the AES-256-GCM
// encryption of the key's 32-byte scalar with the key's ID as additional data.
const (
	sealVersion = 1
	sealInfo    = "twentyworkers/authtoken: signing key seal v1"
	// MinSealSecretLen is the least length SealPrivateKey and OpenPrivateKey accept for their
	// secret, for instance 32 random bytes or their 64 hex digits.
	MinSealSecretLen = 32
)

// sealAEAD returns the AEAD that seals private keys under secret: AES-256-GCM with a random nonce
// prefix, keyed by HKDF-SHA256 of secret.
func sealAEAD(secret []byte) (cipher.AEAD, error) {
	if len(secret) < MinSealSecretLen {
		return nil, fmt.Errorf("secret shorter than %d bytes", MinSealSecretLen)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, sealInfo, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithRandomNonce(block)
}

// SealPrivateKey encrypts k's private key for storage, under secret (a Worker secret of at least
// MinSealSecretLen bytes). The result opens only with the same secret and k.ID.
func SealPrivateKey(k SigningKey, secret []byte) ([]byte, error) {
	if !k.usable() {
		return nil, errors.New("authtoken: seal private key: not a P-256 signing key with an id")
	}
	aead, err := sealAEAD(secret)
	if err != nil {
		return nil, fmt.Errorf("authtoken: seal private key: %w", err)
	}
	scalar, err := k.Private.Bytes()
	if err != nil {
		return nil, fmt.Errorf("authtoken: seal private key: %w", err)
	}
	out := make([]byte, 1, 1+len(scalar)+aead.Overhead()) // Overhead counts the nonce
	out[0] = sealVersion
	return aead.Seal(out, nil, scalar, []byte(k.ID)), nil
}

// OpenPrivateKey decrypts a private key sealed by SealPrivateKey under secret for the key named
// id. It fails if the secret or the id differ from the sealing ones, or if sealed was altered.
func OpenPrivateKey(id string, sealed, secret []byte) (SigningKey, error) {
	if id == "" {
		return SigningKey{}, errors.New("authtoken: open private key: empty id")
	}
	if len(sealed) == 0 || sealed[0] != sealVersion {
		return SigningKey{}, errors.New("authtoken: open private key: unknown format")
	}
	aead, err := sealAEAD(secret)
	if err != nil {
		return SigningKey{}, fmt.Errorf("authtoken: open private key: %w", err)
	}
	scalar, err := aead.Open(nil, nil, sealed[1:], []byte(id))
	if err != nil {
		return SigningKey{}, fmt.Errorf("authtoken: open private key %s: %w", id, err)
	}
	priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar)
	if err != nil {
		return SigningKey{}, fmt.Errorf("authtoken: open private key %s: %w", id, err)
	}
	return SigningKey{ID: id, Private: priv}, nil
}
