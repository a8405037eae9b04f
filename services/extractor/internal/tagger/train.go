package tagger

import (
	"math"
)

// Example is one training text with its gold names over its tokens.
type Example struct {
	Tokens
	Gold []Span
}

// Trainer learns a model by the averaged perceptron.
type Trainer struct {
	bits   uint
	w      []float32 // current weights
	total  []float32 // sum of the weights over time, for averaging
	stamp  []int32   // when each weight last changed
	clock  int32
	mask   uint64
	errors int
	tokens int
}

// NewTrainer returns a trainer of a model of 2^bits feature rows.
func NewTrainer(bits uint) *Trainer {
	n := (1 << bits) * Classes
	return &Trainer{bits: bits, w: make([]float32, n), total: make([]float32, n),
		stamp: make([]int32, n), mask: 1<<bits - 1}
}

// Epoch trains on every example once and returns the share of tokens
// tagged wrong before their update.
func (t *Trainer) Epoch(examples []Example) float64 {
	t.errors, t.tokens = 0, 0
	for _, ex := range examples {
		t.learn(ex)
	}
	return float64(t.errors) / float64(max(t.tokens, 1))
}

// tags returns the gold tag of each token.
func tags(n int, gold []Span) []int {
	out := make([]int, n)
	for _, s := range gold {
		k := typeIndex(s.Type)
		if k < 0 {
			continue
		}
		for i := s.Start; i < s.End; i++ {
			if i == s.Start {
				out[i] = 2*k + 1
			} else {
				out[i] = 2*k + 2
			}
		}
	}
	return out
}

func typeIndex(t string) int {
	for k, x := range Types {
		if x == t {
			return k
		}
	}
	return -1
}

func (t *Trainer) learn(ex Example) {
	gold := tags(len(ex.Toks), ex.Gold)
	f := newFeaturizer(ex.Tokens)
	var feats [maxFeatures]uint64
	scores := make([]float32, Classes)
	prev, prev2 := 0, 0
	for i := range ex.Toks {
		t.clock++
		t.tokens++
		fs := f.features(i, prev, prev2, feats[:0])
		for c := range scores {
			scores[c] = 0
		}
		for _, h := range fs {
			row := int(h&t.mask) * Classes
			for c := range Classes {
				scores[c] += t.w[row+c]
			}
		}
		guess := best(scores, prev)
		if guess != gold[i] {
			t.errors++
			for _, h := range fs {
				row := int(h&t.mask) * Classes
				t.update(row+gold[i], 1)
				t.update(row+guess, -1)
			}
		}
		// Teacher forcing: the next token sees the gold tag before it.
		prev2, prev = prev, gold[i]
	}
}

func (t *Trainer) update(i int, delta float32) {
	t.total[i] += float32(t.clock-t.stamp[i]) * t.w[i]
	t.stamp[i] = t.clock
	t.w[i] += delta
}

// Model returns the averaged weights, scaled to 16-bit integers.
func (t *Trainer) Model() *Model {
	avg := make([]float32, len(t.w))
	maxAbs := float32(0)
	for i := range t.w {
		total := t.total[i] + float32(t.clock-t.stamp[i])*t.w[i]
		avg[i] = total / float32(t.clock)
		maxAbs = max(maxAbs, float32(math.Abs(float64(avg[i]))))
	}
	m := &Model{bits: t.bits, weights: make([]int16, len(avg))}
	if maxAbs == 0 {
		return m
	}
	// Leave room for the sum of the features of one token.
	scale := 32767 / maxAbs
	for i, a := range avg {
		m.weights[i] = int16(math.Round(float64(a * scale)))
	}
	return m
}
