package main

import (
	"strings"
	"testing"
)

// TestRun scores the seed article, the English gold set and a small
// CoNLL-format file, and checks the report names each of them.
func TestRun(t *testing.T) {
	var out strings.Builder
	err := run(&out, "", "", "../../../../fixtures/seed/belta-lavrov-central-asia.gold.json",
		"../../testdata/entities-en", "../../internal/evaluate/testdata/sample.conll", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"entities under their canonical names: 23 of 23",
		"non-entities that came out: []",
		"English gold set, dev",
		"English gold set, heldout",
		"CoNLL sample.conll",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
