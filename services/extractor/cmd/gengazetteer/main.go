// Command gengazetteer compiles the shared reference data (countries from
// mledoze/countries, international organisations from supraverden) and the
// project's curated data (internal/gazetteer/data/curated: Wikidata IDs of
// countries, cities, regions, people and organisations, with English and
// Russian names) into the gazetteer file the extractor embeds. Run it
// through `go generate ./internal/gazetteer` when the data changes:
//
//	go run ./cmd/gengazetteer -shared ../../../shared/data -curated internal/gazetteer/data/curated -out internal/gazetteer/data/generated.json
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Entry is one gazetteer entry as the extractor reads it.
type Entry struct {
	Name     string              `json:"name"`
	Type     string              `json:"type"`
	Kind     string              `json:"kind"`
	Wikidata string              `json:"wikidata,omitempty"`
	Country  string              `json:"country,omitempty"`
	Names    map[string][]string `json:"names"`
	Roles    map[string]string   `json:"roles,omitempty"`
	// Adjectives are the Russian adjectives of a country: российский.
	Adjectives []string `json:"adjectives,omitempty"`
	Source     string   `json:"source"`
}

const (
	srcCountries = "mledoze/countries (ODbL 1.0)"
	srcOrgs      = "confirmordeny/supraverden (CC BY-SA 4.0)"
	srcCurated   = "newswire curated (Wikidata IDs: CC0 1.0)"
)

func main() {
	shared := flag.String("shared", "../../../shared/data", "the shared data folder")
	curated := flag.String("curated", "internal/gazetteer/data/curated", "the curated data folder")
	out := flag.String("out", "internal/gazetteer/data/generated.json", "the file to write")
	flag.Parse()
	if err := run(*shared, *curated, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gengazetteer:", err)
		os.Exit(1)
	}
}

func run(shared, curated, out string) error {
	countries, demonyms, err := readCountries(filepath.Join(shared, "gazetteer", "countries.mledoze.json"))
	if err != nil {
		return err
	}
	if err := addCountryIDs(countries, filepath.Join(curated, "countries.tsv")); err != nil {
		return err
	}
	orgs, err := readOrgs(filepath.Join(shared, "gazetteer", "international-organisations.supraverden.yaml"))
	if err != nil {
		return err
	}
	places, err := readPlaces(filepath.Join(curated, "places.tsv"), "place")
	if err != nil {
		return err
	}
	curatedOrgs, err := readPlaces(filepath.Join(curated, "organisations.tsv"), "organisation")
	if err != nil {
		return err
	}
	orgs = mergeByWikidata(orgs, curatedOrgs)
	people, err := readPeople(filepath.Join(curated, "people.tsv"))
	if err != nil {
		return err
	}
	var entries []Entry
	for _, part := range [][]Entry{countries, demonyms, places, orgs, people} {
		entries = append(entries, part...)
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Kind != entries[j].Kind {
			return entries[i].Kind < entries[j].Kind
		}
		return entries[i].Name < entries[j].Name
	})
	b, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		return fmt.Errorf("encode gazetteer: %w", err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write gazetteer: %w", err)
	}
	fmt.Printf("gengazetteer: %d countries, %d demonyms, %d places, %d organisations, %d people -> %s\n",
		len(countries), len(demonyms), len(places), len(orgs), len(people), out)
	return nil
}

