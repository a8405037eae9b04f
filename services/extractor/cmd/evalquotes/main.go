// Command evalquotes scores the quotation extractor on PolNeAR (the way
// published systems are scored, see the corpus README), on the seed
// article's gold file and on the Russian gold set.
//
// PolNeAR's articles are split by a fixed hash of their names (FNV-1a 32
// mod 5 == 0): a fifth is held out (its errors are never printed), the rest
// is for development.
//
// Scoring follows the corpus README. Gold quotations are the first
// annotator's attributions whose Content holds at least four words inside
// double quotation marks (“…”, "…", NYT ”…”). A gold quotation is found
// when the predictions cover 30% of its Content characters (R30; strictly
// 80%, R80); a prediction is correct when half of it lies inside one
// attribution's Content (P). Speaker accuracy is judged on found quotations
// whose gold Source holds a capitalised name (not a bare pronoun or a
// description) and whose best-overlapping prediction names a speaker: right
// when the predicted surname is a word of the Source. Speaker coverage
// (spkCov) is judged on the same quotations: of the found quotations whose
// gold Source holds a capitalised name, the share whose prediction names a
// speaker. Quotations whose Source is "I", "they", "the statement" or empty
// are not judged, in coverage as in accuracy: the README judges speakers
// only where the Source holds a name, and there leaving the speaker null
// is often the right answer. named is the share of all found quotations
// that name a speaker, judged or not. End-to-end F1 combines P with the
// share of judgeable gold quotations found with the right speaker (e2eR).
//
//	go run ./cmd/evalquotes -split all
//	go run ./cmd/evalquotes -split dev -errors 40   # show development errors
//	go run ./cmd/evalquotes -split dev -by-publisher # figures of each publisher
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/quote"
	"github.com/newswire/newswire/services/extractor/internal/quotegold"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "evalquotes:", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	out := &report{w: w}
	fs := flag.NewFlagSet("evalquotes", flag.ContinueOnError)
	polnear := fs.String("polnear", "", "PolNeAR directory (default: shared/corpora/polnear found above the working directory)")
	seed := fs.String("seed", "../../fixtures/seed/belta-lavrov-central-asia.txt", "seed article text; its gold file is NAME.gold.json beside it")
	ru := fs.String("ru", "testdata/quotes-ru", "directory of the Russian gold set (NAME.txt with NAME.gold.json)")
	split := fs.String("split", "all", "PolNeAR part to score: all (prints dev, heldout and both), dev or heldout")
	showErrors := fs.Int("errors", 0, "print up to N mistakes on development articles")
	dump := fs.String("dump", "", "print the quotations found in this text file (first line the title) and exit")
	lang := fs.String("lang", "en", "language of the -dump file")
	marks := fs.Bool("marks", false, "score every run inside double quotation marks as a prediction, without speakers (the ceiling of mark-based detection)")
	byPublisher := fs.Bool("by-publisher", false, "also print the figures of each publisher in the chosen part")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *split != "all" && *split != splitDev && *split != splitHeldOut {
		return fmt.Errorf("-split %q: want all, dev or heldout", *split)
	}
	gaz, err := gazetteer.Load()
	if err != nil {
		return err
	}
	x := quote.New(gaz)
	if *dump != "" {
		raw, err := os.ReadFile(*dump)
		if err != nil {
			return fmt.Errorf("read -dump file: %w", err)
		}
		qs, _ := predict(x, []rune(string(raw)), *lang)
		for _, q := range qs {
			out.printf("%s %d-%d %-12s speaker=%q role=%q verb=%q kind=%s\n    %q\n",
				q.In, q.Start, q.End, q.Attribution, q.Speaker, q.Role, q.Verb, q.SpeakerKind, q.Text)
		}
		return out.err
	}

	dir := *polnear
	if dir == "" {
		if dir, err = findUp(filepath.Join("shared", "corpora", "polnear")); err != nil {
			return err
		}
	}
	articles, err := loadPolNeAR(dir)
	if err != nil {
		return err
	}
	parts := map[string]*counts{splitDev: {}, splitHeldOut: {}, "all": {}}
	publishers := map[string]*counts{} // keyed by part and publisher
	shown := 0
	for _, a := range articles {
		part := splitOf(a.name)
		if *split != "all" && part != *split {
			continue
		}
		_, preds := predict(x, a.text, "en")
		if *marks {
			preds = markRuns(a.text)
		}
		c := scoreArticle(a.text, a.attributions, preds)
		parts[part].add(c)
		parts["all"].add(c)
		key := part + " " + a.publisher
		if publishers[key] == nil {
			publishers[key] = &counts{}
		}
		publishers[key].add(c)
		if part == splitDev && shown < *showErrors {
			shown += printErrors(out, a, preds, *showErrors-shown)
		}
	}
	out.printf("PolNeAR direct quotations (%s)\n", dir)
	printTable(out, "part", []string{splitDev, splitHeldOut, "all"}, parts)
	if *byPublisher {
		keys := make([]string, 0, len(publishers))
		for k := range publishers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out.printf("\nby publisher\n")
		printTable(out, "part publisher", keys, publishers)
	}
	out.printf("\n")

	if *seed != "" {
		g, err := quotegold.Read(*seed)
		if err != nil {
			return err
		}
		printGold(out, "seed article "+filepath.Base(*seed), []fileCounts{scoreGold(x, g)})
	}
	if *ru != "" {
		set, err := quotegold.ReadDir(*ru)
		if err != nil {
			return err
		}
		var cs []fileCounts
		for _, g := range set {
			cs = append(cs, scoreGold(x, g))
		}
		printGold(out, "Russian gold set "+*ru, cs)
	}
	return out.err
}

