package main

import (
	"strings"
	"unicode"
)

// prediction is one quotation the extractor found, in code points of the
// whole article text.
type prediction struct {
	span
	speaker string
	kind    string // how the extractor attributed it
}

// counts add up over articles; metrics derive from them.
type counts struct {
	articles int

	predicted, predictedCorrect int // predictions; those at least half inside some Content

	gold, found30, found80 int // gold quotations; covered ≥30% and ≥80% by predictions

	foundNamed     int // found gold quotations whose best prediction names a speaker
	foundJudgeable int // found gold quotations whose gold Source holds a capitalised name
	judged         int // …whose best prediction names a speaker
	judgedRight    int // …and the predicted surname is in the gold Source

	goldJudgeable int // gold quotations whose Source holds a capitalised name
	goldRight     int // …found with the right speaker
}

func (c *counts) add(o counts) {
	c.articles += o.articles
	c.predicted += o.predicted
	c.predictedCorrect += o.predictedCorrect
	c.gold += o.gold
	c.found30 += o.found30
	c.found80 += o.found80
	c.foundNamed += o.foundNamed
	c.foundJudgeable += o.foundJudgeable
	c.judged += o.judged
	c.judgedRight += o.judgedRight
	c.goldJudgeable += o.goldJudgeable
	c.goldRight += o.goldRight
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// metrics are the published figures: detection (30% and 80% coverage),
// speaker accuracy and coverage, end-to-end.
type metrics struct {
	precision, recall30, f130, recall80, f180 float64
	speakerAccuracy, speakerCoverage          float64
	namedShare                                float64 // of all found quotations, not only the judgeable
	e2eRecall, e2eF1                          float64
}

func (c counts) metrics() metrics {
	m := metrics{
		precision:       ratio(c.predictedCorrect, c.predicted),
		recall30:        ratio(c.found30, c.gold),
		recall80:        ratio(c.found80, c.gold),
		speakerAccuracy: ratio(c.judgedRight, c.judged),
		speakerCoverage: ratio(c.judged, c.foundJudgeable),
		namedShare:      ratio(c.foundNamed, c.found30),
		e2eRecall:       ratio(c.goldRight, c.goldJudgeable),
	}
	m.f130 = f1(m.precision, m.recall30)
	m.f180 = f1(m.precision, m.recall80)
	m.e2eF1 = f1(m.precision, m.e2eRecall)
	return m
}

// goldQuotation reports whether an attribution is a direct quotation: its
// Content holds at least four words inside quotation marks.
func goldQuotation(text []rune, quoted []bool, a attribution) bool {
	return quotedWords(text, quoted, a.content) >= 4
}

// scoreArticle compares the predictions for one article with its
// attributions.
func scoreArticle(text []rune, attrs []attribution, preds []prediction) counts {
	c := counts{articles: 1, predicted: len(preds)}
	covered := make([]bool, len(text))
	for _, p := range preds {
		fill(covered, clamp(p.start, len(text)), clamp(p.end, len(text)))
		best := 0
		for _, a := range attrs {
			best = max(best, overlap(p.span, a.content))
		}
		if p.end > p.start && 2*best >= p.end-p.start {
			c.predictedCorrect++
		}
	}
	quoted := quotedRegions(text)
	for _, a := range attrs {
		if !goldQuotation(text, quoted, a) {
			continue
		}
		c.gold++
		judgeable := hasCapitalisedName(text, a.source)
		if judgeable {
			c.goldJudgeable++
		}
		best := c.find(covered, preds, a.content)
		if best < 0 {
			continue
		}
		if judgeable {
			c.foundJudgeable++
		}
		if preds[best].speaker == "" {
			continue
		}
		c.foundNamed++
		if !judgeable {
			continue
		}
		c.judged++
		if surnameIn(preds[best].speaker, text, a.source) {
			c.judgedRight++
			c.goldRight++
		}
	}
	return c
}

// find counts a gold quotation found when the predictions cover 30% of
// its characters (and strictly found at 80%), and returns the prediction
// overlapping it most, or -1 when it is not found.
func (c *counts) find(covered []bool, preds []prediction, gold []span) int {
	total, in := 0, 0
	for _, s := range gold {
		for i := clamp(s.start, len(covered)); i < clamp(s.end, len(covered)); i++ {
			total++
			if covered[i] {
				in++
			}
		}
	}
	if total == 0 || 10*in < 3*total {
		return -1
	}
	c.found30++
	if 10*in >= 8*total {
		c.found80++
	}
	best, bestOverlap := -1, 0
	for i, p := range preds {
		if o := overlap(p.span, gold); o > bestOverlap {
			best, bestOverlap = i, o
		}
	}
	return best
}

func clamp(i, n int) int { return max(0, min(i, n)) }

func overlap(s span, ss []span) int {
	n := 0
	for _, o := range ss {
		n += max(0, min(s.end, o.end)-max(s.start, o.start))
	}
	return n
}

// words splits the spans' text into words, possessive endings removed.
func words(text []rune, ss []span) []string {
	var out []string
	for _, s := range ss {
		part := string(text[clamp(s.start, len(text)):clamp(s.end, len(text))])
		for _, w := range strings.FieldsFunc(part, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '-' && r != '.'
		}) {
			w = strings.TrimRight(w, ".'’")
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			if w != "" {
				out = append(out, w)
			}
		}
	}
	return out
}

// notNames are capitalised words that do not make a Source a name.
var notNames = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true, "They": true, "We": true,
	"I": true, "You": true, "His": true, "Her": true, "Its": true, "Their": true, "Our": true, "My": true,
	"Your": true, "This": true, "That": true, "These": true, "Those": true, "Some": true, "Many": true,
	"Most": true, "One": true, "Both": true, "Others": true, "Another": true, "Who": true, "Which": true,
	"Mr": true, "Mrs": true, "Ms": true, "Dr": true, "Us": true, "Him": true, "Them": true, "Me": true,
}

// hasCapitalisedName reports whether a Source span holds a name rather than
// a bare pronoun or a description.
func hasCapitalisedName(text []rune, ss []span) bool {
	for _, w := range words(text, ss) {
		r := []rune(w)
		if unicode.IsUpper(r[0]) && !notNames[w] {
			return true
		}
	}
	return false
}

// surname is the last word of a name, generational suffixes left out.
func surname(name string) string {
	ws := strings.Fields(name)
	for len(ws) > 1 {
		switch strings.TrimSuffix(ws[len(ws)-1], ".") {
		case "Jr", "Sr", "II", "III", "IV":
			ws = ws[:len(ws)-1]
			continue
		}
		break
	}
	if len(ws) == 0 {
		return ""
	}
	return strings.Trim(ws[len(ws)-1], ",.")
}

// surnameIn reports whether the surname of a predicted speaker appears in
// the gold Source span.
func surnameIn(speaker string, text []rune, source []span) bool {
	s := strings.ToLower(surname(speaker))
	if s == "" {
		return false
	}
	for _, w := range words(text, source) {
		if strings.ToLower(w) == s {
			return true
		}
	}
	return false
}
