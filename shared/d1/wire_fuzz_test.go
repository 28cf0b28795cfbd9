package d1

import "testing"

// FuzzDecodeBatch checks that decodeBatch fails where the encoding/json decoder it replaced
// fails, and otherwise returns the same results.
func FuzzDecodeBatch(f *testing.F) {
	for _, in := range equivalenceInputs {
		f.Add([]byte(in))
	}
	// A small page (benchmarkPage is too big a seed: minimizing its mutations stalls fuzzing).
	f.Add([]byte(`[{"columns":["1"],"rows":[["1"]],"changes":0},` +
		`{"columns":["id","createdAt","name","emails","position","deletedAt"],"rows":[` +
		`["20202020-0000-4b3c-9f6e-8d2a1c0b0000","2025-03-14T09:26:53.589Z","Renée","[]",0.5,null],` +
		`["20202020-0001-4b3c-9f6e-8d2a1c0b0007","2025-03-14T09:26:53.589Z","Tim","[\"a@b.c\"]",1,null]],"changes":0},` +
		`{"columns":["totalCount"],"rows":[[2]],"changes":0}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeBatch(t, data)
	})
}
