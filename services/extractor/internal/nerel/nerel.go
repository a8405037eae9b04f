// Package nerel reads the NEREL corpus (Russian news with nested named
// entities and Wikidata links, in brat standoff format) and maps its 29
// entity types to the extractor's.
package nerel

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Document is one text with its annotations. Offsets are code points.
type Document struct {
	Name     string
	Text     string
	Entities []Entity
}

// Entity is one annotated span.
type Entity struct {
	ID         string
	Type       string // NEREL's: PERSON, ORGANIZATION, COUNTRY, …
	Start, End int
	Text       string
	Wikidata   string // from the N line, "" when absent or NULL
}

// Types maps NEREL's types to the extractor's; the types not listed
// (PROFESSION, DATE, …) have no counterpart.
var Types = map[string]string{
	"PERSON":            "PERSON",
	"ORGANIZATION":      "ORG",
	"COUNTRY":           "GPE",
	"CITY":              "GPE",
	"STATE_OR_PROVINCE": "GPE",
	"DISTRICT":          "GPE",
	"LOCATION":          "LOC",
	"NATIONALITY":       "NORP",
	"EVENT":             "EVENT",
}

// ReadDir reads every document of a split folder (NAME.txt with NAME.ann).
func ReadDir(dir string) ([]Document, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.ann"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("read NEREL split %s: no .ann files", dir)
	}
	sort.Strings(names)
	docs := make([]Document, 0, len(names))
	for _, ann := range names {
		d, err := Read(strings.TrimSuffix(ann, ".ann"))
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// Read reads one document: base.txt and base.ann.
func Read(base string) (Document, error) {
	text, err := os.ReadFile(base + ".txt")
	if err != nil {
		return Document{}, fmt.Errorf("read NEREL text: %w", err)
	}
	d := Document{Name: filepath.Base(base), Text: string(text)}
	f, err := os.Open(base + ".ann")
	if err != nil {
		return Document{}, fmt.Errorf("read NEREL annotations: %w", err)
	}
	defer f.Close()
	byID := map[string]int{}
	links := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for line := 1; sc.Scan(); line++ {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			continue
		}
		switch {
		case strings.HasPrefix(cols[0], "T"):
			fields := strings.Fields(cols[1])
			if len(fields) != 3 {
				continue // a discontinuous span: "TYPE 1 5;8 12"
			}
			start, err1 := strconv.Atoi(fields[1])
			end, err2 := strconv.Atoi(fields[2])
			if err1 != nil || err2 != nil || start < 0 || end < start {
				return Document{}, fmt.Errorf("%s.ann:%d: bad offsets %q", base, line, cols[1])
			}
			e := Entity{ID: cols[0], Type: fields[0], Start: start, End: end}
			if len(cols) > 2 {
				e.Text = cols[2]
			}
			byID[e.ID] = len(d.Entities)
			d.Entities = append(d.Entities, e)
		case strings.HasPrefix(cols[0], "N"):
			// N7	Reference T5 Wikidata:Q813	Киргизия
			fields := strings.Fields(cols[1])
			if len(fields) == 3 && strings.HasPrefix(fields[2], "Wikidata:Q") {
				links[fields[1]] = strings.TrimPrefix(fields[2], "Wikidata:")
			}
		}
	}
	if err := sc.Err(); err != nil {
		return Document{}, fmt.Errorf("read %s.ann: %w", base, err)
	}
	for id, q := range links {
		if i, ok := byID[id]; ok {
			d.Entities[i].Wikidata = q
		}
	}
	return d, nil
}

// TopLevel returns the entities of the given extractor types that no other
// entity of those types contains: the one layer a flat tagger learns.
func TopLevel(es []Entity, types map[string]bool) []Entity {
	var out []Entity
	for _, e := range es {
		if !types[Types[e.Type]] {
			continue
		}
		inside := false
		for _, o := range es {
			if !types[Types[o.Type]] || o == e {
				continue
			}
			if o.Start <= e.Start && e.End <= o.End && (o.End-o.Start) > (e.End-e.Start) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, e)
		}
	}
	return out
}
