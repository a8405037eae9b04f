// Package tagger is a named-entity tagger for tokenized text: a greedy,
// left-to-right averaged perceptron over hashed features of each word, its
// neighbours, its shape, the gazetteer's names and the tag before it,
// tagging each token B-, I- or O of the types PERSON, ORG, GPE, LOC and
// NORP. The Russian model (data/ru.model.gz) is learned from the training
// split of NEREL by cmd/traintagger; it is data, shipped with the code.
package tagger

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/newswire/newswire/services/extractor/internal/gazetteer"
	"github.com/newswire/newswire/services/extractor/internal/token"
)

//go:embed data/ru.model.gz
var ruModel []byte

// Types are the entity types a model tags, in class order: class 0 is O,
// class 2k+1 is B- and 2k+2 is I- of Types[k].
var Types = [...]string{"PERSON", "ORG", "GPE", "LOC", "NORP"}

// Classes is the number of tags.
const Classes = 1 + 2*len(Types)

// ErrModel is returned for a model file that cannot be read.
var ErrModel = errors.New("bad tagger model")

// Span is a typed name, over tokens [Start, End).
type Span struct {
	Start, End int
	Type       string
}

// Tokens is a tokenized text as the tagger reads it.
type Tokens struct {
	Text         string
	Toks         []token.Token
	Stems, Folds []uint64 // the token.Keys of each token
	// Known returns the gazetteer's longest name starting at token i; nil
	// when there is no gazetteer.
	Known func(i int) (gazetteer.Match, bool)
}

// Model tags tokens. It is read-only and safe for concurrent use.
type Model struct {
	bits    uint
	weights []int16 // (1 << bits) rows of Classes weights
}

// ErrNoModel is returned for a language without a shipped model.
var ErrNoModel = errors.New("no tagger model for the language")

// Builtin returns the model shipped for language lang ("ru").
func Builtin(lang string) (*Model, error) {
	if lang != "ru" {
		return nil, fmt.Errorf("%w: %q", ErrNoModel, lang)
	}
	m, err := Read(bytes.NewReader(ruModel))
	if err != nil {
		return nil, fmt.Errorf("load Russian tagger: %w", err)
	}
	return m, nil
}

const magic = "NWTAG1\n"

// Read decodes a gzip-compressed model written by Write.
func Read(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModel, err)
	}
	defer zr.Close()
	head := make([]byte, len(magic)+2)
	if _, err := io.ReadFull(zr, head); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrModel, err)
	}
	if string(head[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a tagger model", ErrModel)
	}
	bits, classes := uint(head[len(magic)]), int(head[len(magic)+1])
	if bits < 8 || bits > 24 || classes != Classes {
		return nil, fmt.Errorf("%w: %d bits, %d classes", ErrModel, bits, classes)
	}
	m := &Model{bits: bits, weights: make([]int16, (1<<bits)*Classes)}
	if err := binary.Read(zr, binary.LittleEndian, m.weights); err != nil {
		return nil, fmt.Errorf("%w: weights: %w", ErrModel, err)
	}
	return m, nil
}

// Write encodes the model, gzip-compressed.
func (m *Model) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(append([]byte(magic), byte(m.bits), byte(Classes))); err != nil {
		return err
	}
	if err := binary.Write(zw, binary.LittleEndian, m.weights); err != nil {
		return err
	}
	return zw.Close()
}

// Tag returns the names in the tokens, typed.
func (m *Model) Tag(t Tokens, dst []Span) []Span {
	toks := t.Toks
	if len(toks) == 0 {
		return dst
	}
	f := newFeaturizer(t)
	var feats [maxFeatures]uint64
	prev, prev2 := 0, 0
	start := -1
	mask := uint64(1)<<m.bits - 1
	for i := range toks {
		if prev == 0 && f.shapes[i] == shapeStop {
			// A comma or a full stop after no name: nothing starts here.
			dst, start = emit(dst, start, i, prev, 0)
			prev2, prev = prev, 0
			continue
		}
		fs := f.features(i, prev, prev2, feats[:0])
		var scores [Classes]int32
		for _, h := range fs {
			off := int(h&mask) * Classes
			row := (*[Classes]int16)(m.weights[off : off+Classes])
			for c := range row {
				scores[c] += int32(row[c])
			}
		}
		tag := best(scores[:], prev)
		dst, start = emit(dst, start, i, prev, tag)
		prev2, prev = prev, tag
	}
	dst, _ = emit(dst, start, len(toks), prev, 0)
	return dst
}

// best returns the highest-scoring tag that may follow prev: I-X only
// after B-X or I-X.
func best[S int32 | float32](scores []S, prev int) int {
	bestTag, bestScore := 0, scores[0]
	for c := 1; c < len(scores); c++ {
		if c%2 == 0 && prev != c && prev != c-1 {
			continue
		}
		if scores[c] > bestScore {
			bestTag, bestScore = c, scores[c]
		}
	}
	return bestTag
}

// emit closes the name open since start when tag does not continue it,
// and opens a new one when tag begins one.
func emit(dst []Span, start, i, prev, tag int) ([]Span, int) {
	continues := tag != 0 && tag%2 == 0 && (prev == tag || prev == tag-1)
	if start >= 0 && !continues {
		dst = append(dst, Span{Start: start, End: i, Type: Types[(prev-1)/2]})
		start = -1
	}
	if tag != 0 && !continues {
		start = i
	}
	return dst, start
}

