package d1

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeBatch(t *testing.T) {
	got, err := encodeBatch([]Stmt{
		{SQL: "INSERT INTO t VALUES (?, ?, ?, ?, ?)", Args: []any{nil, int64(1) << 52, 2.5, "é\"", []byte{1, 2, 255}}},
		{SQL: "SELECT 1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"sql":"INSERT INTO t VALUES (?, ?, ?, ?, ?)","args":[null,4503599627370496,2.5,"é\"",{"b64":"AQL/"}]},{"sql":"SELECT 1","args":[]}]`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("encodeBatch (-want +got):\n%s", diff)
	}
}

func TestDecodeBatch(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Result
		wantErr bool
	}{
		{
			name: "cells of every kind",
			in:   `[{"columns":["id","n","f","x","b"],"rows":[["a",1,2.5,null,{"b64":"AQL/"}],["b",-9007199254740991,1e300,"s",null]],"changes":0}]`,
			want: []Result{{
				Columns: []string{"id", "n", "f", "x", "b"},
				Rows: [][]any{
					{"a", int64(1), 2.5, nil, []byte{1, 2, 255}},
					{"b", int64(-9007199254740991), 1e300, "s", nil},
				},
			}},
		},
		{
			name: "a write and an empty read",
			in:   `[{"columns":[],"rows":[],"changes":3},{"columns":[],"rows":[],"changes":0}]`,
			want: []Result{{Changes: 3}, {}},
		},
		{name: "a short row", in: `[{"columns":["a","b"],"rows":[[1]],"changes":0}]`, wantErr: true},
		{name: "duplicate columns", in: `[{"columns":["a","a"],"rows":[[1,2]],"changes":0}]`, wantErr: true},
		{name: "bad base64", in: `[{"columns":["a"],"rows":[[{"b64":"%%"}]],"changes":0}]`, wantErr: true},
		{name: "not JSON", in: `[{`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeBatch([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeBatch error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("decodeBatch (-want +got):\n%s", diff)
			}
		})
	}
}
