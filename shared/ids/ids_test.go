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

func TestNameUUID(t *testing.T) {
	tests := []struct {
		namespace, name, want string
	}{
		// RFC 4122's DNS namespace and "www.example.com", as every v5 implementation answers it.
		{"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
		// An uppercase namespace is the same UUID.
		{"6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
	}
	for _, tt := range tests {
		if got := NameUUID(tt.namespace, tt.name); got != tt.want {
			t.Errorf("NameUUID(%q, %q) = %s, want %s", tt.namespace, tt.name, got, tt.want)
		}
	}
	a, b := NameUUID("outbox-row", "record-1"), NameUUID("outbox-row", "record-2")
	if a == b || !IsUUID(a) || a != NameUUID("outbox-row", "record-1") {
		t.Errorf("NameUUID: %s and %s: want distinct, stable UUIDs", a, b)
	}
}
