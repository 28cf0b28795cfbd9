package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/twentyworkers/twenty/shared/authtoken"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
)

// openAPI serves GET /rest/open-api/{core|metadata}: the OpenAPI 3.1 document of the records or
// metadata API, built by the records Worker. It is public, as Twenty's
// (core-modules/open-api/open-api.controller.ts): with a valid Bearer token the document describes
// the token's workspace; without one, or with one that does not verify, it is the base document,
// never an error. A token in the URL (?token=) is ignored (Twenty's
// url-token-auth-rejection.integration-spec.ts).
//
// Nothing is cached here: the document follows the workspace's metadata as it is now. The
// response carries an ETag, so a client revalidating with If-None-Match gets a 304 when the
// document did not change.
func (g *gateway) openAPI(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if kind != "core" && kind != "metadata" {
		notFound(w, r)
		return
	}
	serverURL := requestOrigin(r) + "/rest"
	if kind == "metadata" {
		serverURL += "/metadata"
	}
	res, err := g.records.OpenAPI(r.Context(), &recordsv1.OpenAPIRequest{
		WorkspaceId: g.openAPIWorkspace(r),
		Kind:        kind,
		ServerUrl:   serverURL,
	})
	if err != nil {
		writeConnectError(w, err)
		return
	}
	doc := res.GetDocumentJson()
	sum := sha256.Sum256(doc)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	// The document depends on the token: no shared cache may keep it, and a client revalidates.
	h.Set("Cache-Control", "private, no-cache")
	h.Add("Vary", "Authorization")
	if ifNoneMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

// openAPIWorkspace answers the workspace of the request's Bearer token when it is a valid user
// access token or API key, else "" (the base document). Tokens in the URL are not read.
func (g *gateway) openAPIWorkspace(r *http.Request) string {
	token, ok := bearer(r)
	if !ok {
		return ""
	}
	c, err := g.tokens.verify(r.Context(), token)
	if err != nil {
		if f := new(authFailure); !errors.As(err, &f) {
			// Not the token's fault (keys or revocations unreadable): still the base document.
			slog.WarnContext(r.Context(), "OpenAPI token not verified", "error", err.Error())
		}
		return ""
	}
	return workspaceOf(c)
}

// workspaceOf is the workspace a token may describe: a user's access token or an API key's.
func workspaceOf(c *authtoken.Claims) string {
	switch c.Type {
	case authtoken.TypeAccess, authtoken.TypeAPIKey:
		return c.WorkspaceID
	}
	return ""
}

// requestOrigin is the request's scheme and host, Twenty's `${request.protocol}://${host}`. On
// Workers the request URL is absolute; natively the scheme comes from the connection.
func requestOrigin(r *http.Request) string {
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	return scheme + "://" + host
}

// ifNoneMatch reports whether an If-None-Match header matches etag (weak comparison, as for GET).
func ifNoneMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
