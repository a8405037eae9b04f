package htmltext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlain(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "  Minsk   hosts\n the forum ", "Minsk hosts\n\nthe forum"},
		{"entities", "Tom &amp; Jerry &laquo;said&raquo;&nbsp;hi &#8212; ok", "Tom & Jerry «said» hi — ok"},
		{"paragraphs", "<p>One <b>bold</b> line.</p><p>Two</p>", "One bold line.\n\nTwo"},
		{"line breaks and lists", "a<br>b<ul><li>c</li><li>d</li></ul>", "a\n\nb\n\nc\n\nd"},
		{"scripts and styles dropped", "<p>x</p><script>alert('no')</script><style>p{}</style><p>y</p>", "x\n\ny"},
		{"nested skipped", "<noscript><iframe>bad</iframe>still bad</noscript>good", "good"},
		{"apostrophe in an unquoted value", "<p><img alt=O'Brien src=x>Text after</p><p>More text</p>", "Text after\n\nMore text"},
		{"quote in an attribute name", "<p><span a\"b=1>Text after</span></p>", "Text after"},
		{"quote in an unquoted value after =", "<p><a href=/q?x='y>z'>link</a> after</p>", "z'>link after"},
		{"quoted values holding >", "<p><a title='a > b' data-x = \"c>d\">link</a> text</p>", "link text"},
		{"unclosed tags", "<p>open <i>italic", "open italic"},
		{"no-break and control characters", "a\u00a0\u00a0b\u0007c\uFFFDd", "a bcd"},
		{"space before a no-break space", "<p>a \u00a0b\u2003 c</p>", "a b c"},
		{"Cyrillic", "<p>Лукашенко  провел\nвстречу</p>", "Лукашенко провел встречу"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Plain(tt.in); got != tt.want {
				t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	if got := Line("<h1>Lukashenko\n meets <em>delegation</em></h1><p>today</p>"); got != "Lukashenko meets delegation today" {
		t.Errorf("Line = %q", got)
	}
}

func FuzzPlain(f *testing.F) {
	f.Add("<p>One <b>bold</b> line.</p><p>Two</p>")
	f.Add("<script><p>x</script>&amp;&#xFFFF;&#0;")
	f.Add("a\r\n\r\nb")
	f.Fuzz(func(t *testing.T, in string) {
		out := Plain(in)
		if !utf8.ValidString(out) {
			t.Errorf("invalid UTF-8: %q", out)
		}
		if strings.Contains(out, "\n\n\n") || strings.Contains(out, "  ") || strings.Contains(out, " \n") || strings.Contains(out, "\n ") || out != strings.TrimSpace(out) {
			t.Errorf("paragraphs not folded: %q", out)
		}
		if line := Line(in); strings.ContainsAny(line, "\n\r\t") {
			t.Errorf("Line holds a line break: %q", line)
		}
	})
}

func BenchmarkPlain(b *testing.B) {
	doc := strings.Repeat("<p>MINSK, 12 March (BelTA) &ndash; Belarus President <a href='/x'>Aleksandr Lukashenko</a> met with a delegation.</p>\n", 50)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		Plain(doc)
	}
}
