// Package metadatainput carries the inputs of Twenty's metadata API (the JSON object a client
// sends to create or update an object or a field) in the typed messages of the records contract
// (twenty.records.v1's CreateObjectInput, UpdateObjectInput, CreateFieldInput and
// UpdateFieldInput) and back.
//
// Twenty checks an input as it was sent: its messages tell apart a member absent, sent as null,
// and sent with a value of another JSON type. So the conversion keeps those: a string or boolean
// member holds its value, or is named in null_members or mistyped_members; a *_json member holds
// the member's JSON as sent. The gateway reads the client's JSON with [FromJSON]; the records
// Worker writes it back with [ToJSON] for the one parser that checks it with Twenty's messages,
// which then sees what the client sent, but for the members Twenty does not read.
package metadatainput

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ErrNotObject is returned for an input that is not a JSON object.
var ErrNotObject = errors.New("the input must be a JSON object")

// The fields of an input message that name members by shape.
const (
	nullMembers     = "null_members"
	mistypedMembers = "mistyped_members"
)

// rawSuffix ends the name of a member holding JSON as sent (default_value_json is defaultValue).
const rawSuffix = "Json"

// members maps the JSON names of the members of an input message (Twenty's: nameSingular,
// defaultValue) to its fields: optional strings and booleans, and bytes fields named *_json.
func members(md protoreflect.MessageDescriptor) map[string]protoreflect.FieldDescriptor {
	fields := md.Fields()
	out := make(map[string]protoreflect.FieldDescriptor, fields.Len())
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.IsList() || fd.IsMap() {
			continue
		}
		switch fd.Kind() {
		case protoreflect.StringKind, protoreflect.BoolKind:
			out[fd.JSONName()] = fd
		case protoreflect.BytesKind:
			if name, ok := strings.CutSuffix(fd.JSONName(), rawSuffix); ok {
				out[name] = fd
			}
		}
	}
	return out
}

// FromJSON sets m, an input message, from data, the input's JSON object: members m does not
// have are dropped. m is reset first.
func FromJSON(data []byte, m proto.Message) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil || obj == nil {
		return ErrNotObject
	}
	proto.Reset(m)
	msg := m.ProtoReflect()
	md := msg.Descriptor()
	byKey := members(md)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the lists' order does not depend on the map's
	for _, key := range keys {
		fd, ok := byKey[key]
		if !ok {
			continue
		}
		raw := obj[key]
		if fd.Kind() == protoreflect.BytesKind {
			msg.Set(fd, protoreflect.ValueOfBytes(bytes.Clone(raw)))
			continue
		}
		if string(raw) == "null" {
			appendName(msg, nullMembers, key)
			continue
		}
		var v any
		switch fd.Kind() {
		case protoreflect.StringKind:
			var s string
			if json.Unmarshal(raw, &s) == nil {
				v = s
			}
		case protoreflect.BoolKind:
			var b bool
			if json.Unmarshal(raw, &b) == nil {
				v = b
			}
		}
		if v == nil {
			appendName(msg, mistypedMembers, key)
			continue
		}
		msg.Set(fd, protoreflect.ValueOf(v))
	}
	return nil
}

// appendName adds key to the list field named list, when m has it.
func appendName(m protoreflect.Message, list protoreflect.Name, key string) {
	if fd := m.Descriptor().Fields().ByName(list); fd != nil && fd.IsList() && fd.Kind() == protoreflect.StringKind {
		m.Mutable(fd).List().Append(protoreflect.ValueOfString(key))
	}
}

// mistyped is the value written back for a member sent with a value of another type: a number,
// which is neither a string nor a boolean (Twenty's message for a member does not show the
// value).
var mistyped = json.RawMessage(`0`)

// ToJSON answers the JSON object of the input m holds (an empty object for nil): the members
// set, those sent as null, and those sent with another type.
func ToJSON(m proto.Message) ([]byte, error) {
	obj := map[string]json.RawMessage{}
	if m == nil || !m.ProtoReflect().IsValid() {
		return []byte(`{}`), nil
	}
	msg := m.ProtoReflect()
	byKey := members(msg.Descriptor())
	for key, fd := range byKey {
		if !msg.Has(fd) {
			continue
		}
		if fd.Kind() == protoreflect.BytesKind {
			obj[key] = msg.Get(fd).Bytes()
			continue
		}
		b, err := json.Marshal(msg.Get(fd).Interface())
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", key, err)
		}
		obj[key] = b
	}
	for _, l := range []struct {
		name  protoreflect.Name
		value json.RawMessage
	}{{nullMembers, json.RawMessage(`null`)}, {mistypedMembers, mistyped}} {
		fd := msg.Descriptor().Fields().ByName(l.name)
		if fd == nil || !fd.IsList() {
			continue
		}
		list := msg.Get(fd).List()
		for i := range list.Len() {
			key := list.Get(i).String()
			if f, ok := byKey[key]; ok && f.Kind() != protoreflect.BytesKind && !msg.Has(f) {
				obj[key] = l.value
			}
		}
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode the input: %w", err)
	}
	return b, nil
}
