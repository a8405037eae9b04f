// Package clip cuts what records and errors hold to a bound, so that no
// record can make a view, a live event or a log line large.
package clip

import "unicode/utf8"

// Runes returns s cut to at most n runes (n ≥ 1), the last of them "…"
// when s was cut.
func Runes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s // most strings: no copy
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Bytes returns s cut to at most n bytes on a rune boundary, followed by
// "…" when s was cut.
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
