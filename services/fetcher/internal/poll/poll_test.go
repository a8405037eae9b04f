package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/zap/zaptest"
	"golang.org/x/text/encoding/charmap"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/feedparse"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/stream"
	"github.com/newswire/newswire/services/fetcher/internal/cadence"
)

// site serves whatever the test puts at a path, and counts requests.
type site struct {
	*httptest.Server
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	hits     map[string]int
}

func newSite(tb testing.TB) *site {
	tb.Helper()
	s := &site{handlers: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.handlers[r.URL.Path]
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *site) handle(path string, h http.HandlerFunc) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
	return s.URL + path
}

func (s *site) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// static serves body with the given headers.
func static(contentType string, body []byte, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if etag := w.Header().Get("ETag"); etag != "" && r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}
}

type harness struct {
	poller *Poller
	state  *feedstate.Store
	kafka  *kafkatest.Cluster
	topic  string
	seen   map[[2]int64]bool // partition and offset of the records read so far
}

var testLimits = cadence.Limits{
	Default: 5 * time.Minute, Min: time.Minute, Max: 2 * time.Hour,
	MaxBackoff: time.Hour, MaxAsked: 3 * time.Hour, NoJitter: true,
}

func newHarness(tb testing.TB, o httpfetch.Options) *harness {
	tb.Helper()
	prefix := kafkatest.Name(tb, "test") + ":"
	rdb := redistest.Connect(tb, prefix)
	cluster := kafkatest.Start(tb)
	topic := kafkatest.Name(tb, "articles")
	conn, err := stream.Connect(cluster.Config())
	if err != nil {
		tb.Fatal(err)
	}
	if err := conn.EnsureTopics(tb.Context(), topic); err != nil {
		tb.Fatal(err)
	}
	log := zaptest.NewLogger(tb)
	writer := conn.Writer(log)
	tb.Cleanup(func() { _ = writer.Close() })
	if o.UserAgent == "" {
		o = httpfetch.Options{UserAgent: "NewswireTest/1.0", Timeout: 5 * time.Second, MaxBytes: 1 << 20, MaxRedirects: 3, PerHost: 4}
	}
	o.AllowPrivate = true // httptest listens on loopback
	state := feedstate.New(rdb, prefix)
	p := New(httpfetch.New(o), state, writer, Options{Topic: topic, Limits: testLimits, Pages: articles.PageOptions{Max: 5, Workers: 2}}, log)
	return &harness{poller: p, state: state, kafka: cluster, topic: topic, seen: map[[2]int64]bool{}}
}

// emitted returns the articles written since the last call.
func (h *harness) emitted(tb testing.TB) []event.Article {
	tb.Helper()
	msgs := kafkatest.ReadAll(tb, h.kafka.Brokers(), h.topic, len(h.seen), 10*time.Second)
	var out []event.Article
	for _, m := range msgs {
		at := [2]int64{int64(m.Partition), m.Offset}
		if h.seen[at] {
			continue
		}
		h.seen[at] = true
		var a event.Article
		if err := json.Unmarshal(m.Value, &a); err != nil {
			tb.Fatalf("decode article: %v", err)
		}
		out = append(out, a)
	}
	return out
}

