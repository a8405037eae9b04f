// Package doc is the text the extractors read: an article's title and body
// in one language, with conversion between byte offsets (what Go slices
// by) and code-point offsets (what every record carries).
package doc

import "unicode/utf8"

// Document is one article's text.
type Document struct {
	Title    string
	Body     string
	Language string // ISO 639-1: "en", "ru", …
}

// Span is a place in the title or the body, in code points.
type Span struct {
	In    string // event.InBody or event.InTitle
	Start int
	End   int
}

// Runes converts byte offsets in s to code-point offsets. It walks s once
// for many offsets: offsets must be in increasing order.
type Runes struct {
	s      string
	byteAt int
	runeAt int
}

// NewRunes prepares conversions over s.
func NewRunes(s string) *Runes { return &Runes{s: s} }

// At returns the code-point offset of byte offset b. Calls must not go
// backwards; use a new Runes to start over.
func (r *Runes) At(b int) int {
	if b < r.byteAt {
		r.byteAt, r.runeAt = 0, 0
	}
	r.runeAt += utf8.RuneCountInString(r.s[r.byteAt:b])
	r.byteAt = b
	return r.runeAt
}
