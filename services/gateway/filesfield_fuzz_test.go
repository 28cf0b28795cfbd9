package main

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAddFileURLs holds the FILES rewriter to its contract for any JSON: the answer is valid
// JSON, and with no url to add it is the same value.
func FuzzAddFileURLs(f *testing.F) {
	f.Add([]byte(`{"data":{"docs":[{"fileId":"f0000000-0000-4000-8000-000000000001","label":"a","url":"x"}]},"n":[1.5e3,-0,true,null,"\u003c"]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		urls := map[string]string{"f0000000-0000-4000-8000-000000000001": "https://u/?token=t"}
		out, err := addFileURLs(body, urls)
		if err != nil || !json.Valid(out) {
			t.Fatalf("addFileURLs(%q) = %q, %v", body, out, err)
		}
		same, err := addFileURLs(body, nil)
		if err != nil {
			t.Fatal(err)
		}
		var want, got bytes.Buffer
		if json.Compact(&want, body) != nil || json.Compact(&got, same) != nil {
			t.Fatalf("not compactable: %q", same)
		}
		var a, b any
		_ = json.Unmarshal(want.Bytes(), &a)
		_ = json.Unmarshal(got.Bytes(), &b)
		if ja, _ := json.Marshal(a); string(ja) != string(mustMarshal(b)) {
			t.Errorf("addFileURLs(%q, nil) = %q, a different value", body, same)
		}
	})
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
