// Command evalentities scores the entity extractor: typed precision, recall
// and F1 on exact spans over people, organisations and places, and the
// precision of its Wikidata links, on
//
//   - NEREL (Russian news; -nerel names the folder holding train/ and dev/),
//
//   - the seed article's gold file (-seed): its 23 entities under their
//     canonical names, none of its non-entities,
//
//   - the project's English gold set (-en: testdata/entities-en),
//
//   - a CoNLL-2003-style file when one is at hand (-conll PATH).
//
//     go run ./cmd/evalentities -nerel ../../../shared/corpora/nerel -seed ../../fixtures/seed/belta-lavrov-central-asia.gold.json -en testdata/entities-en
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/newswire/newswire/services/extractor/internal/entity"
	"github.com/newswire/newswire/services/extractor/internal/evaluate"
	"github.com/newswire/newswire/services/extractor/internal/nerel"
)

func main() {
	nerelDir := flag.String("nerel", "", "the NEREL folder with train/ and dev/")
	splits := flag.String("splits", "train,dev", "the NEREL splits to score")
	seed := flag.String("seed", "", "the seed article's gold file")
	en := flag.String("en", "", "the English gold set folder")
	conll := flag.String("conll", "", "a CoNLL-2003-style file (token … tag per line)")
	errs := flag.String("errors", "", "write every difference to this file")
	flag.Parse()
	if err := run(os.Stdout, *nerelDir, *splits, *seed, *en, *conll, *errs); err != nil {
		fmt.Fprintln(os.Stderr, "evalentities:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, nerelDir, splits, seed, en, conll, errsPath string) error {
	x, err := entity.Load()
	if err != nil {
		return err
	}
	var errLog func(name string, lines []string)
	if errsPath != "" {
		f, err := os.Create(errsPath)
		if err != nil {
			return fmt.Errorf("create errors file: %w", err)
		}
		defer f.Close()
		errLog = func(name string, lines []string) {
			for _, l := range lines {
				fmt.Fprintf(f, "%s\t%s\n", name, l)
			}
		}
	}
	if nerelDir != "" {
		for _, split := range filepathSplits(splits) {
			docs, err := nerel.ReadDir(filepath.Join(nerelDir, split))
			if err != nil {
				return err
			}
			evaluate.NEREL(x, docs, errLog).Report(w, "NEREL "+split)
		}
	}
	if seed != "" {
		r, err := evaluate.Seed(x, seed)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "seed %s\n  entities under their canonical names: %d of %d\n", filepath.Base(seed), r.Found, r.Total)
		fmt.Fprintf(w, "  missing: %q\n  non-entities that came out: %q\n  entities the gold file does not list: %q\n", r.Missing, r.Forbidden, r.Extra)
	}
	if en != "" {
		ps, err := evaluate.ReadPassages(en)
		if err != nil {
			return err
		}
		for _, split := range []string{"dev", "heldout"} {
			var part []evaluate.Passage
			for _, p := range ps {
				if p.Split == split {
					part = append(part, p)
				}
			}
			if len(part) == 0 {
				continue
			}
			s, es := evaluate.Passages(x, part, errLog)
			s.Report(w, "English gold set, "+split)
			fmt.Fprintf(w, "  whole entities under their canonical names: %d of %d\n", es.Found, es.Total)
			if errLog != nil {
				errLog("entities-"+split, es.Missed)
			}
		}
	}
	if conll != "" {
		s, err := evaluate.CoNLLFile(x, conll)
		if err != nil {
			return err
		}
		s.Report(w, "CoNLL "+filepath.Base(conll)+" (LOC = GPE or LOC)")
	}
	return nil
}

func filepathSplits(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
