package feedlist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Feed
	}{
		{
			name: "YAML",
			in: `feeds:
  - url: https://eng.belta.by/rss
    name: BelTA
    language: EN
    interval: 5m
  - url: " https://www.belta.by/rss "
    name: BelTA
  - url: https://eng.belta.by/rss
    name: repeated
`,
			want: []Feed{
				{URL: "https://eng.belta.by/rss", Name: "BelTA", Language: "en", Interval: 5 * time.Minute},
				{URL: "https://www.belta.by/rss", Name: "BelTA"},
			},
		},
		{
			name: "OPML",
			in: `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="News"><outline text="BelTA" title="BelTA English" type="rss" xmlUrl="https://eng.belta.by/rss" language="en"/></outline>
<outline text="Other" xmlUrl="http://example.com/feed.xml"/></body></opml>`,
			want: []Feed{
				{URL: "https://eng.belta.by/rss", Name: "BelTA English", Language: "en"},
				{URL: "http://example.com/feed.xml", Name: "Other"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Parse = %+v\nwant    %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrorsNameTheEntry(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "lists no feeds"},
		{"no feeds", "feeds: []", "lists no feeds"},
		{"unknown key", "feeds:\n  - url: https://x.example/rss\n    intreval: 5m", "intreval"},
		{"bad interval", "feeds:\n  - url: https://x.example/rss\n    interval: often", `feed 1 (https://x.example/rss): interval "often"`},
		{"negative interval", "feeds:\n  - url: https://x.example/rss\n    interval: -5m", "negative"},
		{"bad scheme", "feeds:\n  - url: https://ok.example/rss\n  - url: file:///etc/passwd", `feed 2 (file:///etc/passwd): url scheme "file"`},
		{"no host", "feeds:\n  - url: https:///rss", "no host"},
		{"bad language", "feeds:\n  - url: https://x.example/rss\n    language: x", "language"},
		{"broken OPML", "<opml><body><outline", "parse OPML"},
		{"too large", strings.Repeat("#", MaxFileBytes+1), "limit"},
		{"url over 8 KiB, cut where named", "feeds:\n  - url: https://x.example/" + strings.Repeat("a", 1<<20), "a…): url of 1048594 bytes is over 8192"},
		{"long interval, cut where named", "feeds:\n  - url: https://x.example/rss\n    interval: " + strings.Repeat("9", 1<<10), `9…" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(path, []byte("feeds:\n  - url: https://x.example/rss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	feeds, err := Load(path)
	if err != nil || len(feeds) != 1 {
		t.Fatalf("Load = %v, %v", feeds, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("a missing file loaded")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("feeds:\n  - url: https://eng.belta.by/rss\n    name: BelTA\n    interval: 5m\n"))
	f.Add([]byte(`<opml><body><outline xmlUrl="https://x.example/rss"/></body></opml>`))
	f.Add([]byte("feeds: [{url: 'http://a'}]"))
	f.Fuzz(func(t *testing.T, in []byte) {
		feeds, err := Parse(in)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, feed := range feeds {
			if err := feed.Check(); err != nil {
				t.Errorf("accepted an invalid feed %+v: %v", feed, err)
			}
			if seen[feed.URL] {
				t.Errorf("kept %s twice", feed.URL)
			}
			seen[feed.URL] = true
		}
	})
}

func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("feeds:\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "  - url: https://feeds%d.example/rss\n    name: Feed %d\n    interval: 10m\n", i, i)
	}
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if _, err := Parse(doc); err != nil {
			b.Fatal(err)
		}
	}
}
