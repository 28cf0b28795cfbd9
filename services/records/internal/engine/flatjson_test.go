package engine

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceChunk is how joined chunks were decoded before decodeChunk: encoding/json's Decoder,
// numbers typed by d1Number; ok is false for a chunk that does not decode (and is skipped).
func referenceChunk(s string) (map[string]any, bool) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var chunk map[string]any
	if err := dec.Decode(&chunk); err != nil {
		return nil, false
	}
	out := map[string]any{}
	for k, v := range chunk {
		if n, ok := v.(json.Number); ok {
			v = d1Number(n)
		}
		out[k] = v
	}
	return out, true
}

func decodedChunk(s string) (map[string]any, bool) {
	ms, ok := decodeChunk(s, nil)
	if !ok {
		return nil, false
	}
	out := map[string]any{}
	for _, m := range ms {
		out[m.key] = m.value
	}
	return out, true
}

var chunkCases = []string{
	`{}`, ` { } `, `{"id":null}`,
	`{"id":"00000000-0000-4000-8000-0000000000c1","name":"Acme","employees":10,"arr":5000000,"ratio":0.5,"deletedAt":null}`,
	`{"a":1.0,"b":-0,"c":-0.0,"d":1e3,"e":1E+3,"f":2.5e-3,"g":9223372036854775807,"h":9223372036854775808,"i":-9223372036854775808,"j":1.5e300,"k":9.0e+999,"l":123456789012345678901234567890}`,
	`{"s":"quote \" inside","t":"tab\tescaped","u":"\u00e9\ud83d\ude80","v":"line\\nbreak","w":"\/"}`,
	`{"raw":"é Zoë 日本 🚀","ls":"` + "\u2028" + `","del":"` + "\x7f" + `"}`,
	"{\"bad\":\"\xff\xfe\"}", "{\"ctl\":\"a\x01b\"}", "{\"k\xff\":1}",
	`{"json":"[\"a\",\"b\"]","obj":"{\"x\":1}"}`,
	`{"t":true,"f":false}`, `{"n":{"x":1}}`, `{"l":[1,2]}`,
	`{"dup":1,"dup":2}`, `{"dup":"x","other":null,"dup":null}`,
	`{"a":1} trailing`, `{"a":1}{"b":2}`, " \n\t{ \"a\" : 1 , \"b\" : \"x\" }\r\n",
	`null`, `[1,2]`, `"str"`, `12`, ``, `{`, `{"a"`, `{"a":`, `{"a":1`, `{"a":1,}`, `{,}`, `{"a":01}`, `{"a":-}`,
	`{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":+1}`, `{"a":nul}`, `{"a":nullx}`, `{"a":NaN}`, `{"a":Infinity}`,
	`{"a":1 "b":2}`, `{a:1}`, `{"a":'x'}`,
}

func TestDecodeChunk(t *testing.T) {
	for _, s := range chunkCases {
		got, gotOK := decodedChunk(s)
		want, wantOK := referenceChunk(s)
		if gotOK != wantOK {
			t.Errorf("decodeChunk(%q) ok = %v, want %v", s, gotOK, wantOK)
			continue
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Errorf("decodeChunk(%q) mismatch (-got +want):\n%s", s, diff)
		}
	}
}

// TestDecodeChunkKeepsOut checks that a chunk that fails appends nothing to the members before it.
func TestDecodeChunkKeepsOut(t *testing.T) {
	before := []jsonMember{{"x", int64(1)}}
	for _, s := range []string{`{"a":1,"b":`, `{"a":"x","b":true}`, `[`} {
		got, _ := decodeChunk(s, before)
		want, _ := referenceChunk(s)
		if len(got) != 1+len(want) || got[0] != before[0] {
			t.Errorf("decodeChunk(%q, 1 member) = %v, want the member and %v", s, got, want)
		}
	}
}

func FuzzDecodeChunk(f *testing.F) {
	for _, s := range chunkCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gotOK := decodedChunk(s)
		want, wantOK := referenceChunk(s)
		if gotOK != wantOK {
			t.Fatalf("decodeChunk(%q) ok = %v, want %v", s, gotOK, wantOK)
		}
		if diff := cmp.Diff(got, want); diff != "" {
			t.Fatalf("decodeChunk(%q) mismatch (-got +want):\n%s", s, diff)
		}
	})
}
