package fulltext

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestExtract(t *testing.T) {
	tests := []struct {
		file        string
		contentType string
		want        []string // paragraphs of the article
		notWant     []string // navigation, footers, boxes, scripts
	}{
		{
			file:        "article.html",
			contentType: "text/html; charset=utf-8",
			want: []string{
				"MINSK, 12 March (BelTA) – Belarus President Aleksandr Lukashenko met with a delegation",
				`"There are no closed topics between us," Aleksandr Lukashenko stressed`,
			},
			notWant: []string{"Most read", "housing construction", "Weather forecasters", "Economy", "All rights reserved",
				"Share on Facebook", "tracking", "Related news", "Home /"},
		},
		{
			file:        "article-cp1251.html",
			contentType: "text/html", // the charset is only in the page's meta
			want: []string{
				"Президент Беларуси Александр Лукашенко встретился с делегацией",
				"«Закрытых тем между нами нет», — подчеркнул Александр Лукашенко",
			},
			notWant: []string{"Самое читаемое", "жилищного строительства", "Главная", "Все права защищены"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			text, err := Extract(readFile(t, tt.file), tt.contentType, "https://eng.belta.by/president/view/1")
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(text, nw) {
					t.Errorf("text holds %q:\n%s", nw, text)
				}
			}
			if !strings.Contains(text, "\n\n") {
				t.Errorf("paragraphs are not separated by blank lines:\n%s", text)
			}
		})
	}
}

func TestExtractRefusesPagesWithoutArticle(t *testing.T) {
	for _, page := range []string{
		"",
		"<html><body><nav><a href=/>Home</a></nav></body></html>",
		"<html><body><p>Please accept cookies to continue.</p></body></html>",
		"not html at all \x00\x01",
	} {
		if _, err := Extract([]byte(page), "text/html", "https://example.com/a"); !errors.Is(err, ErrNoArticle) {
			t.Errorf("Extract(%q) err = %v, want ErrNoArticle", page, err)
		}
	}
}

// nestedPage is an article of text bytes inside depth nested <div>.
func nestedPage(depth, text int) []byte {
	para := "<p>" + strings.Repeat("word, ", 170) + "</p>"
	return []byte("<html><body>" + strings.Repeat("<div>", depth) + strings.Repeat(para, text/len(para)+1))
}

// TestExtractRefusesDeeplyNestedText: readability walks the text under
// every element, so text under 500 nested <div> cost 500 times a flat
// page's (3.5 s for 512 KiB, over 20 s for 4 MiB). Such a page is refused;
// the same text less deep is read.
func TestExtractRefusesDeeplyNestedText(t *testing.T) {
	if _, err := Extract(nestedPage(500, 512<<10), "text/html", "https://example.com/a"); err == nil || !strings.Contains(err.Error(), "nested too deep") {
		t.Errorf("500 deep, 512 KiB: err = %v, want nested too deep", err)
	}
	for _, depth := range []int{0, 30} {
		if _, err := Extract(nestedPage(depth, 512<<10), "text/html", "https://example.com/a"); err != nil {
			t.Errorf("%d deep, 512 KiB: %v", depth, err)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(readFile(f, "article.html"))
	f.Add(readFile(f, "article-cp1251.html"))
	f.Add([]byte("<div class=most-read><p>x</p></div><article><p>" + strings.Repeat("word ", 100) + "</p></article>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		text, err := Extract(page, "text/html", "https://example.com/a")
		if err != nil {
			return
		}
		if !utf8.ValidString(text) {
			t.Errorf("text is not valid UTF-8: %q", text)
		}
		if utf8.RuneCountInString(text) < MinRunes {
			t.Errorf("accepted %d characters of text", utf8.RuneCountInString(text))
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	page := readFile(b, "article.html")
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := Extract(page, "text/html; charset=utf-8", "https://eng.belta.by/president/view/1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractNested: 512 KiB of text under 500 nested <div>, refused
// before readability walks it.
func BenchmarkExtractNested(b *testing.B) {
	page := nestedPage(500, 512<<10)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := Extract(page, "text/html", "https://example.com/a"); err == nil {
			b.Fatal("accepted")
		}
	}
}
