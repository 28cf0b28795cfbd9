package cfworker

// D1Usage is what this isolate's D1 batches cost so far, from D1's meta (shared/js/d1wire.mjs):
// rows read and written are D1's billing units.
type D1Usage struct {
	Batches     float64 `json:"batches"`
	Statements  float64 `json:"statements"`
	RowsRead    float64 `json:"rowsRead"`
	RowsWritten float64 `json:"rowsWritten"`
}
