package token

import (
	"unicode"
	"unicode/utf8"
)

// Fast paths for the scripts news text is mostly written in, ASCII and
// basic Cyrillic, before the unicode package's tables.

func isLetter(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r|0x20 && r|0x20 <= 'z'
	case 0x410 <= r && r <= 0x44F || r == 0x401 || r == 0x451:
		return true
	}
	return unicode.IsLetter(r)
}

func isUpper(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'A' <= r && r <= 'Z'
	case 0x410 <= r && r <= 0x42F || r == 0x401:
		return true
	case 0x430 <= r && r <= 0x44F || r == 0x451:
		return false
	}
	return unicode.IsUpper(r)
}

func toLower(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case 0x410 <= r && r <= 0x42F:
		return r + 0x20
	case 0x430 <= r && r <= 0x44F:
		return r
	}
	return unicode.ToLower(r)
}

func isCyrillic(r rune) bool {
	if 0x400 <= r && r <= 0x4FF {
		return true
	}
	return r >= 0x500 && unicode.Is(unicode.Cyrillic, r)
}

// runeCount counts the code points of s.
func runeCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// RuneCount counts the code points of s, quickly.
func RuneCount(s string) int { return runeCount(s) }
