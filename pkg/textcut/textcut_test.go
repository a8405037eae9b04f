package textcut_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/textcut"
)

func TestRunes(t *testing.T) {
	tests := []struct {
		name, s string
		n       int
		want    string
	}{
		{"short", "abc", 5, "abc"},
		{"exact", "abcde", 5, "abcde"},
		{"long", "abcdef", 5, "abcd…"},
		{"multibyte", "яяяя", 3, "яя…"},
		{"one", "яяяя", 1, "…"},
		{"empty", "", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textcut.Runes(tt.s, tt.n); got != tt.want {
				t.Errorf("Runes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		name, s    string
		n          int
		want, mark string
	}{
		{"shorter", "abc", 5, "abc", "abc"},
		{"at the bound", "abc", 3, "abc", "abc"},
		{"ascii", "abcdef", 4, "abcd", "abcd…"},
		{"inside a Cyrillic letter", "Минск", 3, "М", "М…"},
		{"after a Cyrillic letter", "Минск", 4, "Ми", "Ми…"},
		{"inside a four-byte rune", "a😀b", 3, "a", "a…"},
		{"nothing fits", "😀", 2, "", "…"},
		{"zero", "abc", 0, "", "…"},
		{"negative", "abc", -1, "", "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textcut.Bytes(tt.s, tt.n); got != tt.want {
				t.Errorf("Bytes(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
			if got := textcut.Marked(tt.s, tt.n); got != tt.mark {
				t.Errorf("Marked(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.mark)
			}
		})
	}
}

// FuzzBytes: the cut is a start of s within the bound, valid when s is,
// and no longer start would do.
func FuzzBytes(f *testing.F) {
	f.Add("Минск 😀", 3)
	f.Add("abc", 10)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := textcut.Bytes(s, n)
		if !strings.HasPrefix(s, got) || len(got) > max(n, 0) {
			t.Fatalf("Bytes(%q, %d) = %q: not a start of s within the bound", s, n, got)
		}
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Bytes(%q, %d) = %q splits a character", s, n, got)
		}
		if len(got) < len(s) {
			if _, size := utf8.DecodeRuneInString(s[len(got):]); len(got)+size <= n {
				t.Fatalf("Bytes(%q, %d) = %q stops before a character that fits", s, n, got)
			}
		}
	})
}

func BenchmarkBytes(b *testing.B) {
	s := strings.Repeat("Минск ", 1000)
	for b.Loop() {
		_ = textcut.Bytes(s, 4001)
	}
}
