package lexicon

import (
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/token"
)

func TestLists(t *testing.T) {
	lex := New()
	tests := []struct {
		list Set
		name string
		in   []string
		out  []string
	}{
		{lex.English, "English", []string{"speaking", "especially", "point", "road", "belt"}, []string{"lavrov", "minsk", "belta"}},
		{lex.GivenNames, "GivenNames", []string{"Sergey", "Alexander", "Natalya"}, []string{"Minister", "Ministry"}},
		{lex.Titles, "Titles", []string{"President", "Minister", "Deputy", "Foreign"}, []string{"Ministry", "Sergey"}},
		{lex.Modifiers, "Modifiers", []string{"Deputy", "Foreign", "State"}, []string{"President", "Minister"}},
		{lex.OrgHeads, "OrgHeads", []string{"Ministry", "Bank", "Committee", "Union", "Corporation"}, []string{"Minister", "Strait"}},
		{lex.LocHeads, "LocHeads", []string{"Strait", "Sea", "River"}, []string{"Region"}},
		{lex.SpeechVerbs, "SpeechVerbs", []string{"said", "noted", "stressed"}, []string{"Minsk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range tt.in {
				if !tt.list.Has(token.Fold(w)) {
					t.Errorf("%s lacks %q", tt.name, w)
				}
			}
			for _, w := range tt.out {
				if tt.list.Has(token.Fold(w)) {
					t.Errorf("%s holds %q", tt.name, w)
				}
			}
		})
	}
	if len(lex.English) < 60000 {
		t.Errorf("%d English words, want the whole SCOWL list", len(lex.English))
	}
}