// maxFeatures bounds the features of one token.
const maxFeatures = 24

// featurizer computes the features of each token of one text.
type featurizer struct {
	toks   []token.Token
	stems  []uint64
	lower  []uint64
	shapes []uint64
	gaz    []uint64
	suf    [][3]uint64 // keys of the last 2, 3 and 4 letters
}

const (
	none = 0x9e3779b97f4a7c15 // the key of a word before the first or after the last
)

func newFeaturizer(t Tokens) *featurizer {
	toks := t.Toks
	n := len(toks)
	f := &featurizer{toks: toks, stems: t.Stems, lower: t.Folds,
		shapes: make([]uint64, n), gaz: make([]uint64, n), suf: make([][3]uint64, n)}
	for i, tok := range toks {
		w := tok.Text(t.Text)
		f.shapes[i] = shape(tok, w)
		f.suf[i] = suffixes(w)
	}
	if t.Known != nil {
		for i := 0; i < n; {
			if m, ok := t.Known(i); ok {
				typ := token.HashString(m.Ref.Entry.Type)
				for k := m.Start; k < m.End; k++ {
					f.gaz[k] = token.Then(typ, uint64(min(k-m.Start, 1)+1))
				}
				i = m.End
				continue
			}
			i++
		}
	}
	return f
}

// shapeStop is the shape of a comma or a full stop.
const shapeStop = 1000

// shape is the key of a token's look: its case, script, length and kind.
func shape(t token.Token, w string) uint64 {
	var s uint64
	switch {
	case t.Has(token.Number):
		s = 1
	case w == "," || w == ".":
		return shapeStop
	case !t.Has(token.Word):
		s = 2
		if r, _ := utf8.DecodeRuneInString(w); r < 128 {
			s = 16 + uint64(r)
		}
	case t.Has(token.AllUpper):
		s = 3
	case t.Has(token.Upper):
		s = 4
	default:
		s = 5
	}
	if t.Has(token.Latin) {
		s += 200
	}
	if n := token.RuneCount(w); n <= 3 {
		s += 400
	}
	if t.Has(token.SentStart) {
		s += 800
	}
	return s
}

func (f *featurizer) word(i int) uint64 {
	if i < 0 || i >= len(f.toks) {
		return none
	}
	return f.lower[i]
}

func (f *featurizer) shapeAt(i int) uint64 {
	if i < 0 || i >= len(f.toks) {
		return 7
	}
	return f.shapes[i]
}

// suffixes returns the keys of the last 2, 3 and 4 letters of w, as they
// are written (the end of a word is lower case but in capitals).
func suffixes(w string) [3]uint64 {
	var out [3]uint64
	end := len(w)
	for n := 1; n <= 4; n++ {
		for end > 0 {
			end--
			if w[end]&0xC0 != 0x80 {
				break
			}
		}
		if n >= 2 {
			out[n-2] = token.HashString(w[end:])
		}
	}
	return out
}

// feature templates: each feature is Then(template, value).
const (
	tBias uint64 = iota + 1
	tWord
	tStem
	tSuf2
	tSuf3
	tSuf4
	tShape
	tPrevWord
	tNextWord
	tPrev2Word
	tNext2Word
	tShapePrev
	tShapeNext
	tPrevTag
	tPrevTags
	tPrevTagWord
	tGaz
	tGazShape
	tPrevSuf3
	tNextSuf3
)

func feat(template, value uint64) uint64 {
	h := token.Then(token.Then(token.Seed, template), value)
	// The low bits index the weight table: mix the high bits in.
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	return h
}

func (f *featurizer) features(i, prev, prev2 int, dst []uint64) []uint64 {
	sh := f.shapes[i]
	dst = append(dst,
		feat(tBias, 0),
		feat(tWord, f.lower[i]),
		feat(tStem, f.stems[i]),
		feat(tSuf2, f.suf[i][0]),
		feat(tSuf3, f.suf[i][1]),
		feat(tSuf4, f.suf[i][2]),
		feat(tShape, sh),
		feat(tPrevWord, f.word(i-1)),
		feat(tNextWord, f.word(i+1)),
		feat(tPrev2Word, f.word(i-2)),
		feat(tNext2Word, f.word(i+2)),
		feat(tShapePrev, token.Then(f.shapeAt(i-1), sh)),
		feat(tShapeNext, token.Then(sh, f.shapeAt(i+1))),
		feat(tPrevTag, uint64(prev)),
		feat(tPrevTags, uint64(prev2*32+prev)),
		feat(tPrevTagWord, token.Then(uint64(prev), f.lower[i])),
		feat(tGaz, f.gaz[i]),
		feat(tGazShape, token.Then(f.gaz[i], sh)),
	)
	if i > 0 {
		dst = append(dst, feat(tPrevSuf3, f.suf[i-1][1]))
	}
	if i+1 < len(f.toks) {
		dst = append(dst, feat(tNextSuf3, f.suf[i+1][1]))
	}
	return dst
}
