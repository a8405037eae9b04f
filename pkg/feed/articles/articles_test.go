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

	"github.com/newswire/newswire/pkg/event"
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
			b, err := json.Marshal(a)
			if err != nil {
				t.Errorf("encode article: %v", err)
			}
			if _, err := event.Decode[event.Article](b); err != nil {
				t.Errorf("the article breaks the records' contract: %v", err)
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

// TestArticlesOfAHostileFeedKeepTheContract: a feed whose own title, item
// link and language are longer than a record takes, and whose item is dated
// before the year 0 in UTC, still gives valid articles: the outlet's name is
// cut, an over-long link or language counts as none, and the date as the
// time it was fetched.
func TestArticlesOfAHostileFeedKeepTheContract(t *testing.T) {
	doc := `<rss version="2.0"><channel><title>` + strings.Repeat("т", 2000) + `</title><language>` + strings.Repeat("x", 4096) + `</language>` +
		`<item><guid>1</guid><title>t</title><link>https://news.example/` + strings.Repeat("a", feedparse.MaxLinkBytes) + `</link><description>text</description>` +
		`<pubDate>0000-01-01T00:00:00+23:59</pubDate></item></channel></rss>`
	parsed, err := feedparse.Parse([]byte(doc), "")
	if err != nil {
		t.Fatal(err)
	}
	feed := feedlist.Feed{URL: "https://news.example/rss"}
	ids, hashes := Identify(feed, parsed)
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	articles, _, _ := Changed(feed, parsed, ids, hashes, nil, now)
	if len(articles) != 1 {
		t.Fatalf("%d articles, want 1", len(articles))
	}
	a := articles[0]
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := event.Decode[event.Article](b); err != nil {
		t.Errorf("the article breaks the records' contract: %v", err)
	}
	if want := strings.Repeat("т", event.MaxNameBytes/2); a.Source != want {
		t.Errorf("source of %d bytes, want the feed's title cut to %d", len(a.Source), len(want))
	}
	if a.URL != feed.URL {
		t.Errorf("url of %d bytes, want the feed's %s in place of the over-long link", len(a.URL), feed.URL)
	}
	if a.Language != "en" {
		t.Errorf("language of %d bytes, want en, guessed in place of the over-long one", len(a.Language))
	}
	if !a.PublishedAt.Equal(now) {
		t.Errorf("published at %s, want the time it was fetched, %s", a.PublishedAt, now)
	}
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
