package main

import (
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// FuzzReadMultipart holds the multipart reader to its contract for any body: it never panics, and
// a refusal is a 400 or a 413 with a message.
func FuzzReadMultipart(f *testing.F) {
	f.Add("--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"{ a }\",\"variables\":{\"file\":null}}\r\n--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"0\":[\"variables.file\"]}\r\n--b\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{}\r\n--b--\r\n")
	f.Add("--b\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"q\",\"variables\":{\"f\":[null,{\"g\":null}]}}\r\n--b\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"0\":[\"variables.f.1.g\",\"variables.f.0\",\"variables.f.9\"]}\r\n--b--\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		_, refused := readMultipart(multipart.NewReader(strings.NewReader(body), "b"))
		if refused != nil && (refused.status != http.StatusBadRequest && refused.status != http.StatusRequestEntityTooLarge || refused.message == "") {
			t.Errorf("readMultipart refused with status %d and %q", refused.status, refused.message)
		}
	})
}
