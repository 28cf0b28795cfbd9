package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCrashPointFiresOnceWhenArmed(t *testing.T) {
	tests := []struct {
		name    string
		arm     bool
		reaches int
		want    int
	}{
		{"unarmed", false, 3, 0},
		{"armed, reached once", true, 1, 1},
		{"armed, reached again", true, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			crashes := 0
			c := &crashPoint{crash: func() { crashes++ }}
			if tt.arm {
				w := httptest.NewRecorder()
				c.arm(w, httptest.NewRequest(http.MethodPost, "/__dev/crash-after-next-step", nil))
				if w.Code != http.StatusNoContent {
					t.Fatalf("arm = %d", w.Code)
				}
			}
			for range tt.reaches {
				c.reached()
			}
			if crashes != tt.want {
				t.Errorf("crashes = %d, want %d", crashes, tt.want)
			}
		})
	}
	var none *crashPoint
	none.reached() // a Worker without the dev crash point: nothing happens
}
