package quote

import "math/bits"

// tokenSet is a set of token indices that finds the greatest one below a
// bound in a few steps: a bit for each token, and above them a bit for each
// word of bits that holds one, and so on up to a single word.
type tokenSet struct {
	levels [][]uint64 // levels[0] has a bit for each token
	size   int        // the tokens levels has room for
}

// add puts token i in the set.
func (s *tokenSet) add(i int) {
	if i >= s.size {
		s.grow(i + 1)
	}
	for _, level := range s.levels {
		level[i/64] |= 1 << (i % 64)
		i /= 64
	}
}

// remove takes token i out of the set.
func (s *tokenSet) remove(i int) {
	if i >= s.size {
		return
	}
	for _, level := range s.levels {
		level[i/64] &^= 1 << (i % 64)
		if level[i/64] != 0 {
			return // the levels above still see this word's other tokens
		}
		i /= 64
	}
}

// has reports whether token i is in the set.
func (s *tokenSet) has(i int) bool {
	return i < s.size && s.levels[0][i/64]&(1<<(i%64)) != 0
}

// before is the greatest token in the set below i, or -1.
func (s *tokenSet) before(i int) int {
	i = min(i, s.size)
	for l, level := range s.levels {
		w, b := i/64, i%64
		if w == len(level) {
			w, b = w-1, 64 // i is past the last word: all of it is below
		}
		if below := level[w] & (1<<b - 1); below != 0 {
			// The last token below: down the last bits of the words that
			// hold it.
			j := w*64 + 63 - bits.LeadingZeros64(below)
			for l--; l >= 0; l-- {
				j = j*64 + 63 - bits.LeadingZeros64(s.levels[l][j])
			}
			return j
		}
		i = w
	}
	return -1
}

// grow makes room for at least n tokens, keeping those in the set.
func (s *tokenSet) grow(n int) {
	s.size = max(64, 2*s.size, n)
	var first []uint64
	if len(s.levels) > 0 {
		first = s.levels[0]
	}
	s.levels = s.levels[:0]
	for m := s.size; ; m = (m + 63) / 64 {
		s.levels = append(s.levels, make([]uint64, (m+63)/64))
		if m <= 64 {
			break
		}
	}
	copy(s.levels[0], first)
	for l := 1; l < len(s.levels); l++ {
		for w, x := range s.levels[l-1] {
			if x != 0 {
				s.levels[l][w/64] |= 1 << (w % 64)
			}
		}
	}
}
