package evaluate

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/entity"
)

// CoNLLDoc is one document of a CoNLL-2003-style file, its tokens joined by
// spaces, one sentence a line.
type CoNLLDoc struct {
	Text string
	Gold []Span
}

// conllTypes maps CoNLL's tags to the extractor's; LOC stands for both
// GPE and LOC, and scores either.
var conllTypes = map[string]string{"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}

// ReadCoNLL reads a CoNLL-2003-style file: a token and its tags per line
// (the last column is the IOB1 or IOB2 name tag), a blank line between
// sentences, -DOCSTART- lines between documents.
func ReadCoNLL(path string) ([]CoNLLDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read CoNLL file: %w", err)
	}
	defer f.Close()
	var docs []CoNLLDoc
	var b strings.Builder
	var gold []Span
	runes := 0
	open := -1
	openType := ""
	closeName := func() {
		if open >= 0 {
			gold = append(gold, Span{Start: open, End: runes, Type: openType})
			open = -1
		}
	}
	flush := func() {
		closeName()
		if b.Len() > 0 {
			docs = append(docs, CoNLLDoc{Text: b.String(), Gold: gold})
		}
		b.Reset()
		gold = nil
		runes = 0
	}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 0:
			closeName()
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
				runes++
			}
			continue
		case fields[0] == "-DOCSTART-":
			flush()
			continue
		case len(fields) < 2:
			return nil, fmt.Errorf("%s:%d: want a token and a tag", path, line)
		}
		word, tag := fields[0], fields[len(fields)-1]
		prefix, typ, _ := strings.Cut(tag, "-")
		begins := prefix == "B" || prefix == "I" && (open < 0 || conllTypes[typ] != openType)
		if tag == "O" || begins {
			closeName()
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte(' ')
			runes++
		}
		if begins {
			open, openType = runes, conllTypes[typ]
		}
		b.WriteString(word)
		runes += utf8.RuneCountInString(word)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	flush()
	return docs, nil
}

// CoNLLFile scores x on a CoNLL-2003-style file; the extractor's GPE and
// LOC both count as CoNLL's LOC.
func CoNLLFile(x *entity.Extractor, path string) (*Score, error) {
	docs, err := ReadCoNLL(path)
	if err != nil {
		return nil, err
	}
	s := NewScore()
	for _, d := range docs {
		pred := Spans(x.Extract(doc.Document{Body: d.Text, Language: "en"}))
		for i := range pred {
			if pred[i].Type == "GPE" {
				pred[i].Type = "LOC"
			}
		}
		s.Add(pred, d.Gold)
	}
	return s, nil
}
