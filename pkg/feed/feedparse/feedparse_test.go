package feedparse

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// fixtures are the feeds of testdata/ with the Content-Type they are served with.
var fixtures = []struct{ file, contentType string }{
	{"belta-en.rss", "application/rss+xml; charset=utf-8"},
	{"belta-ru-cp1251-noprolog.rss", "text/xml"},
	{"example.atom", "application/atom+xml"},
	{"example.json", "application/feed+json"},
}

func TestParseGolden(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			feed, err := Parse(readFile(t, fx.file), fx.contentType)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(feed, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", fx.file+".golden.json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := readFile(t, fx.file+".golden.json")
			if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
				t.Errorf("Parse(%s) differs from %s (run go test -update to accept):\n%s", fx.file, golden, got)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	en, err := Parse(readFile(t, "belta-en.rss"), "")
	if err != nil {
		t.Fatal(err)
	}
	first := en.Items[0]
	if en.TTL != 15*time.Minute || en.Language != "en" || len(en.Items) != 20 {
		t.Errorf("feed: ttl %s, language %q, %d items", en.TTL, en.Language, len(en.Items))
	}
	if !first.FullText || !strings.HasPrefix(first.Body, "In a new episode") || strings.Contains(first.Body, "track(") || strings.Contains(first.Body, "<p>") {
		t.Errorf("content:encoded body: full %v, %q", first.FullText, first.Body[:80])
	}
	if first.Link != "https://eng.belta.by/politics/view/1000" {
		t.Errorf("link %q, want tracking parameters removed", first.Link)
	}

	ru, err := Parse(readFile(t, "belta-ru-cp1251-noprolog.rss"), "text/xml")
	if err != nil {
		t.Fatal(err)
	}
	if ru.Encoding != "windows-1251" || ru.Title != "БЕЛТА – Новости Беларуси" {
		t.Errorf("cp1251 feed: encoding %s, title %q", ru.Encoding, ru.Title)
	}
	if !ru.Items[0].FullText || ru.Items[1].FullText {
		t.Errorf("yandex:full-text: item 0 full %v, item 1 full %v; want true, false", ru.Items[0].FullText, ru.Items[1].FullText)
	}
	if ru.Items[1].Body == "" || ru.Items[1].Summary != "" {
		t.Errorf("summary-only item: body %q, summary %q; want the summary as body", ru.Items[1].Body, ru.Items[1].Summary)
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name string
		body string
		want error
	}{
		{"empty", "", ErrNotFeed},
		{"blank", "  \n ", ErrNotFeed},
		{"HTML page", "<!DOCTYPE html><html><body>hi</body></html>", ErrNotFeed},
		{"truncated XML", `<rss version="2.0"><channel><item><title>a</ti`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.body), "")
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseBoundsHostileFeeds(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>many</title>`)
	for i := range MaxItems + 50 {
		fmt.Fprintf(&b, "<item><guid>%d</guid><title>%s</title><description>%s</description></item>", i, strings.Repeat("т", 2000), "x")
	}
	b.WriteString(`<item><guid>big</guid><description>` + strings.Repeat("a ", MaxBodyBytes) + `</description></item></channel></rss>`)
	feed, err := Parse([]byte(b.String()), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(feed.Items) != MaxItems || feed.Dropped != 51 {
		t.Errorf("%d items, %d dropped; want %d and 51", len(feed.Items), feed.Dropped, MaxItems)
	}
	if title := feed.Items[0].Title; utf8.RuneCountInString(title) != MaxTitleRunes || !strings.HasSuffix(title, "…") {
		t.Errorf("title of %d runes, want %d ending in an ellipsis", utf8.RuneCountInString(title), MaxTitleRunes)
	}
}

// The body and the summary are each cut to MaxBodyBytes on a UTF-8
// boundary, whichever of the two the feed makes huge.
func TestParseBoundsTexts(t *testing.T) {
	huge := strings.Repeat("т", MaxBodyBytes) // 2 bytes a rune: 1 MiB
	tests := []struct {
		name        string
		description string
		content     string
		wantSummary bool
	}{
		{"huge description only", huge, "", false},
		{"huge description, short content", huge, "short", true},
		{"short description, huge content", "short", huge, true},
		{"both huge and different", huge, "x" + huge, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content := ""
			if tt.content != "" {
				content = "<content:encoded>" + tt.content + "</content:encoded>"
			}
			doc := `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title>` +
				`<item><guid>1</guid><title>big</title><description>` + tt.description + `</description>` + content + `</item></channel></rss>`
			feed, err := Parse([]byte(doc), "")
			if err != nil {
				t.Fatal(err)
			}
			checkFeed(t, feed)
			it := feed.Items[0]
			if len(it.Summary) > MaxBodyBytes || !utf8.ValidString(it.Summary) {
				t.Errorf("summary of %d bytes (valid UTF-8: %v), want at most %d", len(it.Summary), utf8.ValidString(it.Summary), MaxBodyBytes)
			}
			if (it.Summary != "") != tt.wantSummary {
				t.Errorf("summary of %d bytes, want one: %v", len(it.Summary), tt.wantSummary)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, fx := range fixtures {
		f.Add(readFile(f, fx.file), fx.contentType)
	}
	f.Add([]byte(`<rss><channel><item><guid></guid><title><![CDATA[<b>x</b>]]></title></item></channel></rss>`), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1"}]}`), "application/json")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		feed, err := Parse(body, contentType)
		if err != nil {
			return
		}
		checkFeed(t, feed)
	})
}

func checkFeed(t *testing.T, feed *Feed) {
	t.Helper()
	if len(feed.Items) > MaxItems {
		t.Errorf("%d items", len(feed.Items))
	}
	for _, it := range feed.Items {
		for _, s := range []string{it.GUID, it.Link, it.Title, it.Body, it.Summary} {
			if !utf8.ValidString(s) {
				t.Errorf("invalid UTF-8 in item: %q", s)
			}
		}
		if len(it.Body) > MaxBodyBytes {
			t.Errorf("body of %d bytes", len(it.Body))
		}
		if it.Title == "" && it.Body == "" && it.Link == "" {
			t.Error("an empty item was kept")
		}
	}
}

// BenchmarkParse compares our Parse (charset, gofeed, HTML to text,
// identity of links) with gofeed's Parse alone on the same feeds; the
// windows-1251 feed without prolog is left out, gofeed cannot read it.
func BenchmarkParse(b *testing.B) {
	for _, fx := range fixtures {
		if strings.Contains(fx.file, "cp1251") {
			continue
		}
		body := readFile(b, fx.file)
		b.Run("newswire/"+fx.file, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := Parse(body, fx.contentType); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("gofeed/"+fx.file, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseVsGofeed times both parsers in the same loop on the same
// feed, one after the other, and reports our time as a multiple of
// gofeed's ("x-gofeed"): on a shared machine, load changes both alike.
func BenchmarkParseVsGofeed(b *testing.B) {
	for _, fx := range fixtures {
		if strings.Contains(fx.file, "cp1251") {
			continue // gofeed cannot read it
		}
		body := readFile(b, fx.file)
		b.Run(fx.file, func(b *testing.B) {
			var ours, theirs time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := Parse(body, fx.contentType); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err != nil {
					b.Fatal(err)
				}
				ours += mid.Sub(start)
				theirs += time.Since(mid)
			}
			b.ReportMetric(float64(ours.Microseconds())/float64(b.N), "µs-ours/feed")
			b.ReportMetric(float64(theirs.Microseconds())/float64(b.N), "µs-gofeed/feed")
			b.ReportMetric(float64(ours)/float64(theirs), "x-gofeed")
		})
	}
}
