package main

import (
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/quote"
	"github.com/newswire/newswire/services/extractor/internal/quotegold"
)

// fileCounts add up the comparison of predictions with gold files.
type fileCounts struct {
	counts
	speakerExact, kindRight, verbRight int // over found gold quotations
	notQuotes, notQuotesEmitted        int
}

// scoreGold compares the extraction of one gold article with its gold
// file. Speakers must match the full canonical name here, not only the
// surname.
func scoreGold(x *quote.Extractor, g quotegold.Article) fileCounts {
	qs, preds := predict(x, g.Text, g.Gold.Language)
	c := fileCounts{counts: counts{articles: 1, predicted: len(preds)}}
	gold := make([]span, len(g.Gold.Quotes))
	for i, q := range g.Gold.Quotes {
		gold[i] = span{q.Start, q.End}
	}
	covered := make([]bool, len(g.Text))
	for _, p := range preds {
		fill(covered, clamp(p.start, len(g.Text)), clamp(p.end, len(g.Text)))
		if best := overlap(p.span, gold); p.end > p.start && 2*best >= p.end-p.start {
			c.predictedCorrect++
		}
	}
	for _, q := range g.Gold.Quotes {
		c.gold++
		if quotegold.Or(q.Speaker) != "" {
			c.goldJudgeable++
		}
		best := c.find(covered, preds, []span{{q.Start, q.End}})
		if best < 0 {
			continue
		}
		want := quotegold.Or(q.Speaker)
		got := qs[best]
		if got.Speaker != "" {
			c.foundNamed++
		}
		if want != "" {
			c.foundJudgeable++
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
		if quotegold.Or(q.Verb) == got.Verb {
			c.verbRight++
		}
	}
	for _, nq := range g.Gold.NotQuotes {
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
