// Package feeds shows operators their feeds: the fetcher's state of each
// (from Redis), and what one read of a feed would emit.
package feeds

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feedstate"
)

// Lister lists the feeds the fetcher knows.
type Lister interface {
	List(ctx context.Context) ([]feedstate.Feed, error)
}

// MaxErrorRunes bounds the last error shown in the table.
const MaxErrorRunes = 80

// List writes a table of the feeds (only those whose last poll failed,
// with failing) and a line that counts them.
func List(ctx context.Context, st Lister, failing bool, style display.Style, now time.Time, out io.Writer) error {
	all, err := st.List(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		_, err := fmt.Fprintln(out, "no feeds: the fetcher has not synced a feed list into this Redis (check REDIS_ADDR and REDIS_KEY_PREFIX)")
		return err
	}
	t := style.NewTable("FEED", "STATE", "LAST POLL", "FAILURES", "NEXT POLL", "LAST ERROR")
	bad := 0
	for _, f := range all {
		if f.Failures > 0 {
			bad++
		}
		if failing && f.Failures == 0 {
			continue
		}
		t.Row(display.Text(f.URL), state(f), display.Text(display.Ago(f.LastPoll, now)),
			failures(f), display.Text(next(f, now)), display.Faint(display.Truncate(display.Clean(f.LastError), MaxErrorRunes)))
	}
	if t.Len() > 0 {
		if _, err := t.WriteTo(out); err != nil {
			return err
		}
	}
	_, err = fmt.Fprintf(out, "%d feeds, %d failing\n", len(all), bad)
	return err
}

func state(f feedstate.Feed) display.Cell {
	s := f.LastStatus
	if s == "" {
		return display.Faint("not polled yet")
	}
	if f.LastCode != 0 && f.LastCode != 200 {
		s = fmt.Sprintf("%s (HTTP %d)", s, f.LastCode)
	}
	if f.Failures > 0 {
		return display.Bad(s)
	}
	return display.Good(s)
}

func failures(f feedstate.Feed) display.Cell {
	if f.Failures == 0 {
		return display.Text("0")
	}
	return display.Bad(fmt.Sprint(f.Failures))
}

func next(f feedstate.Feed, now time.Time) string {
	if f.NextPoll.IsZero() {
		return "-"
	}
	if !f.NextPoll.After(now) {
		return "due"
	}
	return display.Ago(f.NextPoll, now)
}

// PreviewRunes is how much of each article's body a check shows.
const PreviewRunes = 240

// Check reads the feed once as the fetcher would (same client, limits and
// article pages) and writes what it would emit. It writes nothing else
// anywhere.
func Check(ctx context.Context, http articles.Fetcher, feed feedlist.Feed, pages articles.PageOptions, log *zap.Logger, style display.Style, now time.Time, out io.Writer) error {
	p, err := articles.Read(ctx, http, feed, pages, log, now)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", style.Bold("feed"), display.Clean(feed.URL))
	if p.FinalURL != "" && p.FinalURL != feed.URL {
		fmt.Fprintf(&b, "  redirected to %s\n", display.Clean(p.FinalURL))
	}
	fmt.Fprintf(&b, "  HTTP %d, %s, %d bytes, encoding %s\n", p.Status, display.Clean(p.ContentType), p.Bytes, orNone(p.Encoding))
	fmt.Fprintf(&b, "  title %q, language %s", display.Clean(p.Title), orNone(display.Clean(p.Language)))
	if p.TTL > 0 {
		fmt.Fprintf(&b, ", asks to be polled at most every %s", p.TTL)
	}
	fmt.Fprintf(&b, "\n  %s", display.Count(p.Items, "item"))
	if p.Dropped > 0 {
		fmt.Fprintf(&b, " (%d more left out: over the item limit, or without any text)", p.Dropped)
	}
	b.WriteString("\n")
	if n := p.Pages.Extracted + p.Pages.Failed + p.Pages.OverBudget; n > 0 {
		fmt.Fprintf(&b, "  article pages: %d extracted, %d failed (summary kept), %d over the budget of %d\n",
			p.Pages.Extracted, p.Pages.Failed, p.Pages.OverBudget, pages.Max)
	}
	fmt.Fprintf(&b, "\nwould emit %s (each at revision 1: a check does not know what the fetcher emitted before)\n", display.Count(len(p.Articles), "article"))
	for i, a := range p.Articles {
		fmt.Fprintf(&b, "\n%3d. %s\n", i+1, style.Bold(display.Truncate(display.Clean(a.Title), 200)))
		fmt.Fprintf(&b, "     id        %s  revision %d\n", a.ID, a.Revision)
		fmt.Fprintf(&b, "     source    %s  language %s\n", display.Clean(a.Source), display.Clean(a.Language))
		fmt.Fprintf(&b, "     url       %s\n", display.Clean(a.URL))
		fmt.Fprintf(&b, "     published %s\n", a.PublishedAt.UTC().Format(time.RFC3339))
		fmt.Fprintf(&b, "     body      %s\n", style.Dim(display.Truncate(display.Clean(a.Body), PreviewRunes)))
	}
	_, err = io.WriteString(out, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
