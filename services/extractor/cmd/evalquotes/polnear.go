package main

import (
	"bufio"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// span is a half-open range of code points in an article's text.
type span struct{ start, end int }

// attribution is one annotated attribution: who (Source, possibly empty)
// said what (Content, possibly discontinuous).
type attribution struct {
	source  []span
	content []span
}

// article is one PolNeAR article with the attributions of its first
// annotator.
type article struct {
	name         string
	publisher    string // from metadata.tsv; "unknown" when it is not listed
	text         []rune
	attributions []attribution
}

// Split parts: a fixed hash of the article name sends a fifth of the corpus
// to the held-out part, so tuning on the development part never sees it.
const (
	splitDev     = "dev"
	splitHeldOut = "heldout"
)

func splitOf(name string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(name))
	if h.Sum32()%5 == 0 {
		return splitHeldOut
	}
	return splitDev
}

// loadPolNeAR reads every article of dir/train with the annotations of the
// first annotator in name order.
func loadPolNeAR(dir string) ([]article, error) {
	texts, err := filepath.Glob(filepath.Join(dir, "train", "text", "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("list polnear texts: %w", err)
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("no polnear texts under %s", dir)
	}
	sort.Strings(texts)
	publishers, err := readPublishers(filepath.Join(dir, "metadata.tsv"))
	if err != nil {
		return nil, err
	}
	out := make([]article, 0, len(texts))
	for _, path := range texts {
		name := strings.TrimSuffix(filepath.Base(path), ".txt")
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read polnear article: %w", err)
		}
		anns, err := filepath.Glob(filepath.Join(dir, "train", "attributions", name+"_*.ann"))
		if err != nil {
			return nil, fmt.Errorf("list annotations of %s: %w", name, err)
		}
		a := article{name: name, publisher: publishers[name], text: []rune(string(raw))}
		if a.publisher == "" {
			a.publisher = "unknown"
		}
		if len(anns) > 0 {
			sort.Strings(anns)
			if a.attributions, err = readBrat(anns[0]); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// readPublishers reads the publisher of each article from the corpus's
// metadata table, whose header names the columns.
func readPublishers(path string) (map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read polnear metadata: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	name, pub := -1, -1
	for i, col := range strings.Split(lines[0], "\t") {
		switch strings.TrimSpace(col) {
		case "filename":
			name = i
		case "publisher":
			pub = i
		}
	}
	if name < 0 || pub < 0 {
		return nil, fmt.Errorf("read polnear metadata %s: no filename and publisher columns", path)
	}
	out := make(map[string]string, len(lines))
	for _, line := range lines[1:] {
		fields := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(fields) > max(name, pub) {
			out[fields[name]] = fields[pub]
		}
	}
	return out, nil
}

// readBrat reads the attributions of one brat standoff file. Span texts may
// run over several lines, so only the offsets are read.
func readBrat(path string) ([]attribution, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open annotations: %w", err)
	}
	defer func() { _ = f.Close() }()
	spans := map[string][]span{}
	var events [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 {
			continue
		}
		switch {
		case strings.HasPrefix(fields[0], "T"):
			kindAndOffsets := strings.SplitN(fields[1], " ", 2)
			if len(kindAndOffsets) != 2 {
				continue
			}
			ss, err := parseOffsets(kindAndOffsets[1])
			if err != nil {
				return nil, fmt.Errorf("read %s line %q: %w", path, sc.Text(), err)
			}
			spans[fields[0]] = ss
		case strings.HasPrefix(fields[0], "E"):
			events = append(events, strings.Fields(fields[1]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []attribution
	for _, ev := range events {
		if len(ev) == 0 || !strings.HasPrefix(ev[0], "Attribution") {
			continue // Discard and Discuss are not attributions
		}
		var a attribution
		for _, arg := range ev[1:] {
			role, id, ok := strings.Cut(arg, ":")
			if !ok {
				continue
			}
			switch strings.TrimRight(role, "0123456789") {
			case "Source":
				a.source = append(a.source, spans[id]...)
			case "Content":
				a.content = append(a.content, spans[id]...)
			}
		}
		if len(a.content) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

func parseOffsets(s string) ([]span, error) {
	var out []span
	for _, part := range strings.Split(s, ";") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), " ")
		if !ok {
			return nil, fmt.Errorf("offsets %q", part)
		}
		start, err1 := strconv.Atoi(from)
		end, err2 := strconv.Atoi(to)
		if err1 != nil || err2 != nil || end < start {
			return nil, fmt.Errorf("offsets %q", part)
		}
		out = append(out, span{start, end})
	}
	return out, nil
}

// quotedRegions marks the code points of text that lie inside quotation
// marks. It is deliberately simple and independent of the extractor: marks
// pair within a paragraph, an open mark left at a paragraph's end closes
// there, and single quotes are not counted (they are mostly nested or
// apostrophes).
func quotedRegions(text []rune) []bool {
	in := make([]bool, len(text))
	open := -1
	for i := 0; i < len(text); i++ {
		r := text[i]
		mark, width := isMark(text, i)
		switch {
		case r == '\n':
			if open >= 0 {
				fill(in, open, i)
				open = -1
			}
		case mark && open < 0 && r != '”' && r != '»':
			open = i + width
			i += width - 1
		case mark && open >= 0 && r != '“' && r != '«':
			fill(in, open, i)
			open = -1
			i += width - 1
		}
	}
	if open >= 0 {
		fill(in, open, len(text))
	}
	return in
}

// isMark reports whether a double quotation mark starts at i, and its width
// in code points (NYT writes two apostrophes).
func isMark(text []rune, i int) (bool, int) {
	switch text[i] {
	case '“', '”', '"', '«', '»', '„':
		return true, 1
	case '\'':
		if i+1 < len(text) && text[i+1] == '\'' {
			return true, 2
		}
	}
	return false, 0
}

func fill(in []bool, from, to int) {
	for i := from; i < to; i++ {
		in[i] = true
	}
}

// quotedWords counts the words of the spans that lie inside quotation
// marks.
func quotedWords(text []rune, in []bool, ss []span) int {
	n := 0
	for _, s := range ss {
		inWord := false
		for i := s.start; i < s.end && i < len(text); i++ {
			word := in[i] && (unicode.IsLetter(text[i]) || unicode.IsDigit(text[i]))
			if word && !inWord {
				n++
			}
			inWord = word
		}
	}
	return n
}
