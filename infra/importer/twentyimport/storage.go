package twentyimport

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// FileSource is where Twenty keeps its files' bytes: its local storage folder
// (STORAGE_TYPE=local) or its S3 bucket (STORAGE_TYPE=s3). Both lay a file out under the same
// key, folder path then file name (<workspace>/<application>/<path> in Twenty 1.x and later).
type FileSource interface {
	// Locate answers a reference to a file's bytes, or an error wrapping fs.ErrNotExist when the
	// source has none; no bytes are read.
	Locate(ctx context.Context, workspaceID, path string) (ref string, err error)
	// Fetch makes the bytes of a located file a local file, removed by done.
	Fetch(ctx context.Context, ref string) (file string, done func(), err error)
}

// OpenFileSource opens Options.Storage: s3://<bucket>[/prefix] is Twenty's S3 bucket (the
// endpoint, region and key from Twenty's own STORAGE_S3_* variables, see NewS3Source), anything
// else its local storage folder. The bucket is listed once here, so a missing bucket or refused
// credentials fail before anything is copied.
func OpenFileSource(ctx context.Context, storage string) (FileSource, error) {
	if rest, ok := strings.CutPrefix(storage, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		s, err := NewS3Source(S3Config{Bucket: bucket, Prefix: prefix, Endpoint: os.Getenv("STORAGE_S3_ENDPOINT"), Region: os.Getenv("STORAGE_S3_REGION"),
			AccessKeyID: os.Getenv("STORAGE_S3_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("STORAGE_S3_SECRET_ACCESS_KEY")})
		if err != nil {
			return nil, err
		}
		if err := s.List(ctx); err != nil {
			return nil, err
		}
		return s, nil
	}
	st, err := os.Stat(storage)
	if err != nil {
		return nil, fmt.Errorf("storage folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("storage %s is not a folder (nor s3://bucket)", storage)
	}
	return LocalFiles(storage), nil
}

// LocalFiles is Twenty's local storage folder (STORAGE_LOCAL_PATH).
type LocalFiles string

// Locate implements FileSource: the file's path on disk.
func (l LocalFiles) Locate(_ context.Context, workspaceID, path string) (string, error) {
	return locateFile(string(l), workspaceID, path)
}

// Fetch implements FileSource: the file is already local.
func (LocalFiles) Fetch(_ context.Context, ref string) (string, func(), error) {
	return ref, func() {}, nil
}
