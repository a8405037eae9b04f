package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/quote"
)

// goldFile is the shape of the seed article's expected extraction, shared by
// the Russian gold set. Offsets are code points into the whole text file.
type goldFile struct {
	Article   string      `json:"article"`
	Language  string      `json:"language"`
	Quotes    []goldQuote `json:"quotes"`
	NotQuotes []string    `json:"not_quotes"`
}

type goldQuote struct {
	Text        string  `json:"text"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	Speaker     *string `json:"speaker"`
	Verb        *string `json:"verb"`
	Attribution string  `json:"attribution"`
}

// fileCounts add up the comparison of predictions with gold files.
type fileCounts struct {
	counts
	speakerExact, kindRight, verbRight int // over found gold quotations
	notQuotes, notQuotesEmitted        int
}

// goldArticle is a text file with its gold file beside it.
type goldArticle struct {
	path string
	text []rune
	gold goldFile
}

// readGoldArticle reads NAME.txt and NAME.gold.json.
func readGoldArticle(txtPath string) (goldArticle, error) {
	raw, err := os.ReadFile(txtPath)
	if err != nil {
		return goldArticle{}, fmt.Errorf("read gold article: %w", err)
	}
	goldPath := strings.TrimSuffix(txtPath, ".txt") + ".gold.json"
	graw, err := os.ReadFile(goldPath)
	if err != nil {
		return goldArticle{}, fmt.Errorf("read gold file: %w", err)
	}
	g := goldArticle{path: txtPath, text: []rune(string(raw))}
	if err := json.Unmarshal(graw, &g.gold); err != nil {
		return goldArticle{}, fmt.Errorf("decode gold file %s: %w", goldPath, err)
	}
	for i, q := range g.gold.Quotes {
		if q.Start < 0 || q.End > len(g.text) || q.Start > q.End || string(g.text[q.Start:q.End]) != q.Text {
			return goldArticle{}, fmt.Errorf("gold file %s: quote %d: offsets %d..%d do not hold its text", goldPath, i, q.Start, q.End)
		}
	}
	return g, nil
}

// readGoldDir reads every NAME.txt with a NAME.gold.json in dir.
func readGoldDir(dir string) ([]goldArticle, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("list gold articles: %w", err)
	}
	sort.Strings(paths)
	var out []goldArticle
	for _, p := range paths {
		g, err := readGoldArticle(p)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no gold articles in %s", dir)
	}
	return out, nil
}

// scoreGold compares the extraction of one gold article with its gold
// file. Speakers must match the full canonical name here, not only the
// surname.
func scoreGold(x *quote.Extractor, g goldArticle) fileCounts {
	qs, preds := predict(x, g.text, g.gold.Language)
	c := fileCounts{counts: counts{articles: 1, predicted: len(preds)}}
	gold := make([]span, len(g.gold.Quotes))
	for i, q := range g.gold.Quotes {
		gold[i] = span{q.Start, q.End}
	}
	covered := make([]bool, len(g.text))
	for _, p := range preds {
		fill(covered, clamp(p.start, len(g.text)), clamp(p.end, len(g.text)))
		if best := overlap(p.span, gold); p.end > p.start && 2*best >= p.end-p.start {
			c.predictedCorrect++
		}
	}
	for _, q := range g.gold.Quotes {
		c.gold++
		best := c.find(covered, preds, []span{{q.Start, q.End}})
		if best < 0 {
			continue
		}
		want := ""
		if q.Speaker != nil {
			want = *q.Speaker
		}
		got := qs[best]
		if got.Speaker != "" {
			c.foundNamed++
		}
		if want != "" {
			c.goldJudgeable++
			if got.Speaker != "" {
				c.judged++
			}
			if got.Speaker == want {
				c.judgedRight++
				c.goldRight++
			}
		}
		if got.Speaker == want {
			c.speakerExact++
		}
		if got.Attribution == q.Attribution {
			c.kindRight++
		}
		if q.Verb == nil && got.Verb == "" || q.Verb != nil && *q.Verb == got.Verb {
			c.verbRight++
		}
	}
	for _, nq := range g.gold.NotQuotes {
		c.notQuotes++
		for _, q := range qs {
			if strings.TrimSpace(q.Text) == nq {
				c.notQuotesEmitted++
				break
			}
		}
	}
	return c
}
