package quote

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind of a token.
type kind uint8

const (
	tWord  kind = iota
	tPunct      // one punctuation rune: , . : ; ! ? ( ) – — …
	tMark       // a quotation mark, or a ’ that may close one
	tPara       // a paragraph break: one or more newlines
)

// mark is which quotation mark a tMark token is.
type mark uint8

const (
	mNone        mark = iota
	mDoubleOpen       // “
	mDoubleClose      // ”
	mStraight         // "
	mNYT              // '' (two apostrophes, as the New York Times writes quotes)
	mNYTSingle        // ''' : a nested single quote and a NYT mark together
	mSingleOpen       // ‘, or ' opening a word
	mSingleClose      // ’ or ' after a word: a closing quote or an apostrophe
	mGuilOpen         // «
	mGuilClose        // »
	mLow              // „
)

// token is a word, a punctuation mark, a quotation mark or a paragraph
// break, in byte offsets.
type token struct {
	start, end int32
	kind       kind
	mark       mark
	upper      bool // the first rune is upper case
	lower      bool // the first rune is lower case
	space      bool // white space before it
	quoted     bool // inside a quotation
}

// tokenize splits s into tokens, reusing buf.
func tokenize(s string, buf []token) []token {
	toks := buf[:0]
	space := true
	for i := 0; i < len(s); {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r == '\n' || r == '\r' || r == '\u2029':
			j := i + w
			for j < len(s) && (s[j] == '\n' || s[j] == '\r' || s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if n := len(toks); n == 0 || toks[n-1].kind != tPara {
				toks = append(toks, token{start: int32(i), end: int32(j), kind: tPara, space: true})
			}
			i, space = j, true
			continue
		case r == ' ' || r == '\t' || r >= utf8.RuneSelf && unicode.IsSpace(r):
			i += w
			space = true
			continue
		case isLetterOrDigit(r):
			end := wordEnd(s, i)
			t := token{start: int32(i), end: int32(end), kind: tWord, space: space,
				upper: isUpper(r), lower: isLower(r)}
			toks = append(toks, t)
			i, space = end, false
			continue
		}
		t := token{start: int32(i), end: int32(i + w), kind: tPunct, space: space}
		switch r {
		case '“':
			t.kind, t.mark = tMark, mDoubleOpen
		case '”':
			t.kind, t.mark = tMark, mDoubleClose
		case '"':
			t.kind, t.mark = tMark, mStraight
		case '«':
			t.kind, t.mark = tMark, mGuilOpen
		case '»':
			t.kind, t.mark = tMark, mGuilClose
		case '„':
			t.kind, t.mark = tMark, mLow
		case '‘':
			t.kind, t.mark = tMark, mSingleOpen
		case '’':
			t.kind, t.mark = tMark, mSingleClose
		case '\'':
			n := 1
			for i+n < len(s) && s[i+n] == '\'' {
				n++
			}
			t.kind, t.end = tMark, int32(i+n)
			switch {
			case n == 2:
				t.mark = mNYT
			case n >= 3:
				t.mark = mNYTSingle
			case space || i == 0:
				t.mark = mSingleOpen
			default:
				t.mark = mSingleClose
			}
			w = n
		}
		toks = append(toks, t)
		i += w
		space = false
	}
	return toks
}

// wordEnd is where the word starting at i ends: letters and digits, with
// apostrophes, hyphens and periods inside (don’t, BelTA’s, Holtz-Eakin,
// U.S., 3.5) and the period of a known abbreviation or an initial.
func wordEnd(s string, i int) int {
	start := i
	for i < len(s) {
		r, w := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		if isLetterOrDigit(r) || r >= utf8.RuneSelf && unicode.IsMark(r) {
			i += w
			continue
		}
		if r == '\'' || r == '’' || r == '-' || r == '.' || r == ',' && isDigitBefore(s, i) || r == '\u2011' {
			next, _ := utf8.DecodeRuneInString(s[i+w:])
			if i+w < len(s) && (unicode.IsLetter(next) || unicode.IsDigit(next)) && (r != ',' || unicode.IsDigit(next)) {
				i += w
				continue
			}
		}
		if r == '.' && abbreviation(s[start:i]) {
			return i + 1
		}
		break
	}
	return i
}

func isLetterOrDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if 'А' <= r && r <= 'я' || r == 'ё' || r == 'Ё' {
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isUpper and isLower are unicode.IsUpper and IsLower with fast paths for
// ASCII and Cyrillic.
func isUpper(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'А' <= r && r <= 'Я', r == 'Ё':
		return true
	case r < utf8.RuneSelf, 'а' <= r && r <= 'я':
		return false
	}
	return unicode.IsUpper(r)
}

func isLower(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'а' <= r && r <= 'я', r == 'ё':
		return true
	case r < utf8.RuneSelf, 'А' <= r && r <= 'Я':
		return false
	}
	return unicode.IsLower(r)
}

func isDigitBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsDigit(r)
}

// abbreviation reports whether w followed by a period is an abbreviation
// or an initial rather than the end of a sentence.
func abbreviation(w string) bool {
	if r, n := utf8.DecodeRuneInString(w); n == len(w) && unicode.IsUpper(r) {
		return true // an initial: J.
	}
	if strings.Contains(w, ".") {
		return true // U.S, D.C
	}
	if len(w) > 2 && (w[0] == 'R' || w[0] == 'D' || w[0] == 'I') && w[1] == '-' {
		return true // party and state after a name: R-Ky., D-Ill.
	}
	switch w {
	case "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Adm", "Maj",
		"St", "Jr", "Sr", "Prof", "Rev", "Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
		"Inc", "Corp", "Ltd", "Co", "vs", "Ft", "Mt", "Gov't", "Sens", "Reps", "Govs", "Atty", "Hon", "Msgr", "No",
		// US states as the AP abbreviates them: Cambridge, Mass., said
		"Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan", "Ky", "La",
		"Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla", "Ore", "Pa", "Tenn",
		"Va", "Vt", "Wash", "Wis", "Wyo",
		// and as other papers do: Sen. Ted Cruz (Tex.)
		"Tex", "Penn", "Nebr", "Wisc":
		return true
	}
	return false
}

// isSentenceEnd reports whether a punctuation token ends a sentence.
func isSentenceEnd(s string, t token) bool {
	if t.kind != tPunct {
		return false
	}
	switch s[t.start:t.end] {
	case ".", "!", "?", "…":
		return true
	}
	return false
}

// isDash reports whether a punctuation token is a dash.
func isDash(s string, t token) bool {
	if t.kind != tPunct {
		return false
	}
	switch s[t.start:t.end] {
	case "–", "—", "-", "―", "‒":
		return true
	}
	return false
}
