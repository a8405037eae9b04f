// Package speech knows the verbs that report speech, in English and
// Russian: "said", "noted", «заявил», «отметила».
package speech

import (
	_ "embed"
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/wordlist"
)

//go:embed data/quote-verbs.en.genderGapTracker.txt
var verbsGGT string

//go:embed data/verbs.extra.en.txt
var verbsExtraEN string

//go:embed data/verbs.ru.txt
var verbsRU string

// Form is what a Russian verb form says of its subject.
type Form uint8

// Russian verb forms by the subject they agree with.
const (
	AnySubject Form = iota
	Masculine
	Feminine
	Plural
)

// Verbs recognises reporting verbs. It is safe for concurrent use.
type Verbs struct {
	en map[string]bool
	ru map[string]Form
}

// Load builds the verb lists from the embedded data.
func Load() *Verbs {
	v := &Verbs{en: map[string]bool{}, ru: map[string]Form{}}
	for _, list := range []string{verbsGGT, verbsExtraEN} {
		for _, w := range wordlist.Lines(list) {
			v.en[w] = true
		}
	}
	// Forms of GenderGapTracker's list that are mostly nouns in news copy.
	for _, w := range strings.Fields("point points present presents presenting state states finding finds release releases") {
		delete(v.en, w)
	}
	for _, line := range wordlist.Lines(verbsRU) {
		w, form, _ := strings.Cut(line, " ")
		if stem, ok := strings.CutSuffix(w, "-"); ok {
			v.ru[stem+"л"] = Masculine
			v.ru[stem+"ла"] = Feminine
			v.ru[stem+"ли"] = Plural
			v.ru[stem+"лся"] = Masculine
			v.ru[stem+"лась"] = Feminine
			continue
		}
		switch form {
		case "m":
			v.ru[w] = Masculine
		case "f":
			v.ru[w] = Feminine
		case "p":
			v.ru[w] = Plural
		default:
			v.ru[w] = AnySubject
		}
	}
	return v
}

// English reports whether w (lower case) is an English reporting verb.
func (v *Verbs) English(w string) bool { return v.en[w] }

// Russian reports whether w (lower case) is a Russian reporting verb, and
// which subjects it agrees with.
func (v *Verbs) Russian(w string) (Form, bool) {
	f, ok := v.ru[w]
	return f, ok
}
