package fold

import (
	"testing"

	"github.com/newswire/newswire/pkg/event"
)

func TestNormalize(t *testing.T) {
	cases := []struct{ in, want string }{
		{"“We will,” he said — «and soon»!", "we will he said and soon"},
		{"  BelTA’s   report ", "belta s report"},
		{"Всё ещё", "все еще"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestQuoteKeyIgnoresMarksButNotSpeaker(t *testing.T) {
	lavrov, putin := "Sergey Lavrov", "Vladimir Putin"
	a := event.Quote{Text: "“We will do it.”", Speaker: event.Speaker{Name: &lavrov}}
	b := event.Quote{Text: "we will DO it", Speaker: event.Speaker{Name: &lavrov}}
	c := event.Quote{Text: "We will do it.", Speaker: event.Speaker{Name: &putin}}
	if QuoteKey(a) != QuoteKey(b) {
		t.Error("the same quotation with other marks and case got two keys")
	}
	if QuoteKey(a) == QuoteKey(c) {
		t.Error("two speakers' identical words got one key")
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("“We will,” he said.")
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if Normalize(n) != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, Normalize(n))
		}
	})
}