func rss(items ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Test feed</title>` +
		strings.Join(items, "") + `</channel></rss>`)
}

func item(guid, link, title, description string) string {
	g := ""
	if guid != "" {
		g = "<guid>" + guid + "</guid>"
	}
	return fmt.Sprintf(`<item>%s<link>%s</link><title>%s</title><description>%s</description><content:encoded><![CDATA[<p>Full: %s</p>]]></content:encoded><pubDate>Mon, 02 Mar 2026 10:00:00 +0000</pubDate></item>`,
		g, link, title, description, description)
}

func byTitle(articles []event.Article) map[string]event.Article {
	out := map[string]event.Article{}
	for _, a := range articles {
		out[a.Title] = a
	}
	return out
}

func TestPollIdentityAndRevisions(t *testing.T) {
	h := newHarness(t, httpfetch.Options{})
	s := newSite(t)
	first := rss(
		item("a-1", "https://news.example/a?id=1&utm_source=rss&utm_medium=feed", "Alpha", "alpha one"),
		item("a-1", "https://news.example/a-dup", "Alpha repeated", "alpha repeated with other text"),
		item("", "https://news.example/b?fbclid=xyz&yclid=1", "Bravo", "bravo one"),
		item("c-1", "https://news.example/c", "Charlie", "charlie one"),
	)
	feed := feedlist.Feed{URL: s.handle("/rss", static("application/rss+xml", first)), Name: "Example"}

	res := h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.Status != StatusOK || res.NewItems != 3 || res.Updated != 0 {
		t.Fatalf("first poll: %+v", res)
	}
	got := byTitle(h.emitted(t))
	if len(got) != 3 {
		t.Fatalf("first poll emitted %d articles, want 3 (the repeated GUID once): %v", len(got), got)
	}
	if _, ok := got["Alpha repeated"]; ok {
		t.Error("the second item with a repeated GUID was emitted")
	}
	if u := got["Alpha"].URL; u != "https://news.example/a?id=1" {
		t.Errorf("url with utm_* = %s, want them removed", u)
	}
	if u := got["Bravo"].URL; u != "https://news.example/b" {
		t.Errorf("url with fbclid/yclid = %s, want them removed", u)
	}
	for _, a := range got {
		if a.Revision != 1 || a.Source != "Example" || a.FeedURL != feed.URL || a.Body != "Full: "+strings.Fields(strings.ToLower(a.Title))[0]+" one" {
			t.Errorf("article %+v", a)
		}
	}

	// The same body again (no validators: the server ignores them): nothing.
	res = h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.Status != StatusUnchanged {
		t.Fatalf("second poll: %+v", res)
	}
	if again := h.emitted(t); len(again) != 0 {
		t.Errorf("an unchanged feed emitted %d articles", len(again))
	}

	// Alpha changes, Bravo's link gains another tracking parameter, Delta
	// is new, Charlie is unchanged but moved.
	second := rss(
		item("d-1", "https://news.example/d", "Delta", "delta one"),
		item("a-1", "https://news.example/a?id=1", "Alpha", "alpha two"),
		item("", "https://news.example/b?gclid=abc", "Bravo", "bravo one"),
		item("c-1", "https://news.example/c", "Charlie", "charlie one"),
		item("a-1", "https://news.example/a-dup", "Alpha repeated", "alpha repeated, edited"),
	)
	s.handle("/rss", static("application/rss+xml", second))
	res = h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.NewItems != 1 || res.Updated != 1 {
		t.Fatalf("third poll: %+v", res)
	}
	changed := byTitle(h.emitted(t))
	if len(changed) != 2 || changed["Alpha"].Revision != 2 || changed["Alpha"].ID != got["Alpha"].ID || changed["Delta"].Revision != 1 {
		t.Errorf("third poll emitted %+v, want Alpha revision 2 under the same id and Delta revision 1", changed)
	}
}

func TestPollConditionalGet(t *testing.T) {
	h := newHarness(t, httpfetch.Options{})
	s := newSite(t)
	body := rss(item("x", "https://news.example/x", "X", "x"))
	feed := feedlist.Feed{URL: s.handle("/rss", static("application/rss+xml", body, "ETag", `"e1"`))}
	if res := h.poller.Poll(t.Context(), feed); res.Status != StatusOK || res.NewItems != 1 {
		t.Fatalf("first poll: %+v", res)
	}
	if res := h.poller.Poll(t.Context(), feed); res.Status != StatusNotModified || res.Code != http.StatusNotModified {
		t.Fatalf("second poll: %+v, want not_modified", res)
	}
	// A server that ignores If-None-Match but sends the same ETag: the body
	// is not even parsed (it is broken here, and the poll still succeeds).
	s.handle("/rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"e1"`)
		_, _ = w.Write([]byte("<rss><channel><item>broken"))
	})
	if res := h.poller.Poll(t.Context(), feed); res.Status != StatusUnchanged || res.Err != nil {
		t.Fatalf("same ETag: %+v, want unchanged", res)
	}
	if n := len(h.emitted(t)); n != 1 {
		t.Errorf("%d articles in all, want 1", n)
	}
}

func TestPollCharsets(t *testing.T) {
	const title = "Лукашенко встретился с делегацией Китая"
	win1251, err := charmap.Windows1251.NewEncoder().String(title)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(prolog, text string) []byte {
		return []byte(prolog + `<rss version="2.0"><channel><title>БЕЛТА</title><item><guid>1</guid><title>` + text +
			`</title><link>https://www.belta.by/1</link><description>` + text + `</description></item></channel></rss>`)
	}
	tests := []struct {
		name        string
		contentType string
		body        []byte
	}{
		{"windows-1251 with prolog", "application/rss+xml", doc(`<?xml version="1.0" encoding="windows-1251"?>`, win1251)},
		{"windows-1251 without prolog", "text/xml", doc("", win1251)},
		{"UTF-8 under a false windows-1251 prolog", "text/xml", doc(`<?xml version="1.0" encoding="windows-1251"?>`, title)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, httpfetch.Options{})
			s := newSite(t)
			feed := feedlist.Feed{URL: s.handle("/rss", static(tt.contentType, tt.body))}
			if res := h.poller.Poll(t.Context(), feed); res.Err != nil {
				t.Fatalf("poll: %v", res.Err)
			}
			got := h.emitted(t)
			if len(got) != 1 || got[0].Title != title || got[0].Language != "ru" {
				t.Fatalf("emitted %+v, want one article titled %q in ru", got, title)
			}
		})
	}
}

