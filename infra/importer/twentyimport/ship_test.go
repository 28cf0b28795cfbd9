package twentyimport

import (
	"math"
	"testing"
)

func TestLiteral(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "NULL"},
		{int64(-42), "-42"},
		{float64(3), "3.0"},
		{0.1, "0.1"},
		{1e21, "1e+21"},
		{"it's", "'it''s'"},
		{"☎\n", "'☎\n'"},
		{[]byte{0xde, 0xad}, "X'DEAD'"},
	}
	for _, tt := range tests {
		if got, err := literal(tt.in); err != nil || got != tt.want {
			t.Errorf("literal(%#v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := literal(math.NaN()); err == nil {
		t.Error("literal(NaN) gave no error")
	}
}

func TestIfNotExists(t *testing.T) {
	tests := map[string]string{
		`CREATE TABLE "t" (x)`:                     `CREATE TABLE IF NOT EXISTS "t" (x)`,
		`CREATE UNIQUE INDEX "i" ON "t" (x)`:       `CREATE UNIQUE INDEX IF NOT EXISTS "i" ON "t" (x)`,
		`CREATE INDEX "i" ON "t" (x)`:              `CREATE INDEX IF NOT EXISTS "i" ON "t" (x)`,
		`CREATE TABLE IF NOT EXISTS "t" (x)`:       `CREATE TABLE IF NOT EXISTS "t" (x)`,
		`CREATE TRIGGER "g" AFTER INSERT ON "t" …`: `CREATE TRIGGER "g" AFTER INSERT ON "t" …`,
	}
	for in, want := range tests {
		if got := ifNotExists(in); got != want {
			t.Errorf("ifNotExists(%q) = %q, want %q", in, got, want)
		}
	}
}
