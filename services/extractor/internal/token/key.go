package token

import (
	"strings"
	"unicode/utf8"
)

// Keys are 64-bit FNV-1a hashes of folded words: what the gazetteer and the
// tagger compare instead of strings, computed without allocating.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// Seed is the key of the empty sequence; Then extends a key by one more.
const Seed uint64 = offset64

// Then returns the key of the sequence seq followed by a word of key k.
func Then(seq, k uint64) uint64 { return (seq ^ k) * prime64 }

// Fold returns the key of word in lower case, with ё as е and the
// typographic apostrophe as a straight one.
func Fold(word string) uint64 { return hashFolded(word, len(word)) }

// Stem returns the key of word folded and, when it is a Russian word, with
// its inflectional ending cut off, so that the forms of one name share a key:
// Беларусь and Беларуси, Лукашенко and Лукашенко, Александр and Александра.
func Stem(word string) uint64 { return hashFolded(word, StemEnd(word)) }

// HashString returns the key of s as it is: for feature names and other
// strings that are not words of the text.
func HashString(s string) uint64 {
	h := uint64(offset64)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime64
	}
	return h
}

// Keys returns both Stem(word) and Fold(word), in one pass.
func Keys(word string) (stem, fold uint64) {
	end := StemEnd(word)
	h := hashRunes(offset64, word[:end])
	if end == len(word) {
		return h, h
	}
	return h, hashRunes(h, word[end:])
}

func hashFolded(word string, end int) uint64 { return hashRunes(offset64, word[:end]) }

func hashRunes(h uint64, s string) uint64 {
	for i := 0; i < len(s); {
		r, size := decode(s, i)
		i += size
		r = foldRune(r)
		if r < utf8.RuneSelf {
			h = (h ^ uint64(r)) * prime64
			continue
		}
		var buf [4]byte
		n := utf8.EncodeRune(buf[:], r)
		for _, b := range buf[:n] {
			h = (h ^ uint64(b)) * prime64
		}
	}
	return h
}

func foldRune(r rune) rune {
	switch r {
	case 'ё', 'Ё':
		return 'е'
	case '’', 'ʼ', '`':
		return '\''
	case '‑', '–':
		return '-'
	}
	return toLower(r)
}

// russianEndings are the inflectional endings Stem cuts, longest first. It
// is a light stemmer for names, not a morphological analyser: it maps most
// case forms of a name to one stem, and the gazetteer indexes the stems of
// every case form of its names (Китай → кита, Китая → кит) for the rest.
// -ов and -ев are not cut: they end surnames (Лавров, Лаврова → лавров).
var russianEndings = [...]string{
	"иями", "ями", "ами", "ией", "иях", "ого", "его", "ому", "ему", "ыми", "ими",
	"ах", "ях", "ия", "ии", "ию", "ие", "ий", "ый", "ой", "ая", "ое", "ые",
	"ым", "им", "ом", "ем", "ам", "ям", "ую", "ых", "их", "ью",
	"а", "я", "о", "е", "у", "ю", "ы", "и", "й", "ь",
}

// StemEnd returns the byte length of word's stem: word itself unless it is
// a Cyrillic word of more than three letters with an inflectional ending.
func StemEnd(word string) int {
	if end, ok := stemEndLower(word); ok {
		return end
	}
	return stemEndSlow(word)
}

// stemEndSlow is StemEnd for any word.
func stemEndSlow(word string) int {
	// The last four letters, lower-cased, are all an ending can span.
	var tail [4]rune
	var at [4]int
	n := 0
	end := len(word)
	for end > 0 && n < 4 {
		r, size := utf8.DecodeLastRuneInString(word[:end])
		if !isCyrillic(r) {
			if n == 0 {
				return len(word)
			}
			break
		}
		end -= size
		tail[3-n] = foldRune(r)
		at[3-n] = end
		n++
	}
	letters := runeCount(word)
	if letters <= 3 {
		return len(word)
	}
	// The instrumental -ей after a hissing consonant: Польшей.
	if n >= 3 && tail[2] == 'е' && tail[3] == 'й' && (tail[1] == 'ш' || tail[1] == 'ж' || tail[1] == 'ч' || tail[1] == 'щ' || tail[1] == 'ц') && letters > 4 {
		return at[2]
	}
	for _, e := range russianEndings {
		k := len(e) / 2 // Cyrillic letters take two bytes
		if k > n || letters-k < 3 {
			continue
		}
		if matchTail(tail[4-k:], e) {
			return at[4-k]
		}
	}
	return len(word)
}

// stemEndLower is StemEnd for the common case, a word ending in four or more
// lower-case basic Cyrillic letters: endings compare as bytes.
func stemEndLower(word string) (int, bool) {
	if len(word) < 8 {
		return 0, false
	}
	for i := len(word) - 8; i < len(word); i += 2 {
		b0, b1 := word[i], word[i+1]
		if !(b0 == 0xD0 && b1 >= 0xB0 && b1 <= 0xBF || b0 == 0xD1 && b1 >= 0x80 && b1 <= 0x8F) {
			return 0, false
		}
	}
	letters := runeCount(word)
	n := len(word)
	// The instrumental -ей after a hissing consonant: Польшей.
	if strings.HasSuffix(word, "ей") && letters > 4 {
		switch word[n-6 : n-4] {
		case "ш", "ж", "ч", "щ", "ц":
			return n - 4, true
		}
	}
	for _, e := range endingsBefore(word[n-2:]) {
		if letters-len(e)/2 >= 3 && strings.HasSuffix(word, e) {
			return n - len(e), true
		}
	}
	return n, true
}

// endingsBefore returns the endings of russianEndings that end with the
// letter last, in the same order.
// The endings by their last letter: tables, never changed.
var (
	endingsI    = []string{"иями", "ями", "ами", "ыми", "ими", "ии", "и"}
	endingsJ    = []string{"ией", "ий", "ый", "ой", "й"}
	endingsH    = []string{"иях", "ах", "ях", "ых", "их"}
	endingsO    = []string{"ого", "его", "о"}
	endingsU    = []string{"ому", "ему", "у"}
	endingsYa   = []string{"ия", "ая", "я"}
	endingsYu   = []string{"ию", "ую", "ью", "ю"}
	endingsE    = []string{"ие", "ое", "ые", "е"}
	endingsM    = []string{"ым", "им", "ом", "ем", "ам", "ям"}
	endingsA    = []string{"а"}
	endingsY    = []string{"ы"}
	endingsSoft = []string{"ь"}
)

func endingsBefore(last string) []string {
	switch last {
	case "и":
		return endingsI
	case "й":
		return endingsJ
	case "х":
		return endingsH
	case "о":
		return endingsO
	case "у":
		return endingsU
	case "я":
		return endingsYa
	case "ю":
		return endingsYu
	case "е":
		return endingsE
	case "м":
		return endingsM
	case "а":
		return endingsA
	case "ы":
		return endingsY
	case "ь":
		return endingsSoft
	}
	return nil
}

func matchTail(tail []rune, ending string) bool {
	i := 0
	for _, r := range ending {
		if tail[i] != r {
			return false
		}
		i++
	}
	return true
}
