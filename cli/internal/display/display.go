// Package display renders records for a person at a terminal: one line per
// quotation, entity or article, tables of feeds and dead letters, relative
// times, and ANSI colours only when they are wanted.
//
// Everything shown comes from feeds and records that anyone may have
// written, so control characters (an escape sequence in a headline could
// rewrite the terminal) are removed before anything is printed.
package display

import (
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/pkg/event"
)

// ANSI colours.
const (
	reset   = "\x1b[0m"
	bold    = "\x1b[1m"
	dim     = "\x1b[2m"
	red     = "\x1b[31m"
	green   = "\x1b[32m"
	yellow  = "\x1b[33m"
	blue    = "\x1b[34m"
	magenta = "\x1b[35m"
	cyan    = "\x1b[36m"
)

// Style says how to render: in colour or not, and times in which zone.
type Style struct {
	Color    bool
	Location *time.Location
}

// IsTerminal reports whether f is a character device, as a terminal is.
func IsTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func (s Style) paint(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return code + text + reset
}

func (s Style) time(t time.Time) string {
	if t.IsZero() {
		return "                "
	}
	loc := s.Location
	if loc == nil {
		loc = time.Local
	}
	return s.paint(dim, t.In(loc).Format("2006-01-02 15:04"))
}

// MaxQuoteRunes bounds the quotation shown on one line.
const MaxQuoteRunes = 400

// SourceWidth is the width source names are padded to, so lines from
// several sources line up.
const SourceWidth = 12

// source renders a source name padded to SourceWidth and two spaces.
func (s Style) source(name string) string {
	name = Clean(name)
	pad := max(SourceWidth-utf8.RuneCountInString(name), 0)
	return s.paint(cyan, name) + strings.Repeat(" ", pad+2)
}

// Count renders n things, in the plural unless n is one: "1 article",
// "3 articles".
func Count[N ~int | ~int64](n N, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// Quote renders an enriched quotation: time, source, `Speaker: “text”`,
// and how far it travelled.
func (s Style) Quote(q event.EnrichedQuote) string {
	speaker := s.paint(dim, "(unknown speaker)")
	if q.Speaker.Name != nil && Clean(*q.Speaker.Name) != "" {
		speaker = s.paint(bold+yellow, Clean(*q.Speaker.Name))
	}
	var b strings.Builder
	b.WriteString(s.time(q.PublishedAt))
	b.WriteString("  ")
	b.WriteString(s.source(q.Source))
	b.WriteString(speaker)
	b.WriteString(": “")
	b.WriteString(Truncate(Clean(q.Text), MaxQuoteRunes))
	b.WriteString("”")
	if q.Revision > 1 || len(q.Sources) > 1 {
		b.WriteString(s.paint(dim, fmt.Sprintf("  (revision %d, %d sources)", q.Revision, len(q.Sources))))
	}
	return b.String()
}

// Entity renders an enriched entity: time, source, type, name, Wikidata ID,
// mentions in the article and the rolling counts across sources.
func (s Style) Entity(e event.EnrichedEntity) string {
	var b strings.Builder
	b.WriteString(s.time(e.PublishedAt))
	b.WriteString("  ")
	b.WriteString(s.source(e.Source))
	b.WriteString(s.paint(magenta, fmt.Sprintf("%-6s", e.Type)))
	b.WriteString(" ")
	b.WriteString(s.paint(bold, Clean(e.Name)))
	if e.WikidataID != nil && *e.WikidataID != "" {
		b.WriteString(s.paint(dim, " ("+Clean(*e.WikidataID)+")"))
	}
	fmt.Fprintf(&b, "  ×%d", len(e.Mentions))
	if c := e.MentionCounts; c != nil {
		b.WriteString(s.paint(green, fmt.Sprintf("  %s in the last hour, %d in the last day", Count(c.LastHour, "article"), c.LastDay)))
	}
	b.WriteString(s.paint(dim, "  "+Truncate(Clean(e.Title), 120)))
	return b.String()
}

// Article renders an article: time, source, language, title and link.
func (s Style) Article(a event.Article) string {
	var b strings.Builder
	b.WriteString(s.time(a.PublishedAt))
	b.WriteString("  ")
	b.WriteString(s.source(a.Source))
	b.WriteString(s.paint(magenta, "["+Clean(a.Language)+"]"))
	b.WriteString(" ")
	b.WriteString(s.paint(bold, Truncate(Clean(a.Title), 200)))
	if a.Revision > 1 {
		b.WriteString(s.paint(yellow, fmt.Sprintf(" (revision %d)", a.Revision)))
	}
	b.WriteString("  ")
	b.WriteString(s.paint(blue, Clean(a.URL)))
	return b.String()
}

// Status colours a feed's or a record's state: green when all is well,
// red when it failed, plain otherwise.
func (s Style) Status(text string, ok, failed bool) string {
	switch {
	case failed:
		return s.paint(red, text)
	case ok:
		return s.paint(green, text)
	}
	return text
}

// Dim renders secondary text.
func (s Style) Dim(text string) string { return s.paint(dim, text) }

// Bold renders what matters most on a line.
func (s Style) Bold(text string) string { return s.paint(bold, text) }

// Warn renders a warning.
func (s Style) Warn(text string) string { return s.paint(yellow, text) }

// Clean makes text from a record safe and compact for one line: control
// and format characters (escape sequences, bidirectional overrides) are
// dropped, runs of white space become one space, and invalid UTF-8 becomes
// U+FFFD.
func Clean(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range strings.ToValidUTF8(text, "\uFFFD") {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Truncate shortens text to at most n runes, marking the cut with "…".
func Truncate(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return strings.TrimRightFunc(string(r[:max(n-1, 0)]), unicode.IsSpace) + "…"
}

// Ago says how long before now t was ("3m ago", "in 2m"), or "never" for
// the zero time.
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	if d < 0 {
		return "in " + short(-d)
	}
	if d < time.Second {
		return "just now"
	}
	return short(d) + " ago"
}

// short renders a duration in its largest unit or two: 45s, 3m, 2h05m, 3d4h.
func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}
