package articles

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feedstate"
)

// FuzzFeedToArticles runs feed bytes through the whole path to articles:
// charset, parsing, identity, change detection. Whatever the bytes, the
// articles are valid records, and the same document a second time yields
// nothing new.
func FuzzFeedToArticles(f *testing.F) {
	dir := filepath.Join("..", "feedparse", "testdata")
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".golden.json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte(`<rss><channel><item><guid>1</guid><title>a</title></item><item><guid>1</guid><title>b</title></item></channel></rss>`), "text/xml")
	feed := feedlist.Feed{URL: "https://feeds.example/rss"}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		parsed, err := feedparse.Parse(body, contentType)
		if err != nil {
			return
		}
		ids, hashes := Identify(feed, parsed)
		articles, seen, pending := Changed(feed, parsed, ids, hashes, nil, now)
		if len(seen) != len(articles) || len(pending) > len(articles) {
			t.Fatalf("%d articles, %d remembered, %d pending", len(articles), len(seen), len(pending))
		}
		for _, a := range articles {
			if a.ID == "" || a.Revision != 1 || a.PublishedAt.After(now.Add(time.Hour)) || a.FeedURL != feed.URL {
				t.Errorf("article %+v", a)
			}
			if _, err := json.Marshal(a); err != nil {
				t.Errorf("encode article: %v", err)
			}
			for _, s := range []string{a.Title, a.Body, a.URL, a.Summary, a.Language} {
				if !utf8.ValidString(s) {
					t.Errorf("invalid UTF-8 %q", s)
				}
			}
			if u, err := url.Parse(a.URL); err == nil {
				for k := range u.Query() {
					if strings.HasPrefix(strings.ToLower(k), "utm_") {
						t.Errorf("url %s keeps %s", a.URL, k)
					}
				}
			}
		}
		known := map[string]feedstate.Seen{}
		for id, s := range seen {
			known[id] = s
		}
		if again, _, _ := Changed(feed, parsed, ids, hashes, known, now); len(again) != 0 {
			t.Errorf("the same document again gave %d articles", len(again))
		}
	})
}

func TestDetectLanguage(t *testing.T) {
	tests := []struct{ text, want string }{
		{"The president said", "en"},
		{"Президент заявил", "ru"},
		{"Прэзідэнт сказаў", "be"},
		{"Президент сказав, що її", "uk"},
		{"12345 !!!", "und"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := DetectLanguage(tt.text); got != tt.want {
				t.Errorf("DetectLanguage(%q) = %s, want %s", tt.text, got, tt.want)
			}
		})
	}
}
