package twentyimport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/twentyworkers/twenty/shared/s3presign"
)

// S3Config is Twenty's S3 storage driver's configuration, named after its environment
// variables (STORAGE_S3_NAME, _REGION, _ENDPOINT, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY).
type S3Config struct {
	Bucket string
	// Prefix is a folder inside the bucket that holds Twenty's keys (usually empty).
	Prefix string
	// Endpoint is an S3-compatible server (MinIO, R2, …), addressed path-style
	// (endpoint/bucket/key); empty is AWS, virtual-hosted (bucket.s3.region.amazonaws.com).
	Endpoint string
	// Region signs the requests; empty is us-east-1.
	Region                       string
	AccessKeyID, SecretAccessKey string
	// Client sends the requests; nil is a client with a 5 minute timeout.
	Client *http.Client
}

// S3Source reads Twenty's files from its S3 bucket: ListObjectsV2 and GET, signed with SigV4 in
// the Authorization header (shared/s3presign).
type S3Source struct {
	cfg    S3Config
	base   *url.URL // scheme and host
	prefix string   // the bucket's path, path-style ("/bucket"), else empty
	keys   map[string]bool
	// apps indexes the keys of Twenty 1.x's layout, <workspace>/<application>/<path>, by
	// workspace + "/" + path.
	apps map[string]string
	// tmp receives the fetched objects.
	tmp string
	// pageSize, when set, is ListObjectsV2's max-keys (tests: S3's default is 1,000).
	pageSize int
}

// NewS3Source checks cfg; it sends nothing.
func NewS3Source(cfg S3Config) (*S3Source, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("storage s3://: no bucket name (s3://<bucket>[/prefix], Twenty's STORAGE_S3_NAME)")
	}
	if cfg.AccessKeyID == "" || cfg.SecretAccessKey == "" {
		return nil, fmt.Errorf("storage s3://%s: set STORAGE_S3_ACCESS_KEY_ID and STORAGE_S3_SECRET_ACCESS_KEY (Twenty's own variables)", cfg.Bucket)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 5 * time.Minute}
	}
	cfg.Prefix = strings.Trim(cfg.Prefix, "/")
	s := &S3Source{cfg: cfg}
	if cfg.Endpoint == "" {
		s.base = &url.URL{Scheme: "https", Host: cfg.Bucket + ".s3." + cfg.Region + ".amazonaws.com"}
	} else {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("STORAGE_S3_ENDPOINT %q is not an http(s) URL", cfg.Endpoint)
		}
		s.base = &url.URL{Scheme: u.Scheme, Host: u.Host}
		s.prefix = strings.TrimRight(u.Path, "/") + "/" + cfg.Bucket
	}
	return s, nil
}

func (s *S3Source) String() string {
	if s.cfg.Prefix != "" {
		return "s3://" + s.cfg.Bucket + "/" + s.cfg.Prefix
	}
	return "s3://" + s.cfg.Bucket
}

// do sends a signed request for key (empty: the bucket) and answers the response of a 2xx, or an
// error naming S3's code and message (a 403 says to check the key).
func (s *S3Source) do(ctx context.Context, method, key string, q url.Values, body []byte) (*http.Response, error) {
	p := s.prefix + "/" + key
	sum := sha256.Sum256(body)
	amzDate := time.Now().UTC().Format("20060102T150405Z")
	r := s3presign.Request{Method: method, Path: p, Query: q, PayloadHash: hex.EncodeToString(sum[:]),
		Headers: map[string]string{"host": s.base.Host, "x-amz-date": amzDate, "x-amz-content-sha256": hex.EncodeToString(sum[:])}}
	target := s.base.Scheme + "://" + s.base.Host + s3presign.EncodePath(p)
	if len(q) > 0 {
		target += "?" + s3presign.CanonicalQuery(q)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", r.PayloadHash)
	req.Header.Set("Authorization", s3presign.Authorization(r, s3presign.Credentials{AccessKeyID: s.cfg.AccessKeyID, SecretAccessKey: s.cfg.SecretAccessKey}, s.cfg.Region, "s3", amzDate))
	res, err := s.cfg.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, s, err)
	}
	if res.StatusCode/100 == 2 {
		return res, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	var e struct{ Code, Message string }
	_ = xml.Unmarshal(b, &e)
	what := method + " " + s.String()
	if key != "" {
		what += " key " + key
	}
	err = fmt.Errorf("%s: %d %s %s", what, res.StatusCode, e.Code, e.Message)
	switch {
	case res.StatusCode == http.StatusForbidden:
		err = fmt.Errorf("%w (check STORAGE_S3_ACCESS_KEY_ID, STORAGE_S3_SECRET_ACCESS_KEY and STORAGE_S3_REGION)", err)
	case e.Code == "AuthorizationHeaderMalformed":
		err = fmt.Errorf("%w (check STORAGE_S3_REGION)", err)
	case e.Code == "NoSuchBucket":
		err = fmt.Errorf("%w (no bucket %s at %s: check the name and STORAGE_S3_ENDPOINT)", err, s.cfg.Bucket, s.base.Host)
	case e.Code == "NoSuchKey" || res.StatusCode == http.StatusNotFound && key != "":
		err = fmt.Errorf("%w: %w", err, fs.ErrNotExist)
	}
	return nil, err
}

