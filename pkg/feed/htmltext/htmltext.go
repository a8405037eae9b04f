// Package htmltext turns HTML (or text with entities) into the plain text
// Newswire emits: paragraphs separated by a blank line, white space folded,
// scripts, styles and other non-text elements dropped.
//
// It is a single pass over the bytes rather than a tokenizer: feeds carry
// an HTML fragment or two per item, and turning them into text must cost
// little beside parsing the feed itself.
package htmltext

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// skipped elements carry no article text: what is inside them is dropped.
var skipped = map[string]bool{
	"script": true, "style": true, "noscript": true, "iframe": true,
	"svg": true, "template": true, "head": true, "object": true,
	"canvas": true, "button": true, "select": true, "textarea": true, "math": true,
}

// blocks end a paragraph.
var blocks = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "tr": true, "table": true, "section": true,
	"article": true, "header": true, "footer": true, "aside": true,
	"figure": true, "figcaption": true, "pre": true, "hr": true,
	"dd": true, "dt": true, "dl": true, "main": true, "nav": true,
	"form": true, "address": true,
}

// Plain returns the text of an HTML fragment. Text without markup keeps
// its line breaks as paragraph breaks (feeds use both single and double).
func Plain(s string) string {
	var w writer
	w.out.Grow(len(s))
	if !strings.ContainsAny(s, "<&") {
		w.text(s, true)
		return w.out.String()
	}
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			w.text(unescape(s[i:]), false)
			break
		}
		if lt > 0 {
			w.text(unescape(s[i:i+lt]), false)
		}
		i += lt
		i = w.tag(s, i)
	}
	return w.out.String()
}

// Line returns the text of a fragment as one line: for titles.
func Line(s string) string {
	return strings.ReplaceAll(Plain(s), "\n\n", " ")
}

func unescape(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	return html.UnescapeString(s)
}

// writer folds white space as it writes: a run of spaces becomes one
// space, a paragraph break two newlines, and neither leads nor trails.
type writer struct {
	out   strings.Builder
	space bool // a space is pending
	para  bool // a paragraph break is pending
}

func (w *writer) breakParagraph() { w.para = true }

// text writes s; with lineBreaks a newline breaks the paragraph.
func (w *writer) text(s string, lineBreaks bool) {
	for i := 0; i < len(s); {
		if j := visibleRun(s, i); j > i {
			w.pending()
			w.out.WriteString(s[i:j])
			i = j
			continue
		}
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		switch {
		case r == '\n' && lineBreaks:
			w.para = true
		case isSpace(r):
			w.space = true
		}
		// Anything else that stops a run is a control character or an
		// invalid byte: it carries nothing.
	}
}

// visibleRun returns the end of the run of text at s[i] that can be
// copied as it is: visible characters and single spaces between them.
func visibleRun(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		switch {
		case c > ' ' && c < 0x7f:
			j++
		case c == ' ':
			if j == i || visibleAt(s, j+1) == 0 {
				return j
			}
			j++
		default:
			size := visibleAt(s, j)
			if size == 0 {
				return j
			}
			j += size
		}
	}
	return j
}

// visibleAt returns the size of the visible character at s[i], or 0 when
// there is none: the end, white space, a control character, a bad byte.
func visibleAt(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if c := s[i]; c < utf8.RuneSelf {
		if c > ' ' && c < 0x7f {
			return 1
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError || r <= 0x9f || isSpace(r) {
		return 0
	}
	return size
}

// isSpace is unicode.IsSpace plus the no-break space, quick for ASCII.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xA0:
		return true
	}
	return r > 0xff && unicode.IsSpace(r)
}

func (w *writer) pending() {
	if w.out.Len() > 0 {
		switch {
		case w.para:
			w.out.WriteString("\n\n")
		case w.space:
			w.out.WriteByte(' ')
		}
	}
	w.space, w.para = false, false
}

// tag handles the markup at s[i] == '<' and returns where text resumes.
func (w *writer) tag(s string, i int) int {
	rest := s[i+1:]
	switch {
	case strings.HasPrefix(rest, "!--"):
		return skipPast(s, i+4, "-->")
	case strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "?"):
		return skipPast(s, i+1, ">")
	}
	closing := strings.HasPrefix(rest, "/")
	start := i + 1
	if closing {
		start++
	}
	end := start
	for end < len(s) && isNameByte(s[end]) {
		end++
	}
	if end == start || !isLetter(s[start]) {
		// Not a tag: a lone "<" in text.
		w.text("<", false)
		return i + 1
	}
	name := strings.ToLower(s[start:end])
	after := tagEnd(s, end)
	if skipped[name] && !closing && !strings.HasSuffix(s[i:after], "/>") {
		return skipElement(s, after, name)
	}
	if blocks[name] {
		w.breakParagraph()
	} else {
		w.space = w.space || name == "td" || name == "th"
	}
	return after
}

// tagEnd returns the index after the '>' closing the tag whose name ends
// at i, stepping over quoted attribute values. As in HTML, a quote opens a
// value only where a value starts, after '=' and any white space: one in an
// attribute name or in an unquoted value (alt=O'Brien) is an ordinary byte.
func tagEnd(s string, i int) int {
	var quote byte
	valueNext := false // after '=': a value starts at the next visible byte
	unquoted := false  // in a value without quotes, which white space ends
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '>':
			return i + 1
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			unquoted = false
		case valueNext:
			valueNext = false
			if c == '"' || c == '\'' {
				quote = c
			} else {
				unquoted = true
			}
		case c == '=' && !unquoted:
			valueNext = true
		}
	}
	return len(s)
}

// skipElement returns the index after the end tag of name, searching from
// i, or the end of s when it never closes.
func skipElement(s string, i int, name string) int {
	for i < len(s) {
		j := strings.Index(s[i:], "</")
		if j < 0 {
			return len(s)
		}
		i += j + 2
		if len(s)-i >= len(name) && strings.EqualFold(s[i:i+len(name)], name) {
			return tagEnd(s, i+len(name))
		}
	}
	return len(s)
}

func skipPast(s string, i int, marker string) int {
	if i > len(s) {
		return len(s)
	}
	j := strings.Index(s[i:], marker)
	if j < 0 {
		return len(s)
	}
	return i + j + len(marker)
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }

func isNameByte(c byte) bool { return isLetter(c) || ('0' <= c && c <= '9') || c == '-' || c == ':' }
