package quote

import (
	"cmp"
	"slices"
)

// family groups the marks that pair with each other.
type family uint8

const (
	fDouble   family = iota + 1 // “…”
	fStraight                   // "…"
	fNYT                        // ''…''
	fSingle                     // ‘…’ and '…'
	fGuil                       // «…»
	fLow                        // „…“
	fAttr                       // key="value" in embedded markup: not a quotation
)

// span is one top-level quotation: the text between an opening mark and its
// closing mark (or the end of the paragraph when none closes it).
type span struct {
	open, close int // token indices of the marks; close is the paragraph break or len(toks) when open-ended
	family      family
	openEnded   bool // no closing mark before the paragraph ended
	words       int  // word tokens inside
	group       int  // spans of one quotation running over paragraphs share a group
}

type opened struct {
	family family
	at     int
}

// pairMarks finds the top-level quotations of toks, marks the tokens inside
// them as quoted, and appends them to out. Quotations nest (“… “term” …”);
// a ’ closes a single quote only when one is open, else it is an
// apostrophe; an opening mark left at a paragraph's end makes a quotation
// that runs to it, and the next paragraph's opening mark of the same kind
// continues it.
func pairMarks(s string, toks []token, out []span) []span {
	var stackBuf [8]opened
	stack := stackBuf[:0]
	group := 0
	emit := func(open, close int, f family, openEnded bool) {
		words := 0
		for k := open + 1; k < close; k++ {
			toks[k].quoted = true
			if toks[k].kind == tWord {
				words++
			}
		}
		if words == 0 {
			return
		}
		g := group
		group++
		// A paragraph that opens with the mark of an open-ended quotation
		// before it continues that quotation.
		if n := len(out); n > 0 && out[n-1].openEnded && out[n-1].family == f && open > 0 && toks[open-1].kind == tPara && out[n-1].close == open-1 {
			g = out[n-1].group
		}
		out = append(out, span{open: open, close: close, family: f, openEnded: openEnded, words: words, group: g})
	}
	find := func(f family) int {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k].family == f {
				return k
			}
		}
		return -1
	}
	// A quotation closed inside an open single quote waits: if the single
	// quote never closes it was an apostrophe, and the quotation stands on
	// its own.
	var pending []span
	closeAt := func(k, i int) {
		switch {
		case k == 0 && stack[0].family != fAttr:
			pending = pending[:0]
			emit(stack[0].at, i, stack[0].family, false)
		case k == 1 && stack[0].family == fSingle && stack[1].family != fAttr:
			pending = append(pending, span{open: stack[1].at, close: i, family: stack[1].family})
		}
		stack = stack[:k]
	}
	flushPending := func() {
		for _, p := range pending {
			emit(p.open, p.close, p.family, false)
		}
		pending = pending[:0]
	}
	push := func(f family, i int) {
		if len(stack) < cap(stackBuf) {
			stack = append(stack, opened{f, i})
		}
	}
	for i := range toks {
		t := toks[i]
		switch t.kind {
		case tPara:
			// A single quote left open is more likely an apostrophe than a
			// quotation running on.
			if len(stack) > 0 && stack[0].family != fSingle && stack[0].family != fAttr {
				emit(stack[0].at, i, stack[0].family, true)
			}
			if len(stack) > 0 && stack[0].family == fSingle {
				flushPending()
			}
			pending = pending[:0]
			stack = stack[:0]
			continue
		case tMark:
		default:
			continue
		}
		switch t.mark {
		case mDoubleOpen:
			if k := find(fLow); k >= 0 && k == len(stack)-1 {
				closeAt(k, i)
			} else {
				push(fDouble, i)
			}
		case mDoubleClose:
			k := find(fDouble)
			if k < 0 {
				k = find(fLow)
			}
			if k < 0 {
				k = find(fStraight) // "…” mixed marks
			}
			if k >= 0 {
				closeAt(k, i)
			}
		case mStraight:
			switch k := find(fStraight); {
			case find(fAttr) >= 0:
				closeAt(find(fAttr), i)
			case k >= 0:
				closeAt(k, i)
			case closesHere(toks, i) && find(fDouble) >= 0:
				closeAt(find(fDouble), i) // “…" mixed marks
			case i > 0 && !t.space && toks[i-1].kind == tPunct && s[toks[i-1].start:toks[i-1].end] == "=":
				push(fAttr, i) // id="672138506081275904"
			case opensHere(s, toks, i):
				push(fStraight, i)
			}
		case mNYT:
			if k := find(fNYT); k >= 0 {
				closeAt(k, i)
			} else {
				push(fNYT, i)
			}
		case mNYTSingle:
			if k := find(fNYT); k >= 0 {
				closeAt(k, i) // ''' closes the nested single quote and the quotation
			} else {
				push(fNYT, i)
			}
		case mSingleOpen:
			// ‘08 and National Review‘s are apostrophes, not quotations.
			if i+1 < len(toks) && toks[i+1].kind == tWord && !toks[i+1].space && !isDigitByte(s[toks[i+1].start]) &&
				(t.space || i == 0 || toks[i-1].kind != tWord) {
				push(fSingle, i)
			}
		case mSingleClose:
			if k := find(fSingle); k >= 0 && (i+1 >= len(toks) || toks[i+1].kind != tWord || toks[i+1].space) {
				closeAt(k, i)
			} else {
				toks[i].kind = tPunct // an apostrophe: Sanders’ campaign
			}
		case mGuilOpen:
			push(fGuil, i)
		case mGuilClose:
			if k := find(fGuil); k >= 0 {
				closeAt(k, i)
			}
		case mLow:
			push(fLow, i)
		}
	}
	if len(stack) > 0 && stack[0].family != fSingle && stack[0].family != fAttr {
		emit(stack[0].at, len(toks), stack[0].family, true)
	}
	if len(stack) > 0 && stack[0].family == fSingle {
		flushPending()
	}
	return out
}

// spanOpening is the quotation whose opening mark is token i, or nil.
// Quotations are in the order they open.
func (st *state) spanOpening(i int) *span {
	k, found := slices.BinarySearchFunc(st.spans, i, func(sp span, i int) int { return cmp.Compare(sp.open, i) })
	if !found {
		return nil
	}
	return &st.spans[k]
}

// spanAround is the quotation from whose opening mark to whose closing
// mark (or paragraph break) token i is, or nil. Quotations do not overlap:
// it is the first that closes at i or after.
func (st *state) spanAround(i int) *span {
	k, _ := slices.BinarySearchFunc(st.spans, i, func(sp span, i int) int { return cmp.Compare(sp.close, i) })
	if k == len(st.spans) || st.spans[k].open > i {
		return nil
	}
	return &st.spans[k]
}

func isDigitByte(b byte) bool { return '0' <= b && b <= '9' }

// closesHere reports whether a mark reads as closing: after a word or
// punctuation with no space, and before a space, punctuation or the end.
func closesHere(toks []token, i int) bool {
	if i == 0 || toks[i].space {
		return false
	}
	return i+1 >= len(toks) || toks[i+1].space || toks[i+1].kind != tWord
}

// opensHere reports whether a straight double quote with none open opens a
// quotation: it must have a word after it, not a space.
func opensHere(s string, toks []token, i int) bool {
	return i+1 < len(toks) && !toks[i+1].space && toks[i+1].kind != tPara
}