func TestPollFetchesArticlePages(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "pkg", "feed", "fulltext", "testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, httpfetch.Options{})
	s := newSite(t)
	good := s.handle("/news/1", static("text/html; charset=utf-8", page))
	broken := s.handle("/news/2", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) })
	summaryOnly := func(guid, link, title string) string {
		return fmt.Sprintf(`<item><guid>%s</guid><link>%s</link><title>%s</title><description>Short summary of %s.</description></item>`, guid, link, title, title)
	}
	feed := feedlist.Feed{URL: s.handle("/rss", static("application/rss+xml", rss(
		summaryOnly("1", good, "Good page"),
		summaryOnly("2", broken, "Broken page"),
	)))}
	res := h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.Pages != (articles.Pages{Extracted: 1, Failed: 1}) {
		t.Fatalf("poll: %+v", res)
	}
	got := byTitle(h.emitted(t))
	if len(got) != 2 {
		t.Fatalf("emitted %d articles, want 2: a failed page loses nothing", len(got))
	}
	if a := got["Good page"]; !strings.Contains(a.Body, "There are no closed topics between us") || strings.Contains(a.Body, "Most read") || a.Summary != "Short summary of Good page." {
		t.Errorf("article with a page: body %q, summary %q", a.Body, a.Summary)
	}
	if a := got["Broken page"]; a.Body != "Short summary of Broken page." {
		t.Errorf("article whose page failed: body %q, want the summary", a.Body)
	}

	// A feed with content:encoded needs no page.
	fullFeed := feedlist.Feed{URL: s.handle("/full", static("application/rss+xml", rss(item("f", s.URL+"/news/3", "Full", "full text"))))}
	if res := h.poller.Poll(t.Context(), fullFeed); res.Err != nil || res.Pages != (articles.Pages{}) {
		t.Fatalf("full-text feed: %+v", res)
	}
	if n := s.hitsOf("/news/3"); n != 0 {
		t.Errorf("the page of a full-text item was fetched %d times", n)
	}
}

func TestPollSchedule(t *testing.T) {
	tests := []struct {
		name     string
		interval time.Duration      // the feed's own
		handlers []http.HandlerFunc // one per poll
		failures []int
		next     []time.Duration
	}{
		{
			name: "RSS ttl is honoured",
			handlers: []http.HandlerFunc{static("application/rss+xml", []byte(
				`<rss version="2.0"><channel><title>t</title><ttl>60</ttl><item><guid>1</guid><title>a</title></item></channel></rss>`))},
			failures: []int{0},
			next:     []time.Duration{time.Hour},
		},
		{
			name:     "Cache-Control max-age is honoured, also on 304",
			handlers: []http.HandlerFunc{static("application/rss+xml", rss(item("1", "https://x.example/1", "a", "a")), "ETag", `"1"`, "Cache-Control", "max-age=1200")},
			failures: []int{0, 0},
			next:     []time.Duration{20 * time.Minute, 20 * time.Minute},
		},
		{
			name:     "a busy feed is polled more often than configured",
			interval: 20 * time.Minute,
			handlers: []http.HandlerFunc{static("application/rss+xml", every(10*time.Minute, 6))},
			failures: []int{0},
			next:     []time.Duration{5 * time.Minute}, // half the 10-minute gap
		},
		{
			name:     "a quiet feed is polled less often than configured",
			interval: 2 * time.Minute,
			handlers: []http.HandlerFunc{static("application/rss+xml", every(8*time.Hour, 6))},
			failures: []int{0},
			next:     []time.Duration{16 * time.Minute}, // 8x at most
		},
		{
			name: "errors back off and recover on the first success",
			handlers: []http.HandlerFunc{
				func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) },
				func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) },
				func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", "7200")
					http.Error(w, "slow down", http.StatusTooManyRequests)
				},
				static("application/rss+xml", rss(item("1", "https://x.example/1", "a", "a"))),
			},
			failures: []int{1, 2, 3, 0},
			next:     []time.Duration{5 * time.Minute, 10 * time.Minute, 2 * time.Hour, 5 * time.Minute},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, httpfetch.Options{})
			s := newSite(t)
			var url string
			for i := range tt.failures {
				url = s.handle("/rss", tt.handlers[min(i, len(tt.handlers)-1)])
				res := h.poller.Poll(t.Context(), feedlist.Feed{URL: url, Interval: tt.interval})
				if res.Failures != tt.failures[i] || res.Next != tt.next[i] {
					t.Errorf("poll %d: failures %d, next %s (%v); want %d, %s", i+1, res.Failures, res.Next, res.Err, tt.failures[i], tt.next[i])
				}
			}
			st, err := h.state.Load(t.Context(), url)
			if err != nil {
				t.Fatal(err)
			}
			if st.Failures != tt.failures[len(tt.failures)-1] || st.NextPoll.IsZero() {
				t.Errorf("saved state %+v", st)
			}
		})
	}
}

