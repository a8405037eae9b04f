package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/services/extractor/internal/token"
)

// paradigms give the case endings of a Russian name word by the ending of
// its nominative form, longest ending first. They are what the light
// stemmer cannot undo on its own (Китай, Китая); formKeys indexes the stem
// of every form.
var paradigms = []struct {
	ending string
	forms  []string
}{
	{"ый", adjective}, {"ий", adjective}, {"ой", adjective}, {"ая", adjective}, {"яя", adjective},
	{"ое", adjective}, {"ее", adjective}, {"ые", adjective}, {"ие", adjective},
	{"ия", []string{"ия", "ии", "ию", "ией", "ие"}},
	{"ай", []string{"ай", "ая", "аю", "аем", "ае"}},
	{"ей", []string{"ей", "ея", "ею", "еем", "ее"}},
	{"ь", []string{"ь", "и", "ью", "я", "ю", "ем", "е"}},
	{"й", []string{"й", "я", "ю", "ем", "е", "и"}},
	{"а", []string{"а", "ы", "и", "е", "у", "ой", "ою"}},
	{"я", []string{"я", "и", "е", "ю", "ей"}},
	{"ы", []string{"ы", "ов", "ам", "ах", "ами"}},
}

var adjective = []string{"ый", "ий", "ой", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем",
	"ая", "яя", "ей", "ую", "юю", "ое", "ее", "ые", "ие", "ых", "их", "ыми", "ими"}

// consonant endings: a name ending in a consonant (Минск, Лавров, Путин).
var consonant = []string{"", "а", "у", "ом", "е", "ы", "ым", "ой", "ов", "ам", "ах", "ами"}

// formKeys returns the distinct stem keys of the case forms of a name's
// word: one key for a Latin word, a few for a Russian one.
func formKeys(w string) []uint64 {
	if !isCyrillicWord(w) || utf8.RuneCountInString(w) <= 3 || strings.ToUpper(w) == w {
		return []uint64{token.Stem(w)}
	}
	lower := strings.ToLower(w)
	keys := []uint64{token.Stem(w)}
	addKey := func(form string) {
		k := token.Stem(form)
		for _, have := range keys {
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	for _, p := range paradigms {
		if strings.HasSuffix(lower, p.ending) {
			base := lower[:len(lower)-len(p.ending)]
			for _, f := range p.forms {
				addKey(base + f)
			}
			return keys
		}
	}
	last, _ := utf8.DecodeLastRuneInString(lower)
	if strings.ContainsRune("оеиую", last) {
		return keys // indeclinable: Лукашенко, Сочи, Баку
	}
	for _, f := range consonant {
		addKey(lower + f)
	}
	return keys
}

func isCyrillicWord(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}
