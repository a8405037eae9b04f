// Package quotegold reads gold files of expected quotations: the seed
// article's NAME.gold.json beside NAME.txt, and the Russian gold set in the
// same shape. Offsets are code points into the whole text file.
package quotegold

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is one gold file.
type File struct {
	Article   string   `json:"article"`
	Language  string   `json:"language"`
	Quotes    []Quote  `json:"quotes"`
	NotQuotes []string `json:"not_quotes"`
}

// Quote is one expected quotation; a nil Speaker or Verb is none.
type Quote struct {
	Text        string  `json:"text"`
	Start       int     `json:"start"`
	End         int     `json:"end"`
	Speaker     *string `json:"speaker"`
	Verb        *string `json:"verb"`
	Attribution string  `json:"attribution"`
}

// Article is a text file with its gold file.
type Article struct {
	Path string
	Text []rune
	Gold File
}

// Read reads NAME.txt and NAME.gold.json beside it, and checks that every
// quotation's offsets hold its text.
func Read(txtPath string) (Article, error) {
	raw, err := os.ReadFile(txtPath)
	if err != nil {
		return Article{}, fmt.Errorf("read gold article: %w", err)
	}
	goldPath := strings.TrimSuffix(txtPath, ".txt") + ".gold.json"
	graw, err := os.ReadFile(goldPath)
	if err != nil {
		return Article{}, fmt.Errorf("read gold file: %w", err)
	}
	a := Article{Path: txtPath, Text: []rune(string(raw))}
	if err := json.Unmarshal(graw, &a.Gold); err != nil {
		return Article{}, fmt.Errorf("decode gold file %s: %w", goldPath, err)
	}
	for i, q := range a.Gold.Quotes {
		if q.Start < 0 || q.End > len(a.Text) || q.Start > q.End || string(a.Text[q.Start:q.End]) != q.Text {
			return Article{}, fmt.Errorf("gold file %s: quote %d: offsets %d..%d do not hold its text", goldPath, i, q.Start, q.End)
		}
	}
	return a, nil
}

// ReadDir reads every NAME.txt of dir with its gold file.
func ReadDir(dir string) ([]Article, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, fmt.Errorf("list gold articles: %w", err)
	}
	sort.Strings(paths)
	out := make([]Article, 0, len(paths))
	for _, p := range paths {
		a, err := Read(p)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no gold articles in %s", dir)
	}
	return out, nil
}

// Or is the string a nil-able gold field holds, "" for nil.
func Or(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
