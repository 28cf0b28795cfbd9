package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
)

// FILES fields hold [{"fileId", "label", "extension"…}]; Twenty answers each item with a "url",
// the file's signed /file/files-field/{fileId}?token= URL. Items are rewritten through a token
// stream that keeps every member's order and spelling and drops a stale stored "url".

// filesFieldID finds the file ids FILES items carry.
var filesFieldID = regexp.MustCompile(`"fileId":\s*"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"`)

// addFileURLs answers body with a "url" member in every object whose "fileId" urls knows.
func addFileURLs(body []byte, urls map[string]string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	if err := copyValue(dec, &out, urls); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("files field: trailing data after the JSON value")
	}
	return out.Bytes(), nil
}

// copyValue copies the next JSON value of dec to out.
func copyValue(dec *json.Decoder, out *bytes.Buffer, urls map[string]string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := copyValue(dec, out, urls); err != nil {
					return err
				}
			}
			_, err := dec.Token() // ]
			out.WriteByte(']')
			return err
		}
		return copyObject(dec, out, urls)
	case string:
		writeString(out, t)
	case json.Number:
		out.WriteString(t.String())
	case bool:
		fmt.Fprint(out, t)
	case nil:
		out.WriteString("null")
	}
	return nil
}

// copyObject copies an object whose "{" was read, adding its file's url.
func copyObject(dec *json.Decoder, out *bytes.Buffer, urls map[string]string) error {
	type member struct {
		key   string
		value []byte
	}
	var members []member
	fileURL := ""
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		var v bytes.Buffer
		if err := copyValue(dec, &v, urls); err != nil {
			return err
		}
		if key == "fileId" {
			var id string
			if json.Unmarshal(v.Bytes(), &id) == nil {
				fileURL = urls[id]
			}
		}
		members = append(members, member{key, v.Bytes()})
	}
	if _, err := dec.Token(); err != nil { // }
		return err
	}
	out.WriteByte('{')
	n := 0
	for _, m := range members {
		if fileURL != "" && m.key == "url" {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		writeString(out, m.key)
		out.WriteByte(':')
		out.Write(m.value)
		n++
	}
	if fileURL != "" {
		if n > 0 {
			out.WriteByte(',')
		}
		out.WriteString(`"url":`)
		writeString(out, fileURL)
	}
	out.WriteByte('}')
	return nil
}

// writeString writes s as a JSON string without escaping HTML, as Twenty's answers do.
func writeString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out.Truncate(out.Len() - 1) // Encode's newline
}