// printTable prints one line of figures for each of rows that has
// articles.
func printTable(out *report, label string, rows []string, by map[string]*counts) {
	width := len(label)
	for _, r := range rows {
		width = max(width, len(r))
	}
	out.printf("%-*s %8s %5s %5s %6s %6s %6s %6s %6s %6s %6s %6s %6s %6s\n", width, label,
		"articles", "gold", "pred", "P", "R30", "F1@30", "R80", "F1@80", "spkAcc", "spkCov", "e2eR", "e2eF1", "named")
	for _, r := range rows {
		c := by[r]
		if c == nil || c.articles == 0 {
			continue
		}
		m := c.metrics()
		out.printf("%-*s %8d %5d %5d %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f %6.3f\n",
			width, r, c.articles, c.gold, c.predicted, m.precision, m.recall30, m.f130, m.recall80, m.f180,
			m.speakerAccuracy, m.speakerCoverage, m.e2eRecall, m.e2eF1, m.namedShare)
	}
}

// predict runs the extractor over an article whose first line is its title,
// and returns its quotations with spans in code points of the whole text.
func predict(x *quote.Extractor, text []rune, lang string) ([]quote.Quote, []prediction) {
	title, body, bodyStart := splitArticle(text)
	qs := x.Extract(doc.Document{Title: title, Body: body, Language: lang})
	preds := make([]prediction, len(qs))
	for i, q := range qs {
		shift := 0
		if q.In == event.InBody {
			shift = bodyStart
		}
		preds[i] = prediction{span: span{q.Start + shift, q.End + shift}, speaker: q.Speaker, kind: q.Attribution}
	}
	return qs, preds
}

