// Command gengazetteer compiles the shared reference data (countries from
// mledoze/countries, international organisations from supraverden) into the
// gazetteer file the extractor embeds. Run it through `go generate` in
// internal/gazetteer when the data changes:
//
//	go run ./cmd/gengazetteer -shared ../../../shared/data -out internal/gazetteer/data/generated.json
package main

import (
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
	ID       string              `json:"id"`
	Name     string              `json:"name"`
	Type     string              `json:"type"`
	Wikidata string              `json:"wikidata,omitempty"`
	Names    map[string][]string `json:"names"`
	Source   string              `json:"source"`
}

func main() {
	shared := flag.String("shared", "../../../shared/data", "the shared data folder")
	out := flag.String("out", "internal/gazetteer/data/generated.json", "the file to write")
	flag.Parse()
	if err := run(*shared, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gengazetteer:", err)
		os.Exit(1)
	}
}

func run(shared, out string) error {
	countries, err := readCountries(filepath.Join(shared, "gazetteer", "countries.mledoze.json"))
	if err != nil {
		return err
	}
	orgs, err := readOrgs(filepath.Join(shared, "gazetteer", "international-organisations.supraverden.yaml"))
	if err != nil {
		return err
	}
	entries := append(countries, orgs...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	b, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		return fmt.Errorf("encode gazetteer: %w", err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write gazetteer: %w", err)
	}
	fmt.Printf("gengazetteer: %d countries, %d organisations -> %s\n", len(countries), len(orgs), out)
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
}

func readCountries(path string) ([]Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read countries: %w", err)
	}
	var cs []country
	if err := json.Unmarshal(b, &cs); err != nil {
		return nil, fmt.Errorf("parse countries %s: %w", path, err)
	}
	out := make([]Entry, 0, len(cs))
	for _, c := range cs {
		e := Entry{
			ID:     "iso:" + c.CCA3,
			Name:   c.Name.Common,
			Type:   "GPE",
			Names:  map[string][]string{},
			Source: "mledoze/countries (ODbL 1.0)",
		}
		add(e.Names, "en", c.Name.Common, c.Name.Official)
		for _, alt := range c.AltSpellings {
			switch {
			case isCyrillic(alt):
				add(e.Names, "ru", alt)
			case isLatinName(alt):
				add(e.Names, "en", alt)
			}
		}
		if ru, ok := c.Translations["rus"]; ok {
			add(e.Names, "ru", ru.Common, ru.Official)
		}
		out = append(out, e)
	}
	return out, nil
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
	out := make([]Entry, 0, len(m))
	for key, o := range m {
		qid := strings.TrimSpace(o.Wikidata)
		if !strings.HasPrefix(qid, "Q") {
			qid = ""
		}
		name := strings.TrimSpace(o.NameEN)
		if name == "" {
			name = key
		}
		e := Entry{ID: "supraverden:" + key, Name: name, Type: "ORG", Wikidata: qid, Names: map[string][]string{}, Source: "confirmordeny/supraverden (CC BY-SA 4.0)"}
		if qid != "" {
			e.ID = qid
		}
		add(e.Names, "en", name, o.AbbrEN)
		add(e.Names, "en", strs(o.NameOtherEN)...)
		add(e.Names, "en", strs(o.AbbrOtherEN)...)
		add(e.Names, "ru", o.NameRU, o.Abbreviation)
		out = append(out, e)
	}
	return out, nil
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
