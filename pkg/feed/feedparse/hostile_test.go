package feedparse

import (
	"strings"
	"testing"
	"time"
)

// TestParseRefusesEntityExpansion: a feed defining nested entities (the
// "billion laughs") is not expanded: Go's XML decoder never expands DTD
// entities, so the document costs what its bytes cost.
func TestParseRefusesEntityExpansion(t *testing.T) {
	var dtd strings.Builder
	dtd.WriteString(`<!DOCTYPE rss [<!ENTITY lol0 "lol">`)
	for i := 1; i <= 9; i++ {
		dtd.WriteString(`<!ENTITY lol` + string(rune('0'+i)) + ` "` + strings.Repeat("&lol"+string(rune('0'+i-1))+";", 10) + `">`)
	}
	dtd.WriteString(`]>`)
	cases := []struct{ name, doc string }{
		{"billion laughs", `<?xml version="1.0"?>` + dtd.String() +
			`<rss version="2.0"><channel><title>&lol9;</title><item><guid>1</guid><title>&lol9;</title><description>&lol9;</description></item></channel></rss>`},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			`<rss version="2.0"><channel><item><guid>1</guid><title>&xxe;</title></item></channel></rss>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			feed, err := Parse([]byte(c.doc), "application/rss+xml")
			if took := time.Since(start); took > 2*time.Second {
				t.Fatalf("took %s: entities were expanded", took)
			}
			if err != nil {
				return // refused outright: fine
			}
			for _, it := range feed.Items {
				for _, s := range []string{it.Title, it.Body} {
					if strings.Contains(s, "lollol") || strings.Contains(s, "root:") {
						t.Errorf("an entity was expanded: %.80q", s)
					}
					if len(s) > 10_000 {
						t.Errorf("an item text of %d bytes came out of a %d-byte document", len(s), len(c.doc))
					}
				}
			}
		})
	}
}