// splitArticle takes the first line as the title and what follows the
// blank lines after it as the body.
func splitArticle(text []rune) (title, body string, bodyStart int) {
	i := 0
	for i < len(text) && text[i] != '\n' {
		i++
	}
	title = string(text[:i])
	for i < len(text) && (text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return title, string(text[i:]), i
}

func printGold(out *report, name string, cs []fileCounts) {
	var t fileCounts
	for _, c := range cs {
		t.add(c.counts)
		t.speakerExact += c.speakerExact
		t.kindRight += c.kindRight
		t.verbRight += c.verbRight
		t.notQuotes += c.notQuotes
		t.notQuotesEmitted += c.notQuotesEmitted
	}
	m := t.metrics()
	out.printf("%s: %d articles, %d gold quotations, %d predicted\n", name, t.articles, t.gold, t.predicted)
	out.printf("  detection P %.3f R@30 %.3f F1@30 %.3f R@80 %.3f F1@80 %.3f\n",
		m.precision, m.recall30, m.f130, m.recall80, m.f180)
	out.printf("  speaker (full name) accuracy %.3f coverage %.3f; end-to-end F1 %.3f\n",
		m.speakerAccuracy, m.speakerCoverage, m.e2eF1)
	out.printf("  of %d found: speaker exact %d, attribution kind %d, verb %d; not-quotes emitted %d of %d\n\n",
		t.found30, t.speakerExact, t.kindRight, t.verbRight, t.notQuotesEmitted, t.notQuotes)
}

// findUp looks for rel in the working directory and its parents.
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find %s: %w", rel, err)
	}
	for {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no " + rel + " above the working directory: pass -polnear")
		}
		dir = parent
	}
}

// printErrors shows the mistakes on one development article: missed gold
// quotations, wrong predictions and wrong speakers.
func printErrors(out *report, a article, preds []prediction, limit int) int {
	n := 0
	quoted := quotedRegions(a.text)
	say := func(format string, args ...any) {
		if n < limit {
			out.printf(format, args...)
		}
		n++
	}
	snippet := func(s span) string {
		t := string(a.text[clamp(s.start, len(a.text)):clamp(s.end, len(a.text))])
		t = strings.ReplaceAll(t, "\n", "⏎")
		if r := []rune(t); len(r) > 600 {
			t = string(r[:300]) + " … " + string(r[len(r)-250:])
		}
		return t
	}
	context := func(s span) string {
		return snippet(span{s.start - 250, s.end + 120})
	}
	for _, p := range preds {
		best := 0
		for _, at := range a.attributions {
			best = max(best, overlap(p.span, at.content))
		}
		if 2*best < p.end-p.start {
			say("%s FALSE %q\n      ctx: %s\n", a.name, snippet(p.span), context(p.span))
		}
	}
	for _, at := range a.attributions {
		if !goldQuotation(a.text, quoted, at) {
			continue
		}
		bestI, bestO, total := -1, 0, 0
		for _, s := range at.content {
			total += s.end - s.start
		}
		for i, p := range preds {
			if o := overlap(p.span, at.content); o > bestO {
				bestI, bestO = i, o
			}
		}
		src := ""
		for _, s := range at.source {
			src += snippet(s) + " "
		}
		c := at.content[0]
		switch {
		case 10*bestO < 3*total: // not exact for unions, enough to look at
			say("%s MISSED %q (source %q)\n      ctx: %s\n", a.name, snippet(c), src, context(c))
		case preds[bestI].speaker == "":
			label := "NOSPEAKER"
			if !hasCapitalisedName(a.text, at.source) {
				label = "NOSPEAKER-UNJUDGED"
			}
			say("%s %s/%s %q (source %q)\n      ctx: %s\n", a.name, label, preds[bestI].kind, snippet(c), src, context(c))
		case hasCapitalisedName(a.text, at.source) && !surnameIn(preds[bestI].speaker, a.text, at.source):
			say("%s WRONGSPEAKER/%s %q said %q, gold %q\n      ctx: %s\n", a.name, preds[bestI].kind, snippet(c), preds[bestI].speaker, src, context(c))
		}
	}
	return min(n, limit)
}

// markRuns is every run of text inside double quotation marks, as the
// scorer sees them.
func markRuns(text []rune) []prediction {
	var out []prediction
	quoted := quotedRegions(text)
	for i := 0; i < len(quoted); {
		if !quoted[i] {
			i++
			continue
		}
		j := i
		for j < len(quoted) && quoted[j] {
			j++
		}
		out = append(out, prediction{span: span{i, j}})
		i = j
	}
	return out
}

// report prints the figures and keeps the first write error.
type report struct {
	w   io.Writer
	err error
}

func (r *report) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}
