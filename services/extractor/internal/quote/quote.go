// Package quote finds direct quotations in news text and who said them.
package quote

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
)

// Quote is one quotation found in a document.
type Quote struct {
	Text string
	doc.Span
	Speaker     string // canonical full name, or "" when unknown
	Role        string
	Verb        string
	Attribution string
}

// Extractor finds quotations. It is safe for concurrent use.
type Extractor struct{}

// New returns an extractor.
func New(_ *gazetteer.Gazetteer) *Extractor { return &Extractor{} }

var pairs = map[rune]rune{'“': '”', '«': '»', '„': '“', '"': '"', '‘': '’'}

const verbs = `said|says|say|added|adds|noted|notes|stressed|explained|told|stated|asked|emphasized|emphasised|continued|remarked|declared|insisted|warned|argued|wrote|claimed|recalled|pointed out|according to`
const verbsRU = `сказал|сказала|заявил|заявила|отметил|отметила|подчеркнул|подчеркнула|добавил|добавила|пояснил|пояснила|сообщил|сообщила|считает|уверен|констатировал`

var (
	nominal   = `[Tt]he (?:[\p{L}-]+ ){0,4}?[a-z][\p{L}-]*`
	name      = `(?:[A-Z][\p{L}’'.-]+)(?:\s+[A-Z][\p{L}’'.-]+)*`
	nameRU    = `(?:[А-ЯЁ][\p{L}-]+)(?:\s+[А-ЯЁ][\p{L}-]+)*`
	after     = regexp.MustCompile(`^[,.!?]?[ \t]*(?:(` + name + `|he|she|` + nominal + `)\s+(` + verbs + `)|(` + verbs + `)\s+(` + name + `))\b`)
	before    = regexp.MustCompile(`(?:^|[.!?]\s+|\s)(` + name + `|He|She|he|she|` + nominal + `)\s+(` + verbs + `)\s*[:,]\s*$`)
	afterRU   = regexp.MustCompile(`^[,.!?]?[ \t]*[-–—]\s*(` + verbsRU + `)\s+(` + nameRU + `|[а-яё][\p{L}\s]*?)[.,]`)
	beforeRU  = regexp.MustCompile(`(` + nameRU + `)\s+(` + verbsRU + `)\s*:\s*$`)
	headline  = regexp.MustCompile(`^(` + name + `|` + nameRU + `)\s*:\s*$`)
	titleWord = regexp.MustCompile(`^(?:Russian|Belarusian|Minister|President|Prime|Foreign|Affairs|of|the|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Chairman|Head|Deputy|Secretary|General)$`)
)

// Extract returns the quotations of d in the order they appear.
func (x *Extractor) Extract(d doc.Document) []Quote {
	var out []Quote
	var speakers []string
	last := ""
	for _, q := range spans(d.Title, event.InTitle) {
		prefix := d.Title[:q.openByte]
		if m := headline.FindStringSubmatch(prefix); m != nil {
			q.Quote.Speaker = m[1]
			q.Quote.Attribution = event.AttributionHeadline
			out = append(out, q.Quote)
		}
	}
	for _, q := range spans(d.Body, event.InBody) {
		rest := d.Body[q.closeByte:]
		pre := d.Body[lineStart(d.Body, q.openByte):q.openByte]
		who, verb := "", ""
		if d.Language == "ru" {
			if m := afterRU.FindStringSubmatch(rest); m != nil {
				who, verb = m[2], m[1]
			} else if m := beforeRU.FindStringSubmatch(pre); m != nil {
				who, verb = m[1], m[2]
			}
		} else if m := after.FindStringSubmatch(rest); m != nil {
			if m[1] != "" {
				who, verb = m[1], m[2]
			} else {
				who, verb = m[4], m[3]
			}
		} else if m := before.FindStringSubmatch(pre); m != nil {
			who, verb = m[1], m[2]
		}
		q.Quote.Verb = verb
		switch {
		case who == "":
			q.Quote.Attribution = event.AttributionUnknown
		case isPronoun(who):
			q.Quote.Attribution = event.AttributionPronoun
			q.Quote.Speaker = last
		case unicode.IsLower(firstRune(who)) || strings.HasPrefix(who, "The "):
			q.Quote.Attribution = event.AttributionNominal
			q.Quote.Speaker = last
		default:
			q.Quote.Attribution = event.AttributionExplicit
			q.Quote.Speaker = resolve(stripTitles(who), speakers)
			speakers = append(speakers, q.Quote.Speaker)
		}
		if q.Quote.Speaker != "" {
			last = q.Quote.Speaker
		}
		out = append(out, q.Quote)
	}
	// A surname-only headline speaker takes the full name found in the body.
	for i := range out {
		if out[i].Attribution == event.AttributionHeadline {
			out[i].Speaker = resolve(out[i].Speaker, speakers)
		}
	}
	return out
}

type found struct {
	Quote
	openByte, closeByte int
}

// spans finds top-level quotations of at least four words; nested quotes
// stay inside their quotation.
func spans(s, in string) []found {
	var out []found
	var stack []rune
	openAt := 0
	runeIdx, openRune := 0, 0
	for i, r := range s {
		switch {
		case len(stack) > 0 && r == pairs[stack[len(stack)-1]] && !(r == '’' && isApostrophe(s, i)):
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				text := s[openAt+utf8.RuneLen(firstRune(s[openAt:])) : i]
				if len(strings.Fields(text)) >= 4 {
					out = append(out, found{
						Quote:    Quote{Text: text, Span: doc.Span{In: in, Start: openRune + 1, End: runeIdx}},
						openByte: openAt, closeByte: i + utf8.RuneLen(r),
					})
				}
			}
		case pairs[r] != 0 && (r != '"' || len(stack) == 0 || stack[len(stack)-1] != '"') && (r != '‘' || isOpening(s, i)):
			if len(stack) == 0 {
				openAt, openRune = i, runeIdx
			}
			stack = append(stack, r)
		case r == '\n' && i+1 < len(s) && s[i+1] == '\n':
			stack = stack[:0] // quotations do not run over paragraphs here
		}
		runeIdx++
	}
	return out
}

func isApostrophe(s string, i int) bool {
	next, _ := utf8.DecodeRuneInString(s[i+len("’"):])
	return unicode.IsLetter(next)
}

func isOpening(s string, i int) bool {
	if i == 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(prev) || prev == ':' || prev == '('
}

func lineStart(s string, i int) int {
	if j := strings.LastIndex(s[:i], "\n"); j >= 0 {
		return j + 1
	}
	return 0
}

func isPronoun(w string) bool {
	switch strings.ToLower(w) {
	case "he", "she":
		return true
	}
	return false
}

func stripTitles(who string) string {
	words := strings.Fields(who)
	for len(words) > 1 && titleWord.MatchString(words[0]) {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// resolve turns a surname into the full name of a speaker met before.
func resolve(who string, speakers []string) string {
	for i := len(speakers) - 1; i >= 0; i-- {
		if speakers[i] != who && strings.HasSuffix(speakers[i], " "+who) {
			return speakers[i]
		}
	}
	return who
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}
