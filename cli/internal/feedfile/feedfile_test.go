package feedfile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/pkg/feed/feedlist"
)

func TestMerge(t *testing.T) {
	add := []feedlist.Feed{{URL: "https://a.example/rss", Name: "A"}, {URL: "https://b.example/rss", Language: "ru"}}
	tests := []struct {
		name, list string
		want       string
		added      int
	}{
		{"empty file", "", "feeds:\n  - url: https://a.example/rss\n    name: A\n  - url: https://b.example/rss\n    language: ru\n", 2},
		{"null feeds", "feeds:\n", "feeds:\n  - url: https://a.example/rss\n    name: A\n  - url: https://b.example/rss\n    language: ru\n", 2},
		{"flow list", "feeds: [{url: 'https://a.example/rss'}]\n", "feeds:\n  - {url: 'https://a.example/rss'}\n  - url: https://b.example/rss\n    language: ru\n", 1},
		{"same feed in another case, with tracking", "feeds:\n  - url: HTTPS://A.example/rss?utm_source=x#top\n", "feeds:\n  - url: HTTPS://A.example/rss?utm_source=x#top\n  - url: https://b.example/rss\n    language: ru\n", 1},
		{"no feeds key", "# nothing yet\n", "# nothing yet\nfeeds:\n  - url: https://a.example/rss\n    name: A\n  - url: https://b.example/rss\n    language: ru\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, added, skipped, err := Merge([]byte(tt.list), add)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want || len(added) != tt.added || len(added)+len(skipped) != len(add) {
				t.Errorf("Merge = %q (added %d, skipped %d)\nwant   %q", out, len(added), len(skipped), tt.want)
			}
		})
	}
	for _, bad := range []string{"feeds: {url: x}\n", "- just a list\n", "feeds: [\n", "feeds:\n  - url: ftp://x\n"} {
		if _, _, _, err := Merge([]byte(bad), add); err == nil {
			t.Errorf("Merge(%q) succeeded", bad)
		}
	}
}

func TestValuesThatLookLikeOtherTypesStayStrings(t *testing.T) {
	out, _, _, err := Merge(nil, []feedlist.Feed{{URL: "https://x.example/rss", Name: "yes"}, {URL: "https://y.example/rss", Name: "123: # not a comment"}})
	if err != nil {
		t.Fatal(err)
	}
	feeds, err := feedlist.Parse(out)
	if err != nil || feeds[0].Name != "yes" || feeds[1].Name != "123: # not a comment" {
		t.Errorf("names read back as %+v (%v) from\n%s", feeds, err, out)
	}
}

func TestFromOPML(t *testing.T) {
	if _, err := FromOPML([]byte("feeds: []")); !errors.Is(err, ErrNotOPML) {
		t.Errorf("YAML: err = %v, want ErrNotOPML", err)
	}
	feeds, err := FromOPML([]byte(`<opml><body><outline text="x"><outline title="T" xmlUrl=" https://t.example/rss " language="RU"/></outline></body></opml>`))
	if err != nil || len(feeds) != 1 || feeds[0] != (feedlist.Feed{URL: "https://t.example/rss", Name: "T", Language: "ru"}) {
		t.Errorf("FromOPML = %+v, %v", feeds, err)
	}
}

// FuzzImport: whatever the OPML, the feeds it yields make a YAML list the
// fetcher reads back as the same feeds, and importing them again adds none.
func FuzzImport(f *testing.F) {
	f.Add(`<opml version="2.0"><body><outline text="a" xmlUrl="https://a.example/rss" language="en"/><outline text="f"><outline title="B: b" xmlUrl="https://b.example/rss?x=1"/></outline></body></opml>`)
	f.Add(`<opml><body><outline xmlUrl="https://a.example/rss"/><outline xmlUrl="https://A.example/rss#x"/></body></opml>`)
	f.Add(`<opml><body><outline text="&quot;yes&quot;" xmlUrl="https://a.example/r ss"/></body></opml>`)
	f.Fuzz(func(t *testing.T, doc string) {
		feeds, err := FromOPML([]byte(doc))
		if err != nil {
			return
		}
		out, added, _, err := Merge(nil, feeds)
		if err != nil {
			t.Fatalf("Merge of the feeds of %q: %v", doc, err)
		}
		back, err := feedlist.Parse(out)
		if err != nil {
			t.Fatalf("the list does not load: %v\n%s", err, out)
		}
		if !slices.Equal(back, added) {
			t.Errorf("read back %+v\nadded     %+v", back, added)
		}
		again, more, _, err := Merge(out, feeds)
		if err != nil || len(more) != 0 || string(again) != string(out) {
			t.Errorf("a second import added %d (%v):\n%s", len(more), err, again)
		}
	})
}

func BenchmarkMerge(b *testing.B) {
	var list strings.Builder
	list.WriteString("feeds:\n")
	for i := range 1000 {
		fmt.Fprintf(&list, "  - url: https://site%d.example/rss\n    name: Site %d\n", i, i)
	}
	add := make([]feedlist.Feed, 100)
	for i := range add {
		add[i] = feedlist.Feed{URL: fmt.Sprintf("https://site%d.example/rss", i*20), Name: "New"}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, err := Merge([]byte(list.String()), add); err != nil {
			b.Fatal(err)
		}
	}
}
