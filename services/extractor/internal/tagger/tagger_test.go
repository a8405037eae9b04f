package tagger_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"

	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/tagger"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

func keys(text string) ([]token.Token, []uint64, []uint64) {
	toks := token.Split(text, nil)
	stems := make([]uint64, len(toks))
	folds := make([]uint64, len(toks))
	for i, t := range toks {
		stems[i], folds[i] = token.Keys(t.Text(text))
	}
	return toks, stems, folds
}

func names(text string, toks []token.Token, spans []tagger.Span) map[string]string {
	out := map[string]string{}
	for _, s := range spans {
		out[text[toks[s.Start].Start:toks[s.End-1].End]] = s.Type
	}
	return out
}

func TestBuiltinRussian(t *testing.T) {
	g, err := gazetteer.Load()
	if err != nil {
		t.Fatal(err)
	}
	ru, err := tagger.Builtin("ru")
	if err != nil {
		t.Fatal(err)
	}
	text := "Президент России Владимир Путин встретился в Кремле с генеральным директором Газпрома Алексеем Миллером, сообщает ТАСС."
	toks, stems, folds := keys(text)
	known := func(i int) (gazetteer.Match, bool) { return g.Longest(toks, stems, i) }
	got := names(text, toks, ru.Tag(tagger.Tokens{Text: text, Toks: toks, Stems: stems, Folds: folds, Known: known}, nil))
	want := map[string]string{"России": "GPE", "Владимир Путин": "PERSON", "Алексеем Миллером": "PERSON", "ТАСС": "ORG"}
	for name, typ := range want {
		if got[name] != typ {
			t.Errorf("%q tagged %q, want %q (all: %v)", name, got[name], typ, got)
		}
	}
}

func TestTrainWriteRead(t *testing.T) {
	text := "Иван Петров приехал в Минск . Пётр Сидоров уехал в Брест ."
	toks, stems, folds := keys(text)
	tokens := tagger.Tokens{Text: text, Toks: toks, Stems: stems, Folds: folds}
	ex := tagger.Example{Tokens: tokens, Gold: []tagger.Span{
		{Start: 0, End: 2, Type: "PERSON"}, {Start: 4, End: 5, Type: "GPE"},
		{Start: 6, End: 8, Type: "PERSON"}, {Start: 10, End: 11, Type: "GPE"},
	}}
	tr := tagger.NewTrainer(12)
	for range 10 {
		tr.Epoch([]tagger.Example{ex})
	}
	var buf bytes.Buffer
	if err := tr.Model().Write(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := tagger.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := names(text, toks, m.Tag(tokens, nil))
	want := map[string]string{"Иван Петров": "PERSON", "Минск": "GPE", "Пётр Сидоров": "PERSON", "Брест": "GPE"}
	for name, typ := range want {
		if got[name] != typ {
			t.Errorf("%q tagged %q, want %q (all: %v)", name, got[name], typ, got)
		}
	}
}

func TestReadRejects(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":        nil,
		"not gzip":     []byte("NWTAG1\n"),
		"wrong header": gz(t, []byte("NOTAMODEL\x10\x0b")),
		"short":        gz(t, []byte("NWTAG1\n\x10\x0b\x01\x02")),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tagger.Read(bytes.NewReader(data)); !errors.Is(err, tagger.ErrModel) {
				t.Errorf("Read = %v, want ErrModel", err)
			}
		})
	}
}

// gz compresses b as a model file is compressed.
func gz(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	if _, err := w.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