// every returns a feed of n items published gap apart, the newest now.
func every(gap time.Duration, n int) []byte {
	var items []string
	now := time.Now()
	for i := range n {
		items = append(items, fmt.Sprintf(`<item><guid>%d</guid><title>item %d</title><pubDate>%s</pubDate></item>`,
			i, i, now.Add(-time.Duration(i)*gap).Format(time.RFC1123Z)))
	}
	return rss(items...)
}

// A broken feed fails its own poll with an error naming what was wrong;
// the same poller goes on polling a healthy feed.
func TestPollBrokenFeedsCostOnlyThemselves(t *testing.T) {
	o := httpfetch.Options{UserAgent: "NewswireTest/1.0", Timeout: 500 * time.Millisecond, MaxBytes: 256 << 10, MaxRedirects: 3, PerHost: 4}
	h := newHarness(t, o)
	s := newSite(t)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	healthy := feedlist.Feed{URL: s.handle("/healthy", static("application/rss+xml", rss(item("h", "https://x.example/h", "healthy", "ok"))))}
	tests := []struct {
		name    string
		url     string
		code    int
		wantErr error
		wantMsg string
	}{
		{"malformed XML", s.handle("/malformed", static("application/rss+xml", []byte(`<rss><channel><item><title>a</titl`))), 200, nil, "parse feed"},
		{"not a feed", s.handle("/html", static("text/html", []byte(`<html><body>hello</body></html>`))), 200, feedparse.ErrNotFeed, ""},
		{"500", s.handle("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "x", http.StatusInternalServerError) }), 500, nil, "HTTP status 500"},
		{"1 GiB body", s.handle("/huge", func(w http.ResponseWriter, r *http.Request) {
			chunk := make([]byte, 64<<10)
			for i := 0; i < 1<<14 && r.Context().Err() == nil; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}), 200, httpfetch.ErrTooLarge, ""},
		{"slow server", s.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = w.Write([]byte("<rss>"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}), 200, nil, "body"},
		{"TLS error", tlsSrv.URL + "/rss", 0, nil, "certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.poller.Poll(t.Context(), feedlist.Feed{URL: tt.url})
			if res.Err == nil || res.Status != StatusError || res.Code != tt.code || res.Failures != 1 {
				t.Fatalf("poll: %+v", res)
			}
			if tt.wantErr != nil && !errors.Is(res.Err, tt.wantErr) {
				t.Errorf("err = %v, want %v", res.Err, tt.wantErr)
			}
			if !strings.Contains(res.Err.Error(), tt.wantMsg) {
				t.Errorf("err = %v, want it to mention %q", res.Err, tt.wantMsg)
			}
			st, err := h.state.Load(t.Context(), tt.url)
			if err != nil || st.LastError != res.Err.Error() || st.LastStatus != StatusError {
				t.Errorf("saved state %+v (%v)", st, err)
			}
			if ok := h.poller.Poll(t.Context(), healthy); ok.Err != nil {
				t.Errorf("healthy feed after %s: %v", tt.name, ok.Err)
			}
		})
	}
}

// A record over Kafka's message size would fail the write of the whole
// feed, every poll. An item whose body and summary make it too big is
// emitted with its text cut; one too big even without text is left out
// and remembered; the others are written and remembered either way.
func TestPollOversizedItems(t *testing.T) {
	h := newHarness(t, httpfetch.Options{UserAgent: "NewswireTest/1.0", Timeout: 5 * time.Second, MaxBytes: 8 << 20, MaxRedirects: 3, PerHost: 4})
	s := newSite(t)
	text := func(word string, n int) string { return strings.Repeat(word+" ", n/len(word)) }
	doc := func(extra string) []byte {
		return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Test feed</title>` +
			item("a", "https://news.example/a", "Alpha", "alpha one") +
			// Body and summary of 512 KiB each: over 1 MiB together.
			`<item><guid>huge</guid><link>https://news.example/huge</link><title>Huge</title><description>` + text("сводка", feedparse.MaxBodyBytes) +
			`</description><content:encoded>` + text("статья", feedparse.MaxBodyBytes) + `</content:encoded></item>` +
			// Too big with no text at all.
			`<item><guid>author</guid><link>https://news.example/author</link><title>Author</title><dc:creator>` + text("name", maxRecordBytes) +
			`</dc:creator><content:encoded>text</content:encoded></item>` +
			item("b", "https://news.example/b", "Bravo", "bravo one") + extra +
			`</channel></rss>`)
	}
	feed := feedlist.Feed{URL: s.handle("/rss", static("application/rss+xml", doc("")))}
	res := h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.Status != StatusOK || res.NewItems != 3 {
		t.Fatalf("poll: %+v", res)
	}
	got := byTitle(h.emitted(t))
	if len(got) != 3 || got["Alpha"].Body != "Full: alpha one" || got["Bravo"].Body != "Full: bravo one" {
		t.Fatalf("emitted %v, want Alpha, Bravo and Huge", got)
	}
	huge := got["Huge"]
	if n := len(huge.Body) + len(huge.Summary); n > maxRecordBytes || !strings.HasPrefix(huge.Body, "статья") ||
		!strings.HasPrefix(huge.Summary, "сводка") || !utf8.ValidString(huge.Body) || !utf8.ValidString(huge.Summary) {
		t.Errorf("huge item: body of %d bytes, summary of %d; want both cut to fit, on rune boundaries", len(huge.Body), len(huge.Summary))
	}

	// A new item changes the feed: all the others were remembered, the one
	// left out too.
	s.handle("/rss", static("application/rss+xml", doc(item("c", "https://news.example/c", "Charlie", "charlie one"))))
	res = h.poller.Poll(t.Context(), feed)
	if res.Err != nil || res.NewItems != 1 {
		t.Fatalf("second poll: %+v", res)
	}
	if again := byTitle(h.emitted(t)); len(again) != 1 || again["Charlie"].ID == "" {
		t.Errorf("second poll emitted %v, want only Charlie", again)
	}
}

