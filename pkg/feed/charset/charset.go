// Package charset settles the character encoding of a feed or page before
// anything parses it, and turns the bytes into UTF-8.
//
// gofeed alone fails on windows-1251 without an XML prolog and garbles
// UTF-8 under a false windows-1251 prolog. Here the decision rests on what
// the bytes are, not only on what they claim: bytes that are valid UTF-8 are
// UTF-8 whatever the labels say; otherwise the labels of the HTTP header
// and the XML prolog (or HTML meta) are tried, and when they disagree or are
// missing, the candidate whose decoding reads most like natural text wins.
// UTF-8 stays a candidate, its invalid bytes read as U+FFFD at a cost each:
// mostly valid UTF-8 with a stray byte is still UTF-8.
package charset

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	xunicode "golang.org/x/text/encoding/unicode"
)

// Result is a document in UTF-8 and the encoding it was decoded from.
type Result struct {
	Body     []byte
	Encoding string // canonical name, e.g. "utf-8", "windows-1251"
}

var (
	utf8BOM     = []byte{0xEF, 0xBB, 0xBF}
	prologRe    = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)
	metaRe      = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)`)
	prologEncRe = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])`)
)

// fallbacks are tried, in order of preference, when no label helps.
var fallbacks = []string{"utf-8", "windows-1251", "koi8-r", "iso-8859-5", "windows-1252"}

// ToUTF8 decodes body to UTF-8. contentType is the HTTP Content-Type header
// (may be empty). An XML prolog's encoding is rewritten to UTF-8 so a
// parser reading the result does not decode it a second time.
func ToUTF8(body []byte, contentType string) (Result, error) {
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		return Result{Body: relabel(body[len(utf8BOM):]), Encoding: "utf-8"}, nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		out, err := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewDecoder().Bytes(body)
		if err != nil {
			return Result{}, fmt.Errorf("decode UTF-16: %w", err)
		}
		return Result{Body: relabel(out), Encoding: "utf-16"}, nil
	}
	if utf8.Valid(body) {
		return Result{Body: relabel(body), Encoding: "utf-8"}, nil
	}

	var labels []string
	if _, params, ok := strings.Cut(contentType, "charset="); ok {
		// The label ends at a space or semicolon; a header may give none.
		if label := strings.Fields(strings.ReplaceAll(params, ";", " ")); len(label) > 0 {
			labels = append(labels, strings.Trim(label[0], `"'`))
		}
	}
	head := body[:min(len(body), 1024)]
	if m := prologRe.FindSubmatch(head); m != nil {
		labels = append(labels, string(m[1]))
	} else if m := metaRe.FindSubmatch(body[:min(len(body), 4096)]); m != nil {
		labels = append(labels, string(m[1]))
	}

	var candidates []encoding.Encoding
	var names []string
	add := func(label string) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return
		}
		name, _ := htmlindex.Name(enc)
		for _, n := range names {
			if n == name {
				return
			}
		}
		candidates = append(candidates, enc)
		names = append(names, name)
	}
	for _, l := range labels {
		add(l)
	}
	declared := len(candidates)
	for _, l := range fallbacks {
		add(l)
	}

	// Score a sample: enough text to judge, cheap on a large document.
	sample := body[:min(len(body), 16<<10)]
	bestScore, best := -1<<31, -1
	for i, enc := range candidates {
		out, err := enc.NewDecoder().Bytes(sample)
		if err != nil {
			continue
		}
		score, letters := plausibility(out)
		// A declared label wins unless another candidate reads clearly
		// better: by a quarter point a letter, which a wrong label (KOI8-R
		// read as windows-1251) loses by far.
		if i < declared {
			score += 5 + letters/4
		}
		if score > bestScore {
			bestScore, best = score, i
		}
	}
	if best < 0 {
		return Result{}, errors.New("no character encoding decodes the document")
	}
	out, err := candidates[best].NewDecoder().Bytes(body)
	if err != nil {
		return Result{}, fmt.Errorf("decode %s: %w", names[best], err)
	}
	return Result{Body: relabel(out), Encoding: names[best]}, nil
}

// frequentCyrillic are the ten commonest letters of Russian (and most of
// Belarusian's); rareCyrillic occur only in Serbian and Macedonian, which
// a wrong code page produces in bulk.
const (
	frequentCyrillic = "оеаинтсрвл"
	rareCyrillic     = "ђѓјљњћќџѕ"
)

// plausibility scores decoded text by how much it reads like natural
// language: lower-case letters count for, upper-case letters after lower
// case, control characters and mixed-script words count against. It tells
// windows-1251 from KOI8-R (which swap cases) and both from Latin-1.
func plausibility(b []byte) (score, letters int) {
	prevLower := false
	prevScript := 0
	for _, r := range string(b) {
		script := 0 // 1 Cyrillic, 2 Latin, 3 any other letter
		switch {
		case r < 0x80:
			if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
				script = 2
			}
		case r >= 0x400 && r <= 0x52F: // Cyrillic and its supplement
			script = 1
		case unicode.Is(unicode.Latin, r):
			script = 2
		case unicode.IsLetter(r):
			script = 3
		}
		if script != 0 {
			letters++
		}
		switch {
		case unicode.IsLower(r):
			score += 2
			switch {
			case script == 2 && r >= 0x80:
				// Accented Latin letters: real in German or Polish, but
				// also what Cyrillic bytes read as Latin-1 turn into.
				score -= 2
			case script == 1 && strings.ContainsRune(frequentCyrillic, r):
				// Letter frequency tells apart the single-byte Cyrillic
				// code pages that all decode to lower-case letters.
				score += 2
			case script == 1 && strings.ContainsRune(rareCyrillic, r):
				score -= 4
			}
		case unicode.IsUpper(r):
			if prevLower {
				score -= 4
			}
		case unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t':
			score -= 10
		case r >= 0x2500 && r <= 0x25FF: // box drawing: KOI8 read wrong
			score -= 5
		case r == utf8.RuneError:
			// A byte the encoding does not have: UTF-8 reads each byte
			// of a single-byte code page's letters as one.
			score -= 10
		}
		if script != 0 && prevScript != 0 && script != prevScript {
			score -= 5 // a word in two scripts
		}
		prevLower = unicode.IsLower(r)
		if unicode.IsLetter(r) {
			prevScript = script
		} else {
			prevScript = 0
		}
	}
	return score, letters
}

// relabel rewrites an XML prolog's encoding to UTF-8.
func relabel(b []byte) []byte {
	head := b[:min(len(b), 1024)]
	loc := prologEncRe.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	if strings.EqualFold(string(b[loc[4]:loc[5]]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[4]]...)
	out = append(out, "UTF-8"...)
	out = append(out, b[loc[5]:]...)
	return out
}
