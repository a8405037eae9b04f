package evaluate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newswire/newswire/services/extractor/internal/doc"
	"github.com/newswire/newswire/services/extractor/internal/entity"
)

// Passage is one hand-annotated text of the English gold set
// (testdata/entities-en/*.json).
type Passage struct {
	Name     string       `json:"-"`
	Source   string       `json:"source"`
	Split    string       `json:"split"` // "dev" (looked at while writing rules) or "heldout"
	Title    string       `json:"title"`
	Body     string       `json:"body"`
	Entities []GoldEntity `json:"entities"`
}

// GoldEntity is one real thing of a gold text, with every mention.
type GoldEntity struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	Wikidata string        `json:"wikidata,omitempty"`
	Mentions []GoldMention `json:"mentions"`
}

// GoldMention is one mention, in code points.
type GoldMention struct {
	In    string `json:"in"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// ReadPassages reads every *.json passage in dir, checking that each
// mention's offsets hold its text.
func ReadPassages(dir string) ([]Passage, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("read gold set %s: no .json files", dir)
	}
	sort.Strings(names)
	out := make([]Passage, 0, len(names))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read gold passage: %w", err)
		}
		var p Passage
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("parse gold passage %s: %w", name, err)
		}
		p.Name = filepath.Base(name)
		if err := p.check(); err != nil {
			return nil, fmt.Errorf("gold passage %s: %w", name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (p Passage) check() error {
	for _, e := range p.Entities {
		for _, m := range e.Mentions {
			text := []rune(p.Body)
			if m.In == "title" {
				text = []rune(p.Title)
			}
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End || string(text[m.Start:m.End]) != m.Text {
				return fmt.Errorf("mention %q of %q: offsets %d-%d do not hold it", m.Text, e.Name, m.Start, m.End)
			}
		}
	}
	return nil
}

// Spans returns the passage's gold mentions as spans.
func (p Passage) Spans() []Span {
	var out []Span
	for _, e := range p.Entities {
		for _, m := range e.Mentions {
			out = append(out, Span{In: m.In, Start: m.Start, End: m.End, Type: e.Type, Wikidata: e.Wikidata})
		}
	}
	return out
}

// Document returns the passage as the extractor reads it.
func (p Passage) Document() doc.Document {
	return doc.Document{Title: p.Title, Body: p.Body, Language: "en"}
}

// EntityScore counts gold entities found whole: every mention in one
// predicted entity under the gold canonical name.
type EntityScore struct {
	Found, Total int
	Missed       []string
}

// Passages scores x on passages: spans, links and whole entities.
func Passages(x *entity.Extractor, ps []Passage, errs func(name string, lines []string)) (*Score, EntityScore) {
	s := NewScore()
	var es EntityScore
	for _, p := range ps {
		got := x.Extract(p.Document())
		pred := Spans(got)
		gold := p.Spans()
		s.Add(pred, gold)
		if errs != nil {
			lines := Errors(p.Body, onlyIn(pred, "body"), onlyIn(gold, "body"))
			for _, l := range Errors(p.Title, onlyIn(pred, "title"), onlyIn(gold, "title")) {
				lines = append(lines, "title: "+l)
			}
			errs(p.Name, lines)
		}
		for _, g := range p.Entities {
			if !Scored[g.Type] {
				continue
			}
			es.Total++
			if wholeEntity(got, g) {
				es.Found++
			} else {
				es.Missed = append(es.Missed, p.Name+": "+g.Name)
			}
		}
	}
	return s, es
}

func onlyIn(spans []Span, in string) []Span {
	var out []Span
	for _, s := range spans {
		if inOf(s.In) == in {
			out = append(out, s)
		}
	}
	return out
}

// wholeEntity reports whether one predicted entity has g's canonical name
// and type and holds every mention of g.
func wholeEntity(got []entity.Entity, g GoldEntity) bool {
	for _, e := range got {
		if e.Name != g.Name || e.Type != g.Type {
			continue
		}
		have := map[spanKey]bool{}
		for _, m := range e.Mentions {
			have[spanKey{in: inOf(m.In), start: m.Start, end: m.End}] = true
		}
		all := true
		for _, m := range g.Mentions {
			if !have[spanKey{in: inOf(m.In), start: m.Start, end: m.End}] {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// SeedGold is the seed article's gold file: entities by canonical name with
// the surface forms merged into each, and strings that are no entities.
type SeedGold struct {
	Article  string `json:"article"`
	Language string `json:"language"`
	Entities []struct {
		Name         string   `json:"name"`
		Type         string   `json:"type"`
		Mentions     []string `json:"mentions"`
		AlsoAccepted []string `json:"also_accepted"`
	} `json:"entities"`
	NotEntities []string `json:"not_entities"`
}

// SeedResult is how the extraction of the seed article compares with its
// gold file.
type SeedResult struct {
	Found, Total int
	Missing      []string // gold entities not found under their name, type and forms
	Forbidden    []string // not-entities that came out
	Extra        []string // entities the gold file does not list (neither right nor wrong)
}

// Seed reads the gold file at path and its article beside it, and compares
// x's extraction with it. The article's first line is its title.
func Seed(x *entity.Extractor, path string) (SeedResult, error) {
	var r SeedResult
	b, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("read seed gold: %w", err)
	}
	var g SeedGold
	if err := json.Unmarshal(b, &g); err != nil {
		return r, fmt.Errorf("parse seed gold %s: %w", path, err)
	}
	text, err := os.ReadFile(filepath.Join(filepath.Dir(path), g.Article))
	if err != nil {
		return r, fmt.Errorf("read seed article: %w", err)
	}
	title, body, _ := strings.Cut(string(text), "\n")
	got := x.Extract(doc.Document{Title: title, Body: body, Language: g.Language})
	listed := map[string]bool{}
	for _, ge := range g.Entities {
		r.Total++
		names := append([]string{ge.Name}, ge.AlsoAccepted...)
		ok := false
		for _, e := range got {
			if !contains(names, e.Name) || e.Type != ge.Type {
				continue
			}
			texts := map[string]bool{}
			for _, m := range e.Mentions {
				texts[m.Text] = true
			}
			all := true
			for _, form := range ge.Mentions {
				if !texts[form] {
					all = false
				}
			}
			if all {
				ok = true
				listed[e.ID] = true
			}
		}
		if ok {
			r.Found++
		} else {
			r.Missing = append(r.Missing, ge.Name)
		}
	}
	for _, e := range got {
		for _, bad := range g.NotEntities {
			hit := e.Name == bad
			for _, m := range e.Mentions {
				hit = hit || m.Text == bad
			}
			if hit {
				r.Forbidden = append(r.Forbidden, bad)
			}
		}
		if !listed[e.ID] {
			r.Extra = append(r.Extra, e.Type+" "+e.Name)
		}
	}
	return r, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
