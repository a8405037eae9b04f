// Package fold decides when two records are the same thing reported twice:
// the same quotation by the same speaker, whatever quotation marks, white
// space, case and punctuation each outlet used.
package fold

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/pkg/textcut"
)

// QuoteKey is the key every report of one quotation shares: the hash of
// the normalised speaker and text. A text that normalises to nothing ("…",
// "!!!", control or format characters) is refused: every such record would
// share the speaker's one key, and fold into revisions of one quotation.
func QuoteKey(q event.Quote) (string, error) {
	var buf [1024]byte // most quotations normalise within it, off the heap
	b := buf[:0]
	if q.Speaker.Name != nil {
		b = AppendNormalized(b, *q.Speaker.Name)
	}
	b = append(b, 0)
	words := len(b)
	b = AppendNormalized(b, q.Text)
	if len(b) == words {
		return "", fmt.Errorf("%w: text %s has no letters or digits", event.ErrInvalid, strconv.Quote(textcut.Marked(q.Text, 64)))
	}
	var key [2 + 32]byte
	return string(event.AppendHash(append(key[:0], "q:"...), b)), nil
}

// EntityKey is the key of one entity within one story (or article).
func EntityKey(story, entityID string) string {
	return "e:" + event.Hash(story, entityID)
}

// Normalize composes s (Unicode NFC: "é" typed as e and an accent is "é"),
// lower-cases it, drops punctuation and quotation marks, and folds white
// space, so that only the words remain.
func Normalize(s string) string {
	return string(AppendNormalized(nil, s))
}

// What an ASCII character is to Normalize, worked out once from the same
// unicode tables the other characters are looked up in.
const (
	classIgnored = iota // control characters
	classWord
	classBreak
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = class(r)
	}
	return t
}()

func class(r rune) uint8 {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return classWord
	case unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r):
		return classBreak
	}
	return classIgnored
}

// AppendNormalized appends Normalize(s) to dst.
func AppendNormalized(dst []byte, s string) []byte {
	if out, composed := appendWords(dst, s, true); composed {
		return out
	}
	out, _ := appendWords(dst, norm.NFC.String(s), false)
	return out
}

// appendWords appends s's words to dst as Normalize does. When check is
// set it stops at the first character that is not sure to stay itself in
// NFC, and returns false: the caller composes s and starts again.
func appendWords(dst []byte, s string, check bool) ([]byte, bool) {
	start := len(dst)
	space := false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		var c uint8
		if r < utf8.RuneSelf {
			c = asciiClass[r]
		} else {
			if check && !stableInNFC(s[i:]) {
				return dst[:start], false
			}
			r, size = utf8.DecodeRuneInString(s[i:])
			c = class(r)
		}
		i += size
		switch c {
		case classWord:
			if space && len(dst) > start {
				dst = append(dst, ' ')
			}
			space = false
			switch {
			case 'A' <= r && r <= 'Z':
				dst = append(dst, byte(r+'a'-'A'))
			case r < utf8.RuneSelf:
				dst = append(dst, byte(r))
			case r == 'ё' || r == 'Ё':
				dst = utf8.AppendRune(dst, 'е')
			default:
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
		case classBreak:
			space = true
		}
	}
	return dst, true
}

// stableInNFC tells whether the character s starts with stays as it is in
// NFC whatever surrounds it: it neither combines with the one before (a
// combining mark, a Hangul vowel) nor is replaced (the ohm sign by omega).
func stableInNFC(s string) bool {
	p := norm.NFC.PropertiesString(s)
	if !p.BoundaryBefore() {
		return false
	}
	return len(p.Decomposition()) == 0 || norm.NFC.QuickSpanString(s[:p.Size()]) == p.Size()
}
