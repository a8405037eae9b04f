// Package token splits news text into words and punctuation marks, with
// what the entity finder needs to know about each: its case, its script and
// whether it opens a sentence. Offsets are bytes into the text.
package token

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Flags describe one token.
type Flags uint32

// The flags a token may carry.
const (
	Word       Flags = 1 << iota // letters (and digits, inner hyphens, apostrophes)
	Number                       // digits only, with inner separators
	Punct                        // one punctuation mark or symbol
	Upper                        // a word whose first letter is upper case
	AllUpper                     // a word of two letters or more, all upper case
	Cyrillic                     // a word with Cyrillic letters
	Latin                        // a word with Latin letters
	SentStart                    // the first word of a sentence, a line or a quotation
	LineStart                    // the first token of a line
	Possessive                   // the English possessive ’s or 's
	Initial                      // one upper-case letter followed by a full stop: "A." in "A. Lukashenko"
	Abbrev                       // a word followed by a full stop that does not end the sentence ("Mr.", "Dr.", "U.S.")
	OpenQuote                    // an opening quotation mark or bracket
	CloseQuote                   // a closing quotation mark or bracket
	SentEnd                      // a mark that ends a sentence
)

// Token is one word or mark, in byte offsets.
type Token struct {
	Start, End int
	Flags      Flags
}

// Has reports whether t carries every flag of f.
func (t Token) Has(f Flags) bool { return t.Flags&f == f }

// Text returns the token's text in s, the text it was split from.
func (t Token) Text(s string) string { return s[t.Start:t.End] }

// abbreviations are words that a full stop follows without ending the
// sentence (lower case, without the stop).
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "gen": true, "col": true, "lt": true,
	"sgt": true, "capt": true, "maj": true, "st": true, "jr": true, "sr": true, "vs": true, "inc": true,
	"ltd": true, "co": true, "corp": true, "no": true, "jan": true, "feb": true, "aug": true, "sept": true,
	"sep": true, "oct": true, "nov": true, "dec": true, "gov": true, "sen": true, "rep": true, "rev": true,
	"г": true, "гг": true, "ул": true, "им": true, "т": true, "тыс": true, "млн": true, "млрд": true,
	"руб": true, "см": true, "др": true, "пр": true, "обл": true, "р": true, "с": true, "ст": true,
}

// Split appends the tokens of s to dst and returns it.
func Split(s string, dst []Token) []Token {
	first := len(dst)
	sentStart, lineStart := true, true
	i := 0
	for i < len(s) {
		r, size := decode(s, i)
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			lineStart, sentStart = true, true
			i += size
			continue
		case r == ' ' || r == '\t' || r > utf8.RuneSelf && unicode.IsSpace(r):
			i += size
			continue
		}
		var t Token
		if isWordRune(r) {
			t = word(s, i)
		} else {
			t = Token{Start: i, End: i + size, Flags: Punct}
			if isApostrophe(r) && len(dst) > first && dst[len(dst)-1].End == i && dst[len(dst)-1].Has(Word|Latin) &&
				possessiveAt(s, i+size) {
				t = Token{Start: i, End: i + size + 1, Flags: Word | Latin | Possessive}
			}
		}
		if lineStart {
			t.Flags |= LineStart
		}
		lineStart = false
		text := s[t.Start:t.End]
		if t.Has(Word) {
			if sentStart {
				t.Flags |= SentStart
			}
			sentStart = false
			if t.End < len(s) && s[t.End] == '.' {
				lower := strings.ToLower(text)
				switch {
				case runeCount(text) == 1 && t.Has(Upper):
					t.Flags |= Initial
				case abbreviations[lower] || strings.Contains(text, "."):
					t.Flags |= Abbrev
				}
			}
		} else {
			switch {
			case strings.ContainsRune("“«„\"‘(['", r) && opensQuote(s, t.Start, r):
				t.Flags |= OpenQuote
				sentStart = true
			case strings.ContainsRune("”»\"’)]'", r):
				t.Flags |= CloseQuote
			case r == '.' || r == '!' || r == '?' || r == '…' || r == ';':
				if r != '.' || len(dst) == first || !dst[len(dst)-1].Has(Initial) && !dst[len(dst)-1].Has(Abbrev) {
					t.Flags |= SentEnd
					sentStart = true
				}
			case r == '\u2022' || r == '•':
				sentStart = true
			}
		}
		dst = append(dst, t)
		i = t.End
	}
	return dst
}