// Article pages that never answer take only their share of the poll's
// time: their articles keep the feed's summary and are written, though the
// poll's deadline passes meanwhile.
func TestPollHangingPagesLeaveTheWriteItsTime(t *testing.T) {
	h := newHarness(t, httpfetch.Options{})
	s := newSite(t)
	ctx, cancel := context.WithTimeout(t.Context(), 6*time.Second)
	defer cancel()
	var givenUpEarly atomic.Int32 // pages given up while the poll still had time
	hanging := func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
		if ctx.Err() == nil {
			givenUpEarly.Add(1)
		}
	}
	summaryOnly := func(guid, link string) string {
		return fmt.Sprintf(`<item><guid>%s</guid><link>%s</link><title>%s</title><description>Summary of %s.</description></item>`, guid, link, guid, guid)
	}
	feed := feedlist.Feed{URL: s.handle("/rss", static("application/rss+xml", rss(
		summaryOnly("one", s.handle("/news/1", hanging)),
		summaryOnly("two", s.handle("/news/2", hanging)),
		item("full", "https://news.example/full", "full", "full text"),
	)))}
	res := h.poller.Poll(ctx, feed)
	if res.Err != nil || res.Status != StatusOK || res.NewItems != 3 || res.Pages != (articles.Pages{Failed: 2}) {
		t.Fatalf("poll: %+v", res)
	}
	s.Close() // waits for the page handlers
	if n := givenUpEarly.Load(); n != 2 {
		t.Errorf("%d of the 2 hanging pages given up before the poll's deadline, want both: the write needs the rest", n)
	}
	got := byTitle(h.emitted(t))
	if len(got) != 3 || got["one"].Body != "Summary of one." || got["two"].Body != "Summary of two." || got["full"].Body != "Full: full text" {
		t.Errorf("emitted %+v, want the three, the hanging pages' with their summaries", got)
	}
	known, err := h.state.LookupItems(t.Context(), feed.URL, []string{got["one"].ID, got["two"].ID, got["full"].ID})
	if err != nil || len(known) != 3 {
		t.Errorf("remembered %v (%v), want the three", known, err)
	}
}
