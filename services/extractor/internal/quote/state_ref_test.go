package quote

import (
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/names"
)

// The lookups of a state as they were before they were indexed: each
// walked the tokens or the quotations from one end. They are the
// references FuzzState compares the state's lookups with.

// paragraphStartRef walked back to the paragraph break before token i.
func (st *state) paragraphStartRef(i int) int {
	for i--; i >= 0 && st.toks[i].kind != tPara; i-- {
	}
	return i
}

// labelAfterParagraphRef walked on to the paragraph break after token i.
func (st *state) labelAfterParagraphRef(i int) bool {
	for ; i < len(st.toks); i++ {
		if st.toks[i].kind == tPara {
			k := i + 1
			if k < len(st.toks) && st.toks[k].kind == tMark {
				k++
			}
			return k < len(st.toks) && st.labelEnd(k) > 0
		}
	}
	return false
}

// opensQuotationRef walked the quotations from the first.
func (st *state) opensQuotationRef(i int) bool {
	for _, sp := range st.spans {
		if sp.open == i {
			return true
		}
		if sp.open > i {
			break
		}
	}
	return false
}

// shortQuotationAtRef walked the quotations from the first.
func (st *state) shortQuotationAtRef(k int) int {
	for _, sp := range st.spans {
		if sp.open == k {
			if !sp.openEnded && sp.words <= 4 && st.toks[sp.close-1].kind == tWord {
				return sp.close
			}
			return k
		}
		if sp.open > k {
			break
		}
	}
	return k
}

// titleInMarksRef walked the quotations from the first.
func (st *state) titleInMarksRef(k int) bool {
	for _, sp := range st.spans {
		if sp.open == k || sp.close == k {
			return sp.words <= 6 && !sp.openEnded && st.titleCase(sp)
		}
		if sp.open > k {
			break
		}
	}
	return false
}

// referentRef is the walk resolvePronoun made before mentions were indexed,
// without its setting the gender found: back over every mention, counting
// the paragraph breaks token by token.
func (st *state) referentRef(at int, g names.Gender) *person {
	var any *person
	paras := 0
	k := at
	for m := st.ppl.mentions.search(at) - 1; m >= 0; m-- {
		mt := st.ppl.mentions.at(m)
		for ; k > mt.tok; k-- {
			if st.toks[k].kind == tPara {
				paras++
			}
		}
		if paras > 3 {
			break
		}
		if mt.who.org || st.toks[mt.tok].quoted || !compatible(mt.who.gender, g) {
			continue
		}
		if mt.subject {
			return mt.who
		}
		if any == nil {
			any = mt.who
		}
	}
	return any
}

// salientRef is salient before mentions were indexed.
func (st *state) salientRef(at int, g names.Gender) *person {
	paras, k := 0, at
	for m := st.ppl.mentions.search(at) - 1; m >= 0; m-- {
		mt := st.ppl.mentions.at(m)
		for ; k > mt.tok; k-- {
			if st.toks[k].kind == tPara {
				paras++
			}
		}
		if paras > 2 {
			return nil
		}
		if mt.subject && !mt.who.org && !st.toks[mt.tok].quoted && compatible(mt.who.gender, g) {
			return mt.who
		}
	}
	return nil
}

// FuzzState checks that the state's lookups agree with their references at
// every token of a text.
func FuzzState(f *testing.F) {
	for _, s := range []string{
		"“CLINTON: I feel fine,” he said.\n\nLopez: Well, no one …\n\n“Chris Matthews: Seriously, we will.”",
		"Bob Smith, author of “Crippled America,” said: “We will build the wall soon.”\n\n“It is ‘good’ for all,” he added. \"Yes\"",
		"\n\n\n“Open-ended quotation\n\n“continued here,” she said. ''NYT style,'' he said.",
		"«Текст „вложенный“ здесь», – сказал Александр Лукашенко.\n\nОн добавил: «Да».",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Add("Bob Jones met Ann Lee.\n\nThey met Tom Hill and Sara Kim. “We will build it soon,” she said.\n\n“Yes,” the official said. He added: “We will.”", false)
	f.Add("Министр Иван Петров заявил: «Мы построим».\n\nОна сказала: «Да».\n\n«Нет», – сказал глава государства.", true)
	g, err := gazetteer.Load()
	if err != nil {
		f.Fatal(err)
	}
	x := New(g)
	f.Fuzz(func(t *testing.T, text string, ru bool) {
		st := &state{}
		st.reset(x, text, ru)
		st.collectPeople()
		st.attributeAll()
		for i := range len(st.toks) {
			for _, g := range []names.Gender{names.Unknown, names.Male, names.Female} {
				if got, want := st.referent(i, g), st.referentRef(i, g); got != want {
					t.Fatalf("referent(%d, %d) = %v, want %v in %q", i, g, got, want, text)
				}
				if got, want := st.salient(i, g), st.salientRef(i, g); got != want {
					t.Fatalf("salient(%d, %d) = %v, want %v in %q", i, g, got, want, text)
				}
			}
		}
		for i := range len(st.toks) + 1 {
			if got, want := st.paragraphStart(i), st.paragraphStartRef(i); got != want {
				t.Fatalf("paragraphStart(%d) = %d, want %d in %q", i, got, want, text)
			}
			if got, want := st.labelAfterParagraph(i), st.labelAfterParagraphRef(i); got != want {
				t.Fatalf("labelAfterParagraph(%d) = %v, want %v in %q", i, got, want, text)
			}
			if got, want := st.opensQuotation(i), st.opensQuotationRef(i); got != want {
				t.Fatalf("opensQuotation(%d) = %v, want %v in %q", i, got, want, text)
			}
			if got, want := st.shortQuotationAt(i), st.shortQuotationAtRef(i); got != want {
				t.Fatalf("shortQuotationAt(%d) = %v, want %v in %q", i, got, want, text)
			}
			if got, want := st.titleInMarks(i), st.titleInMarksRef(i); got != want {
				t.Fatalf("titleInMarks(%d) = %v, want %v in %q", i, got, want, text)
			}
		}
	})
}