// List reads the bucket's keys under the prefix (ListObjectsV2, page after page), which Locate
// then answers from.
func (s *S3Source) List(ctx context.Context) error {
	keys := map[string]bool{}
	token := ""
	for {
		q := url.Values{"list-type": {"2"}}
		if s.cfg.Prefix != "" {
			q.Set("prefix", s.cfg.Prefix+"/")
		}
		if token != "" {
			q.Set("continuation-token", token)
		}
		if s.pageSize > 0 {
			q.Set("max-keys", strconv.Itoa(s.pageSize))
		}
		res, err := s.do(ctx, http.MethodGet, "", q, nil)
		if err != nil {
			return fmt.Errorf("list %s: %w", s, err)
		}
		var page struct {
			Contents []struct {
				Key string
			}
			IsTruncated           bool
			NextContinuationToken string
		}
		err = xml.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil {
			return fmt.Errorf("list %s: %w", s, err)
		}
		for _, c := range page.Contents {
			keys[c.Key] = true
		}
		if !page.IsTruncated || page.NextContinuationToken == "" {
			break
		}
		token = page.NextContinuationToken
	}
	pre := ""
	if s.cfg.Prefix != "" {
		pre = s.cfg.Prefix + "/"
	}
	apps := map[string]string{}
	for k := range keys {
		ws, rest, ok := strings.Cut(strings.TrimPrefix(k, pre), "/")
		if !ok {
			continue
		}
		if app, tail, ok := strings.Cut(rest, "/"); ok && app != "" && tail != "" {
			if old, ok := apps[ws+"/"+tail]; !ok || k < old {
				apps[ws+"/"+tail] = k
			}
		}
	}
	s.keys, s.apps = keys, apps
	return nil
}

// Keys is how many objects List found.
func (s *S3Source) Keys() int { return len(s.keys) }

// Locate implements FileSource: the object key, in the layouts locateFile knows, under the prefix.
func (s *S3Source) Locate(_ context.Context, workspaceID, p string) (string, error) {
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("path %q leaves the storage folder", p)
	}
	pre := ""
	if s.cfg.Prefix != "" {
		pre = s.cfg.Prefix + "/"
	}
	if k, ok := s.apps[workspaceID+"/"+p]; ok {
		return k, nil
	}
	for _, k := range []string{pre + "workspace-" + workspaceID + "/" + p, pre + workspaceID + "/" + p} {
		if s.keys[k] {
			return k, nil
		}
	}
	return "", fmt.Errorf("no object for %s in %s: %w", p, s, fs.ErrNotExist)
}

// Fetch implements FileSource: GET the object into a temporary file.
func (s *S3Source) Fetch(ctx context.Context, key string) (string, func(), error) {
	res, err := s.do(ctx, http.MethodGet, key, nil, nil)
	if err != nil {
		return "", nil, err
	}
	defer res.Body.Close()
	f, err := os.CreateTemp(s.tmp, "twenty-s3-*"+path.Ext(key))
	if err != nil {
		return "", nil, err
	}
	done := func() { _ = os.Remove(f.Name()) }
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		done()
		return "", nil, fmt.Errorf("GET %s key %s: %w", s, key, err)
	}
	if err := f.Close(); err != nil {
		done()
		return "", nil, err
	}
	return f.Name(), done, nil
}