// word returns the word starting at i, with its flags: letters, digits
// and marks, with inner hyphens, apostrophes and dotted abbreviations
// (U.S.) kept inside.
func word(s string, i int) Token {
	start := i
	var f letterCount
	d := dots{pos: start}
	for i < len(s) {
		r, size := decode(s, i)
		if isWordRune(r) {
			f.add(r)
			i += size
			continue
		}
		if i+size >= len(s) {
			break
		}
		next, nsize := decode(s, i+size)
		if !isWordRune(next) {
			break
		}
		switch {
		case r == '-' || r == '‑':
		case isApostrophe(r) && f.letters > 0:
			// O’Brien and d’Ivoire stay whole; the possessive ’s is its own token.
			if possessiveAt(s, i+size) {
				return Token{Start: start, End: i, Flags: Word | f.flags()}
			}
		case r == '.' && isUpper(next) && d.upTo(s, i) && !isWordRuneAt(s, i+size+nsize):
			// U.S, D.C: single letters joined by full stops.
			f.add(next)
			i += size + nsize
			if i < len(s) && s[i] == '.' {
				i++
			}
			continue
		case (r == ',' || r == '.') && f.letters == 0:
		default:
			return finish(start, i, f)
		}
		i += size
	}
	return finish(start, i, f)
}

// decode is utf8.DecodeRuneInString at i, quicker for ASCII and the
// two-byte Cyrillic letters.
func decode(s string, i int) (rune, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return rune(b), 1
	}
	if (b == 0xD0 || b == 0xD1) && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(b&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	}
	return utf8.DecodeRuneInString(s[i:])
}

// letterCount gathers a word's flags as its letters go by.
type letterCount struct {
	letters, upper int
	first          bool // the first letter is upper case
	script         Flags
}

func (c *letterCount) add(r rune) {
	if !isLetter(r) {
		return
	}
	c.letters++
	if isUpper(r) {
		c.upper++
		if c.letters == 1 {
			c.first = true
		}
	}
	if isCyrillic(r) {
		c.script |= Cyrillic
	} else if r < 0x250 {
		c.script |= Latin
	}
}

func (c *letterCount) flags() Flags {
	f := c.script
	if c.first {
		f |= Upper
	}
	if c.letters >= 2 && c.upper == c.letters {
		f |= AllUpper
	}
	return f
}

// dots tells whether a word read so far is single letters joined by full
// stops ("U", "U.S"), reading each byte of it once however often it is
// asked: re-splitting the word at each stop made "A.A.A.A…" quadratic.
type dots struct {
	pos int  // s[start:pos] has been read
	n   int  // code points since the last full stop
	bad bool // a part before a full stop was not one code point
}

// upTo reports whether s[start:end] is single code points joined by full
// stops; end must not be before the end of the last call's.
func (d *dots) upTo(s string, end int) bool {
	for d.pos < end && !d.bad {
		r, size := utf8.DecodeRuneInString(s[d.pos:end])
		if r == '.' {
			d.bad = d.n != 1
			d.n = 0
		} else {
			d.n++
		}
		d.pos += size
	}
	return !d.bad && d.n == 1
}

func isWordRuneAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

func finish(start, end int, c letterCount) Token {
	if c.letters == 0 {
		return Token{Start: start, End: end, Flags: Word | Number}
	}
	return Token{Start: start, End: end, Flags: Word | c.flags()}
}

// possessiveAt reports whether s at i holds the s of a possessive ’s: an s
// ending the word.
func possessiveAt(s string, i int) bool {
	if i >= len(s) || s[i] != 's' {
		return false
	}
	if i+1 == len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i+1:])
	return !isWordRune(r)
}

// opensQuote tells an opening mark from a closing one for the marks that
// serve as both: it opens when it follows a space, a line start or another
// opening mark.
func opensQuote(s string, i int, r rune) bool {
	if r != '"' && r != '\'' && r != '‘' {
		return true
	}
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(prev) || strings.ContainsRune("(“«[—–-:", prev)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	}
	return isLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' }