type country struct {
	Name struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"name"`
	CCA3         string   `json:"cca3"`
	AltSpellings []string `json:"altSpellings"`
	Translations map[string]struct {
		Common   string `json:"common"`
		Official string `json:"official"`
	} `json:"translations"`
	Demonyms map[string]struct {
		F string `json:"f"`
		M string `json:"m"`
	} `json:"demonyms"`
}

func readCountries(path string) (countries, demonyms []Entry, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read countries: %w", err)
	}
	var cs []country
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, nil, fmt.Errorf("parse countries %s: %w", path, err)
	}
	for _, c := range cs {
		e := Entry{Name: c.Name.Common, Type: "GPE", Kind: "country", Country: c.CCA3, Names: map[string][]string{}, Source: srcCountries}
		add(e.Names, "en", c.Name.Common, c.Name.Official)
		if ru, ok := c.Translations["rus"]; ok {
			add(e.Names, "ru", ru.Common, ru.Official)
		}
		for _, alt := range c.AltSpellings {
			switch {
			case isCyrillic(alt):
				add(e.Names, "ru", alt)
			case isLatinName(alt):
				add(e.Names, "en", alt)
			}
		}
		countries = append(countries, e)
		if d, ok := c.Demonyms["eng"]; ok && d.M != "" {
			n := Entry{Name: d.M, Type: "NORP", Kind: "demonym", Country: c.CCA3, Names: map[string][]string{}, Source: srcCountries}
			add(n.Names, "en", d.M, d.F, plural(d.M), plural(d.F))
			demonyms = append(demonyms, n)
		}
	}
	return countries, demonyms, nil
}

// plural gives the plural of an English demonym that has one: Russian →
// Russians, Pakistani → Pakistanis; Chinese and French have none.
func plural(d string) string {
	if strings.HasSuffix(d, "an") || strings.HasSuffix(d, "i") {
		return d + "s"
	}
	return ""
}

// addCountryIDs adds the curated Wikidata IDs and extra names to the
// countries, joined on the ISO code.
func addCountryIDs(countries []Entry, path string) error {
	rows, err := readTSV(path, 6)
	if err != nil {
		return err
	}
	byISO := map[string]*Entry{}
	for i := range countries {
		byISO[countries[i].Country] = &countries[i]
	}
	for _, r := range rows {
		e, ok := byISO[r.cols[0]]
		if !ok {
			return fmt.Errorf("%s:%d: no country with ISO code %q", path, r.line, r.cols[0])
		}
		e.Wikidata = r.cols[1]
		e.Adjectives = split(r.cols[5])
		canonRU := e.Names["ru"]
		prepend(e.Names, "en", split(r.cols[3]))
		prepend(e.Names, "ru", split(r.cols[4]))
		// The common names of mledoze/countries stay canonical.
		prepend(e.Names, "en", []string{e.Name})
		if len(canonRU) > 0 {
			prepend(e.Names, "ru", canonRU[:1])
		}
		if e.Wikidata != "" {
			e.Source += "; Wikidata ID: " + srcCurated
		}
	}
	return nil
}

// readPlaces reads a curated file of the places or organisations shape:
// qid, type, check, English names, Russian names, country.
func readPlaces(path, kind string) ([]Entry, error) {
	rows, err := readTSV(path, 6)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		en, ru := split(r.cols[3]), split(r.cols[4])
		if len(en) == 0 {
			return nil, fmt.Errorf("%s:%d: no English name", path, r.line)
		}
		e := Entry{Name: en[0], Type: r.cols[1], Kind: kind, Wikidata: r.cols[0], Country: r.cols[5],
			Names: map[string][]string{}, Source: srcCurated}
		add(e.Names, "en", en...)
		add(e.Names, "ru", ru...)
		out = append(out, e)
	}
	return out, nil
}

func readPeople(path string) ([]Entry, error) {
	rows, err := readTSV(path, 7)
	if err != nil {
		return nil, err
	}
	out := make([]Entry, 0, len(rows))
	for _, r := range rows {
		en, ru := split(r.cols[2]), split(r.cols[3])
		if len(en) == 0 {
			return nil, fmt.Errorf("%s:%d: no English name", path, r.line)
		}
		e := Entry{Name: en[0], Type: "PERSON", Kind: "person", Wikidata: r.cols[0], Country: r.cols[6],
			Names: map[string][]string{}, Roles: map[string]string{"en": r.cols[4], "ru": r.cols[5]}, Source: srcCurated}
		add(e.Names, "en", en...)
		add(e.Names, "ru", ru...)
		out = append(out, e)
	}
	return out, nil
}

// mergeByWikidata adds the curated organisations to the supraverden ones:
// names of an organisation both know join the supraverden entry, the
// curated names first; the others are appended.
func mergeByWikidata(orgs, curated []Entry) []Entry {
	byQID := map[string]int{}
	for i, o := range orgs {
		if o.Wikidata != "" {
			byQID[o.Wikidata] = i
		}
	}
	for _, c := range curated {
		i, ok := byQID[c.Wikidata]
		if !ok || c.Wikidata == "" {
			orgs = append(orgs, c)
			continue
		}
		o := &orgs[i]
		o.Name = c.Name
		prepend(o.Names, "en", c.Names["en"])
		prepend(o.Names, "ru", c.Names["ru"])
		if c.Country != "" {
			o.Country = c.Country
		}
		o.Source += "; names: " + srcCurated
	}
	return orgs
}

type org struct {
	Wikidata     string `yaml:"Wikidata_code"`
	NameEN       string `yaml:"Name_en"`
	AbbrEN       string `yaml:"Abbreviation_en"`
	NameOtherEN  any    `yaml:"Name_other_en"`
	AbbrOtherEN  any    `yaml:"Abbreviation_other_en"`
	NameRU       string `yaml:"Name_ru"`
	Abbreviation string `yaml:"Abbreviation_ru"`
}

func readOrgs(path string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read organisations: %w", err)
	}
	var m map[string]org
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse organisations %s: %w", path, err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Entry, 0, len(m))
	for _, key := range keys {
		o := m[key]
		qid := strings.TrimSpace(o.Wikidata)
		if !strings.HasPrefix(qid, "Q") {
			qid = ""
		}
		name := strings.TrimSpace(o.NameEN)
		if name == "" {
			name = key
		}
		e := Entry{Name: name, Type: "ORG", Kind: "organisation", Wikidata: qid, Names: map[string][]string{}, Source: srcOrgs}
		add(e.Names, "en", name, o.AbbrEN)
		add(e.Names, "en", strs(o.NameOtherEN)...)
		add(e.Names, "en", strs(o.AbbrOtherEN)...)
		add(e.Names, "ru", o.NameRU, o.Abbreviation)
		out = append(out, e)
	}
	return out, nil
}

type row struct {
	line int
	cols []string
}

// readTSV reads a curated tab-separated file: # starts a comment line,
// every other line has exactly n columns.
func readTSV(path string, n int) ([]row, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read curated data: %w", err)
	}
	defer f.Close()
	var out []row
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.TrimSpace(text) == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != n {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d", path, line, len(cols), n)
		}
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if q := cols[0]; q != "" && !strings.HasPrefix(q, "Q") && len(q) != 3 {
			return nil, fmt.Errorf("%s:%d: %q is neither a Wikidata ID nor an ISO code", path, line, q)
		}
		out = append(out, row{line: line, cols: cols})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// strs reads a YAML value that is a string or a list of strings.
func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func add(names map[string][]string, lang string, values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" || strings.HasPrefix(v, "[") {
			continue
		}
		dup := false
		for _, have := range names[lang] {
			if have == v {
				dup = true
			}
		}
		if !dup {
			names[lang] = append(names[lang], v)
		}
	}
}

// prepend puts values first in names[lang], dropping later duplicates.
func prepend(names map[string][]string, lang string, values []string) {
	if len(values) == 0 {
		return
	}
	old := names[lang]
	names[lang] = nil
	add(names, lang, values...)
	add(names, lang, old...)
}

func isCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// isLatinName keeps alternative spellings that are names in plain Latin
// letters, not two-letter codes or names in other scripts.
func isLatinName(s string) bool {
	if len(s) <= 2 {
		return false
	}
	for _, r := range s {
		if r > unicode.MaxLatin1 && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}
