// Command traintagger learns the Russian named-entity tagger from the
// training split of NEREL and writes the model the extractor embeds:
//
//	go run ./cmd/traintagger -nerel ../../../shared/corpora/nerel/train -out internal/tagger/data/ru.model.gz
//
// It learns the outermost names of the types PERSON, ORG, GPE, LOC and NORP
// (the extractor adds the places nested inside organisations' names from
// its gazetteer).
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/nerel"
	"github.com/newswire/newswire/services/extractor/internal/tagger"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

func main() {
	dir := flag.String("nerel", "../../../shared/corpora/nerel/train", "the NEREL training split")
	out := flag.String("out", "internal/tagger/data/ru.model.gz", "the model file to write")
	bits := flag.Uint("bits", 18, "log2 of the number of feature rows")
	epochs := flag.Int("epochs", 8, "passes over the training data")
	flag.Parse()
	if err := run(*dir, *out, *bits, *epochs); err != nil {
		fmt.Fprintln(os.Stderr, "traintagger:", err)
		os.Exit(1)
	}
}

func run(dir, out string, bits uint, epochs int) error {
	docs, err := nerel.ReadDir(dir)
	if err != nil {
		return err
	}
	gaz, err := gazetteer.Load()
	if err != nil {
		return err
	}
	examples, skipped := Examples(docs, gaz)
	fmt.Printf("traintagger: %d documents, %d gold names off token boundaries skipped\n", len(docs), skipped)
	tr := tagger.NewTrainer(bits)
	rng := rand.New(rand.NewPCG(1, 2))
	for e := range epochs {
		rng.Shuffle(len(examples), func(i, j int) { examples[i], examples[j] = examples[j], examples[i] })
		fmt.Printf("epoch %d: %.4f of tokens wrong\n", e+1, tr.Epoch(examples))
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create model: %w", err)
	}
	if err := tr.Model().Write(f); err != nil {
		f.Close()
		return fmt.Errorf("write model: %w", err)
	}
	return f.Close()
}

var learned = map[string]bool{"PERSON": true, "ORG": true, "GPE": true, "LOC": true, "NORP": true}

// Examples tokenizes the documents and places their outermost gold names
// on token boundaries; it returns how many names fell off them.
func Examples(docs []nerel.Document, gaz *gazetteer.Gazetteer) ([]tagger.Example, int) {
	skipped := 0
	out := make([]tagger.Example, 0, len(docs))
	for _, d := range docs {
		toks := token.Split(d.Text, nil)
		stems := make([]uint64, len(toks))
		folds := make([]uint64, len(toks))
		for i, t := range toks {
			stems[i], folds[i] = token.Keys(t.Text(d.Text))
		}
		byRune := runeIndex(d.Text, toks)
		known := func(i int) (gazetteer.Match, bool) { return gaz.Longest(toks, stems, i) }
		ex := tagger.Example{Tokens: tagger.Tokens{Text: d.Text, Toks: toks, Stems: stems, Folds: folds, Known: known}}
		for _, e := range nerel.TopLevel(d.Entities, learned) {
			s, ok1 := byRune.start[e.Start]
			end, ok2 := byRune.end[e.End]
			if !ok1 || !ok2 {
				skipped++
				continue
			}
			ex.Gold = append(ex.Gold, tagger.Span{Start: s, End: end + 1, Type: nerel.Types[e.Type]})
		}
		out = append(out, ex)
	}
	return out, skipped
}

type index struct{ start, end map[int]int }

// runeIndex maps code-point offsets of token starts and ends to tokens.
func runeIndex(text string, toks []token.Token) index {
	ix := index{start: map[int]int{}, end: map[int]int{}}
	byteToRune := make([]int, len(text)+1)
	r := 0
	for b := range text {
		byteToRune[b] = r
		r++
	}
	byteToRune[len(text)] = r
	for i, t := range toks {
		ix.start[byteToRune[t.Start]] = i
		ix.end[byteToRune[t.End]] = i
	}
	return ix
}
