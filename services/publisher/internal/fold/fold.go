// Package fold decides when two records are the same thing reported twice:
// the same quotation by the same speaker, whatever quotation marks, white
// space, case and punctuation each outlet used.
package fold

import (
	"strings"
	"unicode"

	"github.com/newswire/newswire/pkg/event"
)

// QuoteKey is the key every report of one quotation shares.
func QuoteKey(q event.Quote) string {
	speaker := ""
	if q.Speaker.Name != nil {
		speaker = Normalize(*q.Speaker.Name)
	}
	return "q:" + event.Hash(speaker, Normalize(q.Text))
}

// EntityKey is the key of one entity within one story (or article).
func EntityKey(story, entityID string) string {
	return "e:" + event.Hash(story, entityID)
}

// Normalize lower-cases s, drops punctuation and quotation marks, and folds
// white space, so that only the words remain.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if r == 'ё' || r == 'Ё' {
				r = 'е'
			}
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
			space = true
		}
	}
	return b.String()
}
