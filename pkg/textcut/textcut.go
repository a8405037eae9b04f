// Package textcut cuts text to a bound in bytes without splitting a
// character: for bodies kept in records, errors made from hostile fields,
// and headers.
package textcut

import "unicode/utf8"

// Runes returns s cut to at most n runes (n ≥ 1), the last of them "…"
// when s was cut.
func Runes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s // most strings: no copy
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

// Bytes returns the longest start of s of at most n bytes that does not
// split a UTF-8 sequence; nothing when n is negative.
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Marked is Bytes followed by "…" when anything was cut, for text a person
// reads: the mark's 3 bytes come on top of n.
func Marked(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Bytes(s, n) + "…"
}
