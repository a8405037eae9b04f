// Package simhash fingerprints texts so that near-duplicates (a syndicated
// article reprinted with a new headline, a changed byline, a sentence cut)
// get fingerprints a few bits apart: 64-bit SimHash over word shingles.
package simhash

import (
	"fmt"
	"math/bits"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// ShingleWords is how many consecutive words make one feature.
const ShingleWords = 3

// Sum returns the SimHash of text: each shingle of ShingleWords
// normalised words (letters and digits, lower case) is hashed, and each
// fingerprint bit is the majority vote of the shingles' bits.
func Sum(text string) uint64 {
	var c counter
	var window [ShingleWords]uint64 // hashes of the last words
	words := 0
	forEachWord(text, func(word uint64) {
		copy(window[:], window[1:])
		window[ShingleWords-1] = word
		words++
		if words >= ShingleWords {
			c.add(mix(window[0], window[1], window[2]))
		}
	})
	if words > 0 && words < ShingleWords { // too short for a shingle: hash the words
		return mix(window[0], window[1], window[2])
	}
	return c.majority()
}

// counter counts, for each of the 64 bit positions, how many shingle
// hashes have that bit set. Eight lanes of one byte each share a word
// (bits j, j+8, …, j+56 in lanes[j]), so adding a hash costs eight
// additions instead of sixty-four; lanes are emptied into ones before they
// can overflow.
type counter struct {
	lanes   [8]uint64
	pending int
	ones    [64]int
	total   int
}

const laneMask = 0x0101010101010101

func (c *counter) add(h uint64) {
	for j := range c.lanes {
		c.lanes[j] += (h >> j) & laneMask
	}
	c.total++
	if c.pending++; c.pending == 255 {
		c.flush()
	}
}

func (c *counter) flush() {
	for j, lane := range c.lanes {
		for k := range 8 {
			c.ones[8*k+j] += int(lane >> (8 * k) & 0xff)
		}
		c.lanes[j] = 0
	}
	c.pending = 0
}

// majority sets each bit that more than half the hashes set.
func (c *counter) majority() uint64 {
	c.flush()
	var out uint64
	for i, n := range c.ones {
		if 2*n > c.total {
			out |= 1 << i
		}
	}
	return out
}

// Distance is the number of bits in which a and b differ.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// Format renders a fingerprint as 16 hex digits.
func Format(h uint64) string { return fmt.Sprintf("%016x", h) }

// Parse reads what Format wrote.
func Parse(s string) (uint64, error) {
	if len(s) != 16 {
		return 0, fmt.Errorf("simhash %q is not 16 hex digits", s)
	}
	h, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("simhash %q: %w", s, err)
	}
	return h, nil
}

// forEachWord calls fn with the FNV-1a hash of each word of text, lower
// cased, letters and digits only.
func forEachWord(text string, fn func(uint64)) {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h, inWord := uint64(offset), false
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		switch {
		case r < utf8.RuneSelf:
		case r >= 0xC2 && r < 0xE0 && i+1 < len(text) && text[i+1]&0xC0 == 0x80:
			// Two bytes, as Cyrillic is: what utf8.DecodeRuneInString
			// returns, without its call.
			r, size = (r&0x1F)<<6|rune(text[i+1]&0x3F), 2
		default:
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		if r, ok := foldLetter(r); ok {
			if r == 'ё' {
				r = 'е'
			}
			for r > 0 {
				h ^= uint64(r & 0xff)
				h *= prime
				r >>= 8
			}
			inWord = true
			continue
		}
		if inWord {
			fn(h)
			h, inWord = offset, false
		}
	}
	if inWord {
		fn(h)
	}
}

// foldLetter reports whether r is a letter or a digit, and returns it in
// lower case: unicode.IsLetter, IsDigit and ToLower, with fast paths for
// ASCII and Cyrillic, which most news is written in.
func foldLetter(r rune) (rune, bool) {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9', 'а' <= r && r <= 'я':
		return r, true
	case 'A' <= r && r <= 'Z', 'А' <= r && r <= 'Я':
		return r + 'a' - 'A', true
	case r < utf8.RuneSelf:
		return r, false
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return unicode.ToLower(r), true
	}
	return r, false
}

// mix combines word hashes into a well-spread shingle hash (the
// finaliser of SplitMix64 over an order-dependent combination).
func mix(a, b, c uint64) uint64 {
	x := a*0x9E3779B97F4A7C15 ^ bits.RotateLeft64(b, 21) ^ bits.RotateLeft64(c, 42)
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}
