package ids

import "testing"

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewUUID()
		if !IsUUID(id) || id[14] != '4' || !(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') {
			t.Fatalf("NewUUID() = %q, not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("NewUUID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestIsUUID(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"20202020-0687-4c41-b707-ed1bfca972a7", true},
		{"20202020-0687-4C41-B707-ED1BFCA972A7", true},
		{"malformed-uuid", false},
		{"20202020-0687-4c41-b707-ed1bfca972a", false},
		{"20202020x0687-4c41-b707-ed1bfca972a7", false},
		{"g0202020-0687-4c41-b707-ed1bfca972a7", false},
	}
	for _, tt := range tests {
		if got := IsUUID(tt.s); got != tt.want {
			t.Errorf("IsUUID(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
