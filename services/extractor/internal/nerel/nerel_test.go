package nerel_test

import (
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/nerel"
)

func TestRead(t *testing.T) {
	d, err := nerel.Read("testdata/doc")
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune(d.Text)
	want := map[string]string{"T1": "Q2866", "T2": "", "T3": "", "T4": "Q159", "T5": ""}
	if len(d.Entities) != len(want) {
		t.Fatalf("%d entities, want %d (the discontinuous one skipped)", len(d.Entities), len(want))
	}
	for _, e := range d.Entities {
		if string(runes[e.Start:e.End]) != e.Text {
			t.Errorf("%s: offsets %d-%d hold %q, want %q", e.ID, e.Start, e.End, string(runes[e.Start:e.End]), e.Text)
		}
		if e.Wikidata != want[e.ID] {
			t.Errorf("%s: Wikidata %q, want %q", e.ID, e.Wikidata, want[e.ID])
		}
	}
	top := nerel.TopLevel(d.Entities, map[string]bool{"PERSON": true, "ORG": true, "GPE": true})
	got := map[string]bool{}
	for _, e := range top {
		got[e.Text] = true
	}
	for text, wantTop := range map[string]bool{"Александр Лукашенко": true, "МИД России": true, "Беларуси": true, "России": false} {
		if got[text] != wantTop {
			t.Errorf("top level %q = %v, want %v", text, got[text], wantTop)
		}
	}
}

func TestReadDirErrors(t *testing.T) {
	if _, err := nerel.ReadDir(t.TempDir()); err == nil {
		t.Error("ReadDir of an empty folder: no error")
	}
	if _, err := nerel.Read("testdata/missing"); err == nil {
		t.Error("Read of a missing document: no error")
	}
}
