// Package htmltext turns HTML (or text with entities) into the plain text
// Newswire emits: paragraphs separated by a blank line, white space folded,
// scripts, styles and other non-text elements dropped.
package htmltext

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements carry no article text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true,
	atom.Svg: true, atom.Template: true, atom.Head: true, atom.Object: true,
	atom.Embed: true, atom.Canvas: true, atom.Button: true, atom.Select: true,
	atom.Textarea: true, atom.Math: true,
}

// blocks end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Tr: true, atom.Table: true, atom.Section: true,
	atom.Article: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Figure: true, atom.Figcaption: true, atom.Pre: true, atom.Hr: true,
	atom.Dd: true, atom.Dt: true, atom.Dl: true, atom.Main: true, atom.Nav: true,
	atom.Form: true, atom.Address: true,
}

// Plain returns the text of an HTML fragment.
func Plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return normalize(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var (
		b     strings.Builder
		para  strings.Builder
		depth int // inside skipped elements
	)
	flush := func() {
		t := foldSpace(para.String())
		para.Reset()
		if t == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t)
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return b.String()
		case html.TextToken:
			if depth == 0 {
				para.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				if tt == html.StartTagToken && !voidSkip(a) {
					depth++
				}
				continue
			}
			if blocks[a] && depth == 0 {
				flush()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipped[a] {
				if depth > 0 {
					depth--
				}
				continue
			}
			if blocks[a] && depth == 0 {
				flush()
			}
		}
	}
}

// voidSkip reports skipped elements that never have an end tag.
func voidSkip(a atom.Atom) bool { return a == atom.Embed }

// Line returns the text of a fragment as one line: for titles.
func Line(s string) string {
	return foldSpace(strings.ReplaceAll(Plain(s), "\n", " "))
}

// normalize folds white space inside paragraphs of text that has no markup,
// keeping blank-line paragraph breaks (a single newline also breaks a
// paragraph: feeds use both).
func normalize(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := foldSpace(line)
		if t == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t)
	}
	return b.String()
}

// foldSpace collapses runs of white space (including no-break spaces) to
// one space and trims the ends.
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = true
			continue
		}
		if unicode.IsControl(r) || r == '\uFFFD' {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
