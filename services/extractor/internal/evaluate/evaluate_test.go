package evaluate

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestScore(t *testing.T) {
	gold := []Span{
		{Start: 0, End: 5, Type: "PERSON", Wikidata: "Q1"},
		{Start: 10, End: 15, Type: "GPE", Wikidata: "Q2"},
		{Start: 20, End: 25, Type: "ORG"},
		{Start: 30, End: 35, Type: "NORP"}, // not scored
	}
	pred := []Span{
		{Start: 0, End: 5, Type: "PERSON", Wikidata: "Q1"}, // right, linked right
		{Start: 10, End: 15, Type: "GPE", Wikidata: "Q9"},  // right, linked wrong
		{Start: 20, End: 24, Type: "ORG", Wikidata: "Q3"},  // wrong span: unjudged link
		{Start: 40, End: 45, Type: "LOC"},                  // spurious
		{Start: 40, End: 45, Type: "LOC"},                  // the same again counts once
	}
	s := NewScore()
	s.Add(pred, gold)
	total := s.Total()
	if total.TP != 2 || total.FP != 2 || total.FN != 1 {
		t.Errorf("counts %+v, want 2 TP, 2 FP, 1 FN", total)
	}
	if math.Abs(total.F1()-2*0.5*(2.0/3)/(0.5+2.0/3)) > 1e-9 {
		t.Errorf("F1 %.4f", total.F1())
	}
	if s.LinkRight != 1 || s.LinkWrong != 1 || s.LinkUnjudged != 1 || s.GoldLinks != 2 || s.LinkPrecision() != 0.5 {
		t.Errorf("links %d right, %d wrong, %d unjudged, %d gold", s.LinkRight, s.LinkWrong, s.LinkUnjudged, s.GoldLinks)
	}
	if (Counts{}).F1() != 0 || (Counts{}).Precision() != 0 {
		t.Error("empty counts: want zeros")
	}
}

func TestReadCoNLL(t *testing.T) {
	docs, err := ReadCoNLL("testdata/sample.conll")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("%d documents, want 2", len(docs))
	}
	want := [][]string{
		{"PERSON Lukashenko", "PERSON Tokayev", "LOC Minsk", "ORG Eurasian Economic Union"},
		{"MISC Russian", "PERSON Sergey Lavrov"},
	}
	for i, d := range docs {
		runes := []rune(d.Text)
		var got []string
		for _, g := range d.Gold {
			got = append(got, g.Type+" "+string(runes[g.Start:g.End]))
		}
		if len(got) != len(want[i]) {
			t.Fatalf("document %d: %q, want %q", i, got, want[i])
		}
		for k := range got {
			if got[k] != want[i][k] {
				t.Errorf("document %d: %q, want %q", i, got[k], want[i][k])
			}
		}
	}
}

func TestReadPassagesChecksOffsets(t *testing.T) {
	dir := t.TempDir()
	bad := `{"split":"dev","title":"","body":"Minsk is a city.","entities":[{"name":"Minsk","type":"GPE","mentions":[{"in":"body","start":1,"end":6,"text":"Minsk"}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPassages(dir); err == nil {
		t.Error("ReadPassages accepted offsets that do not hold the mention")
	}
	ps, err := ReadPassages("../../testdata/entities-en")
	if err != nil {
		t.Fatal(err)
	}
	splits := map[string]int{}
	for _, p := range ps {
		splits[p.Split]++
	}
	if splits["dev"] == 0 || splits["heldout"] == 0 || len(splits) != 2 {
		t.Errorf("splits %v, want dev and heldout passages only", splits)
	}
}
