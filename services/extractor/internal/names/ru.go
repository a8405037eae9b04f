package names

import "strings"

// NominativeRU turns an inflected Russian name (first name, optional
// patronymic, surname, in any order the press writes them) into the
// nominative: "Александром Бегловым" → "Александр Беглов", "Сергея
// Лаврова" → "Сергей Лавров", "Марии Захаровой" → "Мария Захарова".
// known holds nominative names met elsewhere in the text (full names or
// surnames); a form that reduces to one of them wins. The gender is the
// first name's when known, else what the endings tell.
func (l *Lexicon) NominativeRU(words []string, known func(string) bool) ([]string, Gender) {
	out := make([]string, len(words))
	gender := Unknown
	// First names first: the lexicon knows them, and their gender decides
	// how the surname declines.
	firstAt := -1
	for i, w := range words {
		if g, ok := l.first[w]; ok {
			out[i], gender, firstAt = w, g, i
			break
		}
		if n, g, ok := l.firstNameRU(w); ok {
			out[i], gender, firstAt = n, g, i
			break
		}
	}
	for i, w := range words {
		if i == firstAt {
			continue
		}
		out[i] = surnameNominative(w, gender, known)
		if gender == Unknown {
			gender = surnameGender(out[i])
		}
	}
	return out, gender
}

// firstNameRU finds the nominative first name an oblique form comes from
// (Александром → Александр, Анны → Анна), trying the likeliest endings
// first, without allocating for the forms that are no name.
func (l *Lexicon) firstNameRU(w string) (string, Gender, bool) {
	type ending struct {
		oblique string
		nominal []string
	}
	endings := [...]ending{
		{"ом", []string{""}},           // Александром
		{"ем", []string{"й", "ь", ""}}, // Сергеем, Игорем
		{"ой", []string{"а"}},          // Анной
		{"ей", []string{"я", "ья"}},    // Натальей
		{"ью", []string{"ья"}},         // Наталью
		{"ии", []string{"ия"}},         // Марии
		{"ьи", []string{"ья"}},         // Натальи
		{"ия", []string{"ий"}},         // Дмитрия
		{"ию", []string{"ий"}},         // Дмитрию
		{"ием", []string{"ий"}},        // Дмитрием
		{"ла", []string{"ел"}},         // Павла
		{"лу", []string{"ел"}},         // Павлу
		{"лом", []string{"ел"}},        // Павлом
		{"а", []string{""}},            // Александра
		{"у", []string{"", "а"}},       // Александру, Анну
		{"е", []string{"", "а"}},       // Александре, Анне
		{"я", []string{"й", "ь"}},      // Сергея, Игоря
		{"ю", []string{"й", "ь", "я"}}, // Сергею, Игорю, Марию
		{"ы", []string{"а"}},           // Анны
		{"и", []string{"а", "я"}},      // Ольги, Дарьи
	}
	var buf [64]byte
	for _, e := range endings {
		stem, ok := strings.CutSuffix(w, e.oblique)
		if !ok || len(stem) < 4 || len(stem)+8 > len(buf) {
			continue
		}
		for _, n := range e.nominal {
			b := append(append(buf[:0], stem...), n...)
			if g, ok := l.first[string(b)]; ok {
				return stem + n, g, true
			}
		}
	}
	return "", Unknown, false
}

// surnameNominative turns an oblique surname into the nominative, given
// the bearer's gender when known.
func surnameNominative(w string, g Gender, known func(string) bool) string {
	if known != nil && known(w) {
		return w
	}
	cands := surnameCandidates(w, g)
	if known != nil {
		for _, c := range cands {
			if known(c) {
				return c
			}
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return w
}

// surnameCandidates are the nominatives an oblique surname may come from,
// most likely first; none when it already looks nominative.
func surnameCandidates(w string, g Gender) []string {
	type rule struct {
		suffix string
		male   string
		female string
	}
	// Longest suffixes first.
	rules := []rule{
		{"ским", "ский", ""}, {"цким", "цкий", ""}, {"ского", "ский", ""}, {"цкого", "цкий", ""},
		{"скому", "ский", ""}, {"цкому", "цкий", ""}, {"ском", "ский", ""}, {"цком", "цкий", ""},
		{"ской", "", "ская"}, {"цкой", "", "цкая"}, {"скую", "", "ская"}, {"цкую", "", "цкая"},
		{"овым", "ов", ""}, {"евым", "ев", ""}, {"ёвым", "ёв", ""}, {"иным", "ин", ""}, {"ыным", "ын", ""},
		{"овой", "", "ова"}, {"евой", "", "ева"}, {"иной", "", "ина"}, {"ыной", "", "ына"},
		{"ову", "ов", "ова"}, {"еву", "ев", "ева"}, {"ину", "ин", "ина"}, {"ыну", "ын", "ына"},
		{"ове", "ов", ""}, {"еве", "ев", ""}, {"ине", "ин", ""}, {"ыне", "ын", ""},
		{"ова", "ов", "ова"}, {"ева", "ев", "ева"}, {"ина", "ин", "ина"}, {"ына", "ын", "ына"},
		{"чем", "ч", ""}, {"шем", "ш", ""}, {"цем", "ц", ""}, {"ем", "ь", ""},
		{"ого", "ой", ""}, {"ому", "ой", ""}, {"ым", "ой", ""},
		{"ча", "ч", ""}, {"чу", "ч", ""}, {"че", "ч", ""},
		{"ом", "", ""},
	}
	for _, r := range rules {
		stem, ok := strings.CutSuffix(w, r.suffix)
		if !ok || len([]rune(stem)) < 2 {
			continue
		}
		var out []string
		switch g {
		case Female:
			if r.female != "" {
				out = append(out, stem+r.female)
			}
		case Male:
			if r.male != "" || r.suffix == "ом" {
				out = append(out, stem+r.male)
			}
		default:
			if r.male != "" || r.suffix == "ом" {
				out = append(out, stem+r.male)
			}
			if r.female != "" {
				out = append(out, stem+r.female)
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	// A masculine surname ending in a consonant: Мацкевича, Гайдукевичу.
	if g != Female {
		for _, s := range []string{"а", "у", "е"} {
			if stem, ok := strings.CutSuffix(w, s); ok && len([]rune(stem)) >= 3 && declinesLikeNoun(stem) {
				return []string{stem}
			}
		}
	}
	return nil
}

func surnameGender(w string) Gender {
	for _, s := range []string{"ова", "ева", "ина", "ына", "ская", "цкая"} {
		if strings.HasSuffix(w, s) {
			return Female
		}
	}
	for _, s := range []string{"ов", "ев", "ин", "ын", "ский", "цкий"} {
		if strings.HasSuffix(w, s) {
			return Male
		}
	}
	return Unknown
}

// declinesLikeNoun reports whether a stem ends the way masculine surnames
// that decline like nouns do (Мацкевич, Гайдук, Бабарико is not one).
func declinesLikeNoun(stem string) bool {
	for _, s := range []string{"ич", "ук", "юк", "як", "ик", "ек", "ан", "ян", "ер", "ёр", "ен", "он", "ун", "ль", "рг", "ст", "ид", "ад"} {
		if strings.HasSuffix(stem, s) {
			return true
		}
	}
	return false
}

// IsFirstNameRU reports whether w is a Russian first name in some case:
// Александром, Анны, Сергея.
func (l *Lexicon) IsFirstNameRU(w string) bool {
	if _, ok := l.first[w]; ok {
		return true
	}
	if w == "" || w[0] < 0x80 {
		return false
	}
	_, _, ok := l.firstNameRU(w)
	return ok
}
