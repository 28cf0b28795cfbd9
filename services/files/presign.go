package main

import (
	"github.com/twentyworkers/twenty/shared/s3presign"
)

// s3Config reads R2's S3 credentials from the Worker's vars and secrets. With an access key
// configured, direct uploads get a presigned PUT to R2's S3 endpoint (the bytes never touch a
// Worker); without, they go through the gateway's /file-upload/{id}. R2_S3_ENDPOINT overrides the
// endpoint derived from R2_ACCOUNT_ID (an S3-compatible server in tests).
func s3Config(get func(string) string) (*s3presign.Presigner, error) {
	if get("R2_ACCESS_KEY_ID") == "" {
		return nil, nil
	}
	endpoint := get("R2_S3_ENDPOINT")
	if endpoint == "" {
		endpoint = "https://" + get("R2_ACCOUNT_ID") + ".r2.cloudflarestorage.com"
	}
	bucket := get("R2_BUCKET_NAME")
	if bucket == "" {
		bucket = "twenty-files"
	}
	return s3presign.New(endpoint, bucket, "auto", s3presign.Credentials{
		AccessKeyID: get("R2_ACCESS_KEY_ID"), SecretAccessKey: get("R2_SECRET_ACCESS_KEY"),
	})
}
