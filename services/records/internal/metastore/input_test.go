package metastore

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/twentyworkers/twenty/services/records/internal/metadata"
	recordsv1 "github.com/twentyworkers/twenty/shared/gen/twenty/records/v1"
	"github.com/twentyworkers/twenty/shared/metadatainput"
	"google.golang.org/protobuf/proto"
)

// The metadata RPCs carry inputs typed (the gateway reads the client's JSON with
// metadatainput.FromJSON) and the records Worker writes them back as JSON for the metadata
// package's parsers (metadatainput.ToJSON). These tests check that a parser decides the same on
// the JSON written back as on the client's: the same input, or the same refusal with the same
// message.

// inputKinds are the four inputs, each with its message and parser.
var inputKinds = []struct {
	name  string
	typed func() proto.Message
	parse func([]byte) (any, error)
}{
	{"create object", func() proto.Message { return &recordsv1.CreateObjectInput{} },
		func(b []byte) (any, error) { return metadata.ParseCreateObjectInput(b) }},
	{"update object", func() proto.Message { return &recordsv1.UpdateObjectInput{} },
		func(b []byte) (any, error) { return metadata.ParseUpdateObjectInput(b) }},
	{"create field", func() proto.Message { return &recordsv1.CreateFieldInput{} },
		func(b []byte) (any, error) { return metadata.ParseCreateFieldInput(b) }},
	{"update field", func() proto.Message { return &recordsv1.UpdateFieldInput{} },
		func(b []byte) (any, error) { return metadata.ParseUpdateFieldInput(b) }},
}

// sameDecision reports how parsing input directly and through the typed message differ, or "".
func sameDecision(input []byte, typed proto.Message, parse func([]byte) (any, error)) string {
	if err := metadatainput.FromJSON(input, typed); err != nil {
		return "" // not an object: the gateway refuses it before any RPC
	}
	back, err := metadatainput.ToJSON(typed)
	if err != nil {
		return fmt.Sprintf("ToJSON: %v", err)
	}
	want, wantErr := parse(input)
	got, gotErr := parse(back)
	if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
		return fmt.Sprintf("error %v, want %v (written back as %s)", gotErr, wantErr, back)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		return fmt.Sprintf("written back as %s (-want +got):\n%s", back, diff)
	}
	return ""
}

const objID = "00000000-0000-4000-8000-000000000001"

var inputSeeds = []string{
	`{}`,
	`{"nameSingular":"pet","namePlural":"pets","labelSingular":"Pet","labelPlural":"Pets","icon":"IconCat","isLabelSyncedWithName":false}`,
	`{"nameSingular":5,"namePlural":"pets"}`,
	`{"nameSingular":"","namePlural":true,"labelSingular":null}`,
	`{"nameSingular":"pet","namePlural":"pets","labelSingular":"Pet","labelPlural":"Pets","isRemote":"yes"}`,
	`{"nameSingular":"pet","namePlural":"pets","labelSingular":"Pet","labelPlural":"Pets","isRemote":true,"description":{"a":1}}`,
	`{"description":null,"icon":null,"shortcut":null,"isActive":true}`,
	`{"description":"","icon":7,"labelIdentifierFieldMetadataId":"not-a-uuid"}`,
	`{"labelIdentifierFieldMetadataId":null,"imageIdentifierFieldMetadataId":"` + objID + `","isActive":"true"}`,
	`{"nameSingular":"human","namePlural":"humans","unknown":[1,2],"nullMembers":["x"],"defaultValueJson":"e30="}`,
	`{"objectMetadataId":"` + objID + `","type":"TEXT","name":"note","label":"Note","isNullable":false,"settings":{"displayedMaxRows":2}}`,
	`{"objectMetadataId":1,"type":"TEXT","name":"note","label":"Note"}`,
	`{"objectMetadataId":"` + objID + `","type":null,"name":"note","label":"Note"}`,
	`{"objectMetadataId":"` + objID + `","type":"SELECT","name":"size","label":"Size","options":[{"value":"S","label":"Small","position":0}],"defaultValue":"'S'"}`,
	`{"objectMetadataId":"` + objID + `","type":"SELECT","name":"size","label":"Size","options":null,"defaultValue":3.50}`,
	`{"objectMetadataId":"` + objID + `","type":"MULTI_SELECT","name":"tags","label":"Tags","options":[{"value":"A","label":"A"}],"defaultValue":["'A'","'A'"]}`,
	`{"objectMetadataId":"` + objID + `","type":"RELATION","name":"owner","label":"Owner","relationCreationPayload":{"targetObjectMetadataId":"` + objID + `","targetFieldLabel":" Pets ","type":"MANY_TO_ONE"}}`,
	`{"objectMetadataId":"` + objID + `","type":"RELATION","name":"owner","label":"Owner","relationCreationPayload":"x"}`,
	`{"objectMetadataId":"` + objID + `","type":"MORPH_RELATION","name":"owner","label":"Owner","morphRelationsCreationPayload":[{"type":"MANY_TO_ONE"},7]}`,
	`{"objectMetadataId":"` + objID + `","type":"NUMBER","name":"n","label":"N","isLabelSyncedWithName":true,"settings":[1]}`,
	`{"name":"renamed","label":"","isUnique":null,"defaultValue":null,"options":null,"settings":null}`,
	`{"label":"L","defaultValue":{"amountMicros":1e21,"currencyCode":"'USD'"},"settings":{"a":"<b>&"}}`,
	`{"name":"x\u00e9\ud800","label":"\u0000","isActive":0}`,
	`{"name":"a","name":"b","isNullable":false,"isNullable":"no"}`,
}

func TestInputsSurviveTheirTypes(t *testing.T) {
	for _, k := range inputKinds {
		for _, in := range inputSeeds {
			if msg := sameDecision([]byte(in), k.typed(), k.parse); msg != "" {
				t.Errorf("%s %s: %s", k.name, in, msg)
			}
		}
	}
}

// FuzzInputsSurviveTheirTypes grows inputs from the seeds (go test -fuzz).
func FuzzInputsSurviveTheirTypes(f *testing.F) {
	for _, in := range inputSeeds {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, k := range inputKinds {
			if msg := sameDecision([]byte(in), k.typed(), k.parse); msg != "" {
				t.Errorf("%s %s: %s", k.name, in, msg)
			}
		}
	})
}
