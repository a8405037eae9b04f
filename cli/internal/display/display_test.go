package display

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  two\n\nlines\t here ", "two lines here"},
		{"red \x1b[31malert\x1b[0m", "red [31malert[0m"},
		{"bell\a and \u009b CSI", "bell and CSI"},
		{"right\u202eto left", "rightto left"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{"Лукашенко\u00a0сказал", "Лукашенко сказал"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzClean(f *testing.F) {
	f.Add("red \x1b[31malert\x1b[0m\n\u202e")
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !utf8.ValidString(got) || strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Errorf("Clean(%q) = %q", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (unicode.IsSpace(r) && r != ' ') {
				t.Errorf("Clean(%q) keeps %U", s, r)
			}
		}
	})
}

func BenchmarkClean(b *testing.B) {
	s := strings.Repeat("Sergey Lavrov said: “What is happening in Eurasia testifies to the fact.”\n", 10)
	for b.Loop() {
		Clean(s)
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("Лукашенко провел встречу", 10); got != "Лукашенко…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now, "just now"},
		{now.Add(-45 * time.Second), "45s ago"},
		{now.Add(-3 * time.Minute), "3m ago"},
		{now.Add(-2*time.Hour - 5*time.Minute), "2h05m ago"},
		{now.Add(-76 * time.Hour), "3d4h ago"},
		{now.Add(90 * time.Second), "in 1m"},
	}
	for _, tt := range tests {
		if got := Ago(tt.t, now); got != tt.want {
			t.Errorf("Ago(%s) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestTableAlignsWhatIsSeen(t *testing.T) {
	for _, color := range []bool{false, true} {
		tab := Style{Color: color}.NewTable("NAME", "STATE", "NOTE")
		tab.Row(Text("Лукашенко"), Good("ok"), Text(""))
		tab.Row(Text("x"), Bad("error"), Faint("why"))
		var b strings.Builder
		if _, err := tab.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		plain := b.String()
		for _, code := range []string{bold, green, red, dim, reset} {
			plain = strings.ReplaceAll(plain, code, "")
		}
		want := "NAME       STATE  NOTE\nЛукашенко  ok\nx          error  why\n"
		if plain != want {
			t.Errorf("colour %v: table\n%q\nwant\n%q", color, plain, want)
		}
		if color != strings.Contains(b.String(), "\x1b[") {
			t.Errorf("colour %v: escapes present = %v", color, !color)
		}
	}
}
