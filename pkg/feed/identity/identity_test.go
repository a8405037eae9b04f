package identity

import (
	"net/url"
	"strings"
	"testing"
)

func TestCleanURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://eng.belta.by/news/1", "https://eng.belta.by/news/1"},
		{"https://eng.belta.by/News/Politics-1/", "https://eng.belta.by/News/Politics-1/"},
		{"HTTPS://Eng.Belta.BY/news/1", "https://eng.belta.by/news/1"},
		{"https://eng.belta.by:443/news/1", "https://eng.belta.by:443/news/1"},
		{"https://eng.belta.by", "https://eng.belta.by"},
		{"https://Eng.BELTA.by/news/1?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://eng.belta.by/news/1"},
		{"https://x.example/a?id=7&fbclid=abc&gclid=1&yclid=2&ysclid=3&_openstat=4", "https://x.example/a?id=7"},
		{"https://x.example/a?b=2&a=1&UTM_Term=z", "https://x.example/a?a=1&b=2"},
		{"https://x.example/a#comments", "https://x.example/a"},
		{"  https://x.example/a  ", "https://x.example/a"},
		{"https://x.example/путь?q=новости", "https://x.example/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"},
		{"https://x.example/a?id=1;a&utm_source=rss", "https://x.example/a?id=1;a"},
		{"https://x.example/a?b=2;x&a=1&fbclid=abc", "https://x.example/a?b=2;x&a=1"},
		{"https://x.example/a?a=%zz&utm_medium=feed&b=1", "https://x.example/a?a=%zz&b=1"},
		{"/relative/path", "/relative/path"},
		{"not a url at all", "not a url at all"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := CleanURL(tt.in); got != tt.want {
				t.Errorf("CleanURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestArticleID(t *testing.T) {
	const feed = "https://x.example/rss"
	base := ArticleID(feed, Item{GUID: "g1", Link: "https://x.example/a", Title: "t", Content: "c"})
	tests := []struct {
		name string
		a, b Item
		same bool
	}{
		{"GUID decides, whatever else changes", Item{GUID: "g1", Title: "t"}, Item{GUID: " g1 ", Title: "other", Content: "x"}, true},
		{"different GUIDs", Item{GUID: "g1"}, Item{GUID: "g2"}, false},
		{"link when no GUID", Item{Link: "https://x.example/a", Title: "t"}, Item{Link: "https://x.example/a", Title: "edited"}, true},
		{"links differing in a pair with a semicolon", Item{Link: CleanURL("https://x.example/a?id=1;a")}, Item{Link: CleanURL("https://x.example/a?id=2;a")}, false},
		{"title and content when nothing else", Item{Title: "t", Content: "c"}, Item{Title: "t", Content: "c"}, true},
		{"content change without GUID or link is a new item", Item{Title: "t", Content: "c"}, Item{Title: "t", Content: "d"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ArticleID(feed, tt.a) == ArticleID(feed, tt.b); got != tt.same {
				t.Errorf("same id = %v, want %v", got, tt.same)
			}
		})
	}
	if ArticleID("https://other.example/rss", Item{GUID: "g1"}) == base {
		t.Error("one GUID in two feeds gave one id")
	}
	if ContentHash("t", "c") == ContentHash("t", "c2") || ContentHash(" t ", "c\n") != ContentHash("t", "c") {
		t.Error("ContentHash must change with the text and ignore surrounding space")
	}
}

func FuzzCleanURL(f *testing.F) {
	f.Add("https://Eng.BELTA.by/news/1?utm_source=rss&b=2&a=1#x")
	f.Add("http://[::1]:80/?fbclid=1")
	f.Add("https://x.example/?a=%zz")
	f.Add("https://x.example/?id=1;a&utm_source=rss&b=2")
	f.Add("https://eng.belta.by/News/a-b_c~d/")
	f.Fuzz(func(t *testing.T, in string) {
		if trimmed := strings.TrimSpace(in); alreadyClean(trimmed) && cleanParsed(trimmed) != trimmed {
			t.Errorf("the fast path keeps %q, parsing gives %q", trimmed, cleanParsed(trimmed))
		}
		once := CleanURL(in)
		if twice := CleanURL(once); twice != once {
			t.Errorf("not idempotent: %q → %q → %q", in, once, twice)
		}
		u, err := url.Parse(once)
		if err != nil || u.Host == "" {
			return
		}
		for k := range u.Query() {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				t.Errorf("%q kept tracking parameter %s", once, k)
			}
		}
	})
}

func BenchmarkCleanURL(b *testing.B) {
	for b.Loop() {
		CleanURL("https://Eng.BELTA.by/news/1?utm_source=rss&utm_medium=feed&id=7&fbclid=abc#x")
	}
}
