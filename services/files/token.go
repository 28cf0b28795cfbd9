package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// File tokens are Twenty's: HS256 JWTs whose secret is derived per workspace and type as Twenty's
// JwtWrapperService derives it (hex SHA-256 of the app secret, the workspace id and the type), so
// with FILE_TOKEN_SECRET set to an imported installation's APP_SECRET its signed links keep
// working. A FILE token grants reading one file (fileId) or, from older Twenty, the workspace's
// files by path; a FILE_UPLOAD token grants one PUT of one pending file's bytes.
const (
	typeFile       = "FILE"
	typeFileUpload = "FILE_UPLOAD"
	// fileTokenTTL is FILE_TOKEN_EXPIRES_IN's default.
	fileTokenTTL = 24 * time.Hour
	// uploadTTL is how long an upload URL is valid (STORAGE_S3_PRESIGNED_URL_EXPIRES_IN's default).
	uploadTTL = 15 * time.Minute
)

var (
	errTokenInvalid = errors.New("invalid file token")
	errTokenExpired = errors.New("file token expired")
)

// fileClaims are a file token's claims.
type fileClaims struct {
	jwt.RegisteredClaims
	Type        string `json:"type"`
	WorkspaceID string `json:"workspaceId"`
	FileID      string `json:"fileId,omitempty"`
}

// tokens signs and verifies file tokens with one secret.
type tokens struct {
	secret string
	now    func() time.Time
}

func (t tokens) key(workspaceID, typ string) []byte {
	sum := sha256.Sum256([]byte(t.secret + workspaceID + typ))
	return []byte(hex.EncodeToString(sum[:]))
}

// sign issues a token of typ for a workspace's file, valid for ttl.
func (t tokens) sign(typ, workspaceID, fileID string, ttl time.Duration) (string, time.Time, error) {
	now := t.now().Truncate(time.Second)
	exp := now.Add(ttl)
	c := fileClaims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: workspaceID, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)},
		Type:             typ, WorkspaceID: workspaceID, FileID: fileID,
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.key(workspaceID, typ))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign %s token: %w", typ, err)
	}
	return s, exp, nil
}

// verify checks a token of typ and answers its claims. The workspace whose secret signs it is
// read from the unverified claims first, then the signature proves them; a token whose claims
// were edited to another workspace fails. ignoreExpiry serves folders whose links never expire.
func (t tokens) verify(token, typ string, ignoreExpiry bool) (*fileClaims, error) {
	if token == "" || len(token) > 4096 {
		return nil, errTokenInvalid
	}
	var c fileClaims
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(t.now), jwt.WithExpirationRequired()}
	_, err := jwt.ParseWithClaims(token, &c, func(tok *jwt.Token) (any, error) {
		claims, _ := tok.Claims.(*fileClaims)
		if claims == nil || claims.WorkspaceID == "" || claims.Type != typ {
			return nil, errTokenInvalid
		}
		return t.key(claims.WorkspaceID, typ), nil
	}, opts...)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired) && ignoreExpiry:
		// The signature was checked before the expiry (golang-jwt verifies it first).
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, errTokenExpired
	default:
		return nil, errTokenInvalid
	}
	if c.Type != typ || c.WorkspaceID == "" {
		return nil, errTokenInvalid
	}
	return &c, nil
}
