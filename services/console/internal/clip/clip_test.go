package clip

import (
	"strings"
	"testing"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name, s string
		n       int
		runes   string
		bytes   string
	}{
		{"short", "abc", 5, "abc", "abc"},
		{"exact", "abcde", 5, "abcde", "abcde"},
		{"long", "abcdef", 5, "abcd…", "abcde…"},
		{"multibyte", "яяяя", 3, "яя…", "я…"},
		{"empty", "", 1, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Runes(tt.s, tt.n); got != tt.runes {
				t.Errorf("Runes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.runes)
			}
			if got := Bytes(tt.s, tt.n); got != tt.bytes {
				t.Errorf("Bytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.bytes)
			}
		})
	}
	if got := Bytes(strings.Repeat("x", 1<<20), 2048); len(got) > 2048+len("…") {
		t.Errorf("Bytes kept %d bytes", len(got))
	}
}
