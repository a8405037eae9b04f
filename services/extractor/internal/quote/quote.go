// Package quote finds direct quotations in news text and who said them.
//
// One pass tokenises the text and pairs its quotation marks (“ ” " ' ‘ ’
// « » „ “ and the NYT's doubled apostrophes), nested or running over
// paragraphs. The attribution around each quotation (“…,” X said; X said:
// “…”; according to X; – сказал X.) names its speaker, or gives a
// description (the minister) or a pronoun, which are resolved to the full
// name of a person the text introduced. The speaker may also be the
// subject of the sentence the quotation closes (Clinton dismissed the
// report, saying “…”; the board was conclusive in its findings: “…”), of
// the sentence before it that introduces it, or the author of a document
// (Bush's Facebook post: “…”), the agent of a passive (was asked by host
// Bill Maher, “…?”), the organisation a spokesman speaks for, the label of
// a transcript line (CLINTON: …) or a sentence crediting the quotation
// (That quote from X appeared …). The attribution that breaks a quotation
// serves both its parts, and quotations sharing a sentence share the
// attribution that follows the last. Quotations with no attribution of
// their own continue the last speaker's (over a paragraph between that
// names no one else); scare quotes and titles are left out. A speaker the
// text does not name ("a senior adviser", "the statement", one of the
// lawyers for X) stays unnamed.
package quote

import (
	"strings"
	"sync"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/names"
	"github.com/newswire/newswire/services/extractor/internal/speech"
)

// Quote is one quotation found in a document.
type Quote struct {
	Text string
	doc.Span
	Speaker     string // canonical full name, or "" when unknown
	Role        string // the speaker's title or description as the text gives it
	Verb        string // the reporting verb, or "" when none
	Attribution string // how the speaker was found: event.Attribution*
	SpeakerKind string // SpeakerPerson or SpeakerOrganisation when Speaker is set
}

// Kinds of speaker.
const (
	SpeakerPerson       = "person"
	SpeakerOrganisation = "organisation"
)

// Extractor finds quotations. It is safe for concurrent use.
type Extractor struct {
	gaz   *gazetteer.Gazetteer
	lex   *names.Lexicon
	verbs *speech.Verbs
	pool  sync.Pool // *state
}

// New returns an extractor; the gazetteer tells countries and
// organisations from people.
func New(g *gazetteer.Gazetteer) *Extractor {
	x := &Extractor{gaz: g, lex: names.Load(), verbs: speech.Load()}
	x.pool.New = func() any { return &state{} }
	return x
}

// state is the work of one Extract call, pooled for its buffers.
type state struct {
	x     *Extractor
	s     string
	ru    bool
	toks  []token
	paras []int // token indices of the paragraph breaks, in order
	spans []span
	found []found
	ppl   people
}

// found is one quotation with its attribution, in token indices.
type found struct {
	span
	who         *person
	role        string
	verb        string
	attribution string
	at          int // token where its own attribution names the speaker, or -1
}

// Extract returns the quotations of d in the order they appear, the
// headline's first.
func (x *Extractor) Extract(d doc.Document) []Quote {
	st := x.pool.Get().(*state)
	defer func() {
		st.s, st.ppl = "", people{} // keep the buffers, not the article
		x.pool.Put(st)
	}()
	ru := strings.HasPrefix(strings.ToLower(d.Language), "ru") || d.Language == "" && cyrillic(d.Body)

	// The body first: it introduces the people the headline names.
	st.reset(x, d.Body, ru)
	st.collectPeople()
	st.attributeAll()
	body := st.quotes(event.InBody)
	bodyPeople := st.ppl

	st.reset(x, d.Title, ru)
	st.ppl = bodyPeople
	title := st.headline()
	return append(title, body...)
}

func (st *state) reset(x *Extractor, s string, ru bool) {
	st.x, st.s, st.ru = x, s, ru
	st.toks = tokenize(s, st.toks)
	st.paras = st.paras[:0]
	for i, t := range st.toks {
		if t.kind == tPara {
			st.paras = append(st.paras, i)
		}
	}
	st.spans = pairMarks(s, st.toks, st.spans[:0])
	st.found = st.found[:0]
	st.ppl = people{lex: x.lex, toks: st.toks}
}

// quotes turns what was found into Quotes with code-point spans.
func (st *state) quotes(in string) []Quote {
	if len(st.found) == 0 {
		return nil
	}
	out := make([]Quote, 0, len(st.found))
	runes := doc.NewRunes(st.s)
	for _, f := range st.found {
		start, end := st.contentBytes(f.span)
		q := Quote{
			Text:        st.s[start:end],
			Span:        doc.Span{In: in, Start: runes.At(start), End: runes.At(end)},
			Role:        f.role,
			Verb:        f.verb,
			Attribution: f.attribution,
		}
		if f.who != nil {
			q.Speaker = f.who.name
			q.SpeakerKind = SpeakerPerson
			if f.who.org {
				q.SpeakerKind = SpeakerOrganisation
			}
		}
		out = append(out, q)
	}
	return out
}

// contentBytes is the text between a span's marks, white space trimmed.
func (st *state) contentBytes(sp span) (int, int) {
	start := int(st.toks[sp.open].end)
	end := len(st.s)
	if sp.close < len(st.toks) {
		end = int(st.toks[sp.close].start)
	}
	for start < end && isSpaceByte(st.s[start]) {
		start++
	}
	// A comma before the closing mark belongs to the sentence around the
	// quotation, not to the words quoted.
	for end > start && (isSpaceByte(st.s[end-1]) || st.s[end-1] == ',') {
		end--
	}
	return start, end
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

func cyrillic(s string) bool {
	n := 0
	for _, r := range s {
		if r >= 'А' && r <= 'я' {
			return true
		}
		if n++; n > 2000 {
			break
		}
	}
	return false
}

// word is the text of token i.
func (st *state) word(i int) string {
	t := st.toks[i]
	return st.s[t.start:t.end]
}

// isWord reports whether token i is a word equal to w (ASCII case folded).
func (st *state) isWord(i int, w string) bool {
	return i >= 0 && i < len(st.toks) && st.toks[i].kind == tWord && strings.EqualFold(st.word(i), w)
}

// isPunct reports whether token i is the punctuation p.
func (st *state) isPunct(i int, p string) bool {
	return i >= 0 && i < len(st.toks) && st.toks[i].kind == tPunct && st.word(i) == p
}
