package main

import (
	"strings"
	"testing"
	"time"
)

func TestS3Config(t *testing.T) {
	none, err := s3Config(func(string) string { return "" })
	if none != nil || err != nil {
		t.Errorf("no credentials: %v, %v; want no presigner", none, err)
	}
	vars := map[string]string{"R2_ACCESS_KEY_ID": "AK", "R2_SECRET_ACCESS_KEY": "SK", "R2_ACCOUNT_ID": "acct"}
	p, err := s3Config(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	u, err := p.PresignPut("ws/files-field/x.pdf", uploadTTL, testNow)
	if err != nil || !strings.HasPrefix(u, "https://acct.r2.cloudflarestorage.com/twenty-files/ws/files-field/x.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256") {
		t.Errorf("PresignPut = %s, %v", u, err)
	}
	vars["R2_S3_ENDPOINT"], vars["R2_BUCKET_NAME"] = "http://127.0.0.1:9000", "b"
	p, _ = s3Config(func(k string) string { return vars[k] })
	if u, _ := p.PresignPut("k", time.Minute, testNow); !strings.HasPrefix(u, "http://127.0.0.1:9000/b/k?") {
		t.Errorf("with R2_S3_ENDPOINT: %s", u)
	}
}

// TestPresignedUploadTarget: with S3 credentials, createFileUpload answers a presigned PUT to
// the file's key in R2 instead of the gateway's route.
func TestPresignedUploadTarget(t *testing.T) {
	s := newTestServer(t, nil)
	vars := map[string]string{"R2_ACCESS_KEY_ID": "AK", "R2_SECRET_ACCESS_KEY": "SK", "R2_ACCOUNT_ID": "acct"}
	p, _ := s3Config(func(k string) string { return vars[k] })
	s.presign = p
	res, err := s.CreateFileUpload(t.Context(), newCreateRequest(wsA, "a.pdf", 10))
	if err != nil {
		t.Fatal(err)
	}
	want := "https://acct.r2.cloudflarestorage.com/twenty-files/" + wsA + "/files-field/" + res.GetFileId() + ".pdf?"
	if !strings.HasPrefix(res.GetUploadUrl(), want) || !strings.Contains(res.GetUploadUrl(), "X-Amz-Expires=900") || res.GetExpiresAt() != "2026-12-06T12:15:00.000Z" {
		t.Errorf("upload target = %+v", res)
	}
}
