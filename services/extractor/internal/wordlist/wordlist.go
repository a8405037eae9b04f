// Package wordlist reads the embedded word lists the extractor's packages
// ship: one entry a line, # comments and blank lines skipped.
package wordlist

import "strings"

// Lines are the entries of a list.
func Lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}
