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
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n' && lineBreaks:
				w.para = true
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				w.space = true
			case c < 0x20 || c == 0x7f:
				// control characters carry nothing
			default:
				// A run of visible ASCII is copied at once.
				j := i
				for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
					j++
				}
				w.pending()
				w.out.WriteString(s[i-1 : j])
				i = j
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r) || r == '\u00a0':
			w.space = true
		case r == utf8.RuneError || unicode.IsControl(r):
		default:
			w.pending()
			w.out.WriteRune(r)
		}
	}
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
// at i, stepping over quoted attribute values.
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i + 1
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
