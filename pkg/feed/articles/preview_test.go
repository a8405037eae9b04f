package articles

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/zap/zaptest"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feed/identity"
)

func testClient() *httpfetch.Client {
	return httpfetch.New(httpfetch.Options{UserAgent: "NewswireTest/1.0", Timeout: 5 * time.Second, MaxBytes: 1 << 20, PerHost: 4, AllowPrivate: true})
}

func TestRead(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "fulltext", "testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("GET /news/1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET /news/2", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	mux.HandleFunc("GET /rss", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != FeedAccept {
			t.Errorf("feed asked for %q", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test feed</title><language>en-gb</language><ttl>15</ttl>
<item><guid>1</guid><link>%[1]s/news/1?utm_source=rss</link><title>Good page</title><description>Short summary.</description><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item>
<item><guid>2</guid><link>%[1]s/news/2</link><title>Broken page</title><description>Another summary.</description></item>
</channel></rss>`, srv.URL)
	})

	feed := feedlist.Feed{URL: srv.URL + "/rss", Name: "Test"}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	p, err := Read(t.Context(), testClient(), feed, PageOptions{Max: 5, Workers: 2}, zaptest.NewLogger(t), now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != 200 || p.Title != "Test feed" || p.Language != "en-gb" || p.TTL != 15*time.Minute || p.Items != 2 || len(p.Articles) != 2 {
		t.Fatalf("preview %+v", p)
	}
	if p.Pages != (Pages{Extracted: 1, Failed: 1}) {
		t.Errorf("pages %+v, want one extracted and one failed", p.Pages)
	}
	good, broken := p.Articles[0], p.Articles[1]
	// The IDs are the fetcher's: from the GUID within the feed.
	for i, a := range p.Articles {
		wantID := identity.ArticleID(feed.URL, identity.Item{GUID: strconv.Itoa(i + 1)})
		if a.Revision != 1 || a.Source != "Test" || a.Language != "en" || a.FeedURL != feed.URL || a.ID != wantID {
			t.Errorf("article %d: %+v", i, a)
		}
	}
	if good.URL != srv.URL+"/news/1" || !strings.Contains(good.Body, "There are no closed topics between us") || good.Summary != "Short summary." {
		t.Errorf("article with a page: url %s, body %q, summary %q", good.URL, good.Body, good.Summary)
	}
	if broken.Body != "Another summary." || !broken.PublishedAt.Equal(now) {
		t.Errorf("article whose page failed: %+v", broken)
	}
}

func TestReadErrors(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("GET /html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>no feed here</body></html>"))
	})
	tests := []struct {
		name string
		url  string
		is   error
	}{
		{"not found", srv.URL + "/missing", nil},
		{"not a feed", srv.URL + "/html", feedparse.ErrNotFeed},
		{"bad scheme", "ftp://example.com/rss", httpfetch.ErrBadScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(t.Context(), testClient(), feedlist.Feed{URL: tt.url}, PageOptions{}, zaptest.NewLogger(t), time.Now())
			if err == nil || !strings.Contains(err.Error(), tt.url) {
				t.Fatalf("err = %v, want one naming %s", err, tt.url)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want %v", err, tt.is)
			}
		})
	}
}

func BenchmarkChanged(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "feedparse", "testdata", "belta-en.rss"))
	if err != nil {
		b.Fatal(err)
	}
	parsed, err := feedparse.Parse(body, "application/rss+xml")
	if err != nil {
		b.Fatal(err)
	}
	feed := feedlist.Feed{URL: "https://eng.belta.by/rss", Name: "BelTA"}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		ids, hashes := Identify(feed, parsed)
		Changed(feed, parsed, ids, hashes, nil, now)
	}
}

// pageServer answers every request with one page.
type pageServer []byte

func (p pageServer) Get(_ context.Context, url string, _ httpfetch.Validators, _ string) (*httpfetch.Response, error) {
	return &httpfetch.Response{Status: http.StatusOK, Body: p, ContentType: "text/html; charset=utf-8", FinalURL: url}, nil
}

// The text of a huge article page is cut like a feed's body, on a UTF-8
// boundary, so its record still fits in Kafka.
func TestFillPagesBoundsPageText(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<html><head><title>Huge</title></head><body><article><h1>Huge</h1>`)
	paragraph := strings.Repeat("Очень длинная статья о важном. ", 20)
	for b.Len() < 3*feedparse.MaxBodyBytes {
		b.WriteString("<p>" + paragraph + "</p>")
	}
	b.WriteString(`</article></body></html>`)
	arts := []event.Article{{URL: "https://news.example/huge", Title: "Huge", Body: "Short summary."}}
	pages := FillPages(t.Context(), pageServer(b.String()), feedlist.Feed{URL: "https://news.example/rss"}, arts, []int{0},
		PageOptions{Max: 1, Workers: 1}, zaptest.NewLogger(t))
	if pages != (Pages{Extracted: 1}) {
		t.Fatalf("pages %+v, want one extracted", pages)
	}
	if body := arts[0].Body; len(body) > feedparse.MaxBodyBytes || len(body) < feedparse.MaxBodyBytes/2 || !utf8.ValidString(body) {
		t.Errorf("page text of %d bytes (valid UTF-8: %v), want it cut to at most %d", len(body), utf8.ValidString(body), feedparse.MaxBodyBytes)
	}
	if arts[0].Summary != "Short summary." {
		t.Errorf("summary %q, want the feed's", arts[0].Summary)
	}
}
