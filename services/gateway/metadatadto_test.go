package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// TestMetadataDTO checks that objects and fields render byte for byte as the records Worker's
// metadata package answered them when the RPC carried JSON: testdata/metadata_objects.json is
// json.Marshal of its ObjectDTOs for company, person and opportunity (relations, options,
// defaults, settings, duplicate criteria, empty identifiers), metadata_objects.pb.json the
// messages the records Worker now answers for them.
func TestMetadataDTO(t *testing.T) {
	want, err := os.ReadFile("testdata/metadata_objects.json")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/metadata_objects.pb.json")
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(src, &raws); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.WriteByte('[')
	for i, raw := range raws {
		var o recordsv1.ObjectMetadata
		if err := protojson.Unmarshal(raw, &o); err != nil {
			t.Fatal(err)
		}
		b, err := objectJSON(&o)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			got.WriteByte(',')
		}
		got.Write(b)
		for _, f := range o.GetFields() {
			fb, err := fieldJSON(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, fb) {
				t.Errorf("field %s renders alone as %s, not as in its object", f.GetName(), fb)
			}
		}
	}
	got.WriteString("]\n")
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("rendered objects (-want +got):\n%s", diff)
	}
}
