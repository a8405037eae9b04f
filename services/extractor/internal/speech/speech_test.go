package speech_test

import (
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/speech"
)

func TestVerbs(t *testing.T) {
	v := speech.Load()
	for _, w := range []string{"said", "noted", "explained", "quipped", "tweeted"} {
		if !v.English(w) {
			t.Errorf("%q is not a reporting verb", w)
		}
	}
	for _, w := range []string{"states", "point", "the"} {
		if v.English(w) {
			t.Errorf("%q taken for a reporting verb", w)
		}
	}
	cases := []struct {
		w    string
		form speech.Form
	}{
		{"сказал", speech.Masculine}, {"заявила", speech.Feminine}, {"отметили", speech.Plural}, {"считает", speech.AnySubject},
	}
	for _, c := range cases {
		if f, ok := v.Russian(c.w); !ok || f != c.form {
			t.Errorf("%q: %v %v, want %v", c.w, f, ok, c.form)
		}
	}
	if _, ok := v.Russian("дом"); ok {
		t.Error("дом taken for a verb")
	}
}
