// Package fulltext extracts the article from a web page, for feeds that
// carry only a summary: the page is decoded like a feed (charset first),
// the boxes around the article (navigation, footers, "most read" and
// "related" lists, share bars) are cut, and readability picks the article
// out of what remains.
package fulltext

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/pkg/feed/charset"
	"github.com/newswire/newswire/pkg/feed/htmltext"
)

// Limits keep one page from costing more than its share.
const (
	MaxElements = 50000
	// MaxNestedText bounds the page's text bytes each weighted by the
	// elements it lies in: readability walks the text under every
	// element, so 500 nested <div> around the text make it cost 500 times
	// a flat page's. An article of 500 KiB lies some 30 deep: 15 MiB; the
	// most a page under the bound costs is some 250 ms.
	MaxNestedText = 32 << 20
	MinRunes      = 200 // less than this is no article: a consent wall, a stub
)

// ErrNoArticle is returned when the page holds no recognisable article.
var ErrNoArticle = errors.New("no article found on the page")

// boilerplate matches the class or id of boxes that are never the article.
var boilerplate = regexp.MustCompile(`(?i)(^|[-_\s])(most-?(read|popular|viewed|commented)|popular|trending|top-?news|related|recommend(ed|ations)?|read-?(also|more)|share|social|subscribe|newsletter|breadcrumbs?|cookie|banner|promo|sidebar|navbar|navigation|menu|footer|complementary|contentinfo)([-_\s]|$)`)

// cut elements are never part of an article.
var cut = map[atom.Atom]bool{
	atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Header: true,
	atom.Form: true, atom.Script: true, atom.Style: true, atom.Noscript: true,
	atom.Iframe: true, atom.Button: true, atom.Svg: true,
}

// Extract returns the plain text of the article on the page at pageURL,
// paragraphs separated by blank lines. contentType is the HTTP header.
func Extract(page []byte, contentType, pageURL string) (string, error) {
	doc, err := charset.ToUTF8(page, contentType)
	if err != nil {
		return "", fmt.Errorf("decode page charset: %w", err)
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("page url: %w", err)
	}
	text, err := extract(doc.Body, base, true)
	if errors.Is(err, ErrNoArticle) {
		// The cut may have taken the article with it (a container named
		// like a box): let readability judge the whole page.
		text, err = extract(doc.Body, base, false)
	}
	return text, err
}

func extract(page []byte, base *url.URL, cutBoxes bool) (string, error) {
	root, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return "", fmt.Errorf("parse page: %w", err)
	}
	if w := nestedText(root, 0); w > MaxNestedText {
		return "", fmt.Errorf("page text nested too deep: %d bytes times depth, over %d", w, MaxNestedText)
	}
	if cutBoxes {
		strip(root)
	}
	p := readability.NewParser()
	p.MaxElemsToParse = MaxElements
	p.DisableJSONLD = true
	article, err := p.ParseAndMutate(root, base)
	if err != nil {
		return "", fmt.Errorf("find article: %w", err)
	}
	if article.Node == nil {
		return "", ErrNoArticle
	}
	var b strings.Builder
	if err := article.RenderHTML(&b); err != nil {
		return "", fmt.Errorf("render article: %w", err)
	}
	text := htmltext.Plain(b.String())
	if len([]rune(text)) < MinRunes {
		return "", fmt.Errorf("%w: %d characters of text", ErrNoArticle, len([]rune(text)))
	}
	return text, nil
}

// nestedText returns the bytes of text under n, each counted once for
// every element it lies in below n (n itself at depth).
func nestedText(n *html.Node, depth int) int {
	w := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			w += len(c.Data) * depth
		case html.ElementNode:
			w += nestedText(c, depth+1)
		}
	}
	return w
}

// strip removes the elements that are never the article, before
// readability scores what is left: its own heuristics let a long "most
// read" list through when its links read like sentences.
func strip(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && (cut[c.DataAtom] || isBoilerplate(c)) {
			n.RemoveChild(c)
		} else {
			strip(c)
		}
		c = next
	}
}

func isBoilerplate(n *html.Node) bool {
	if n.DataAtom == atom.Body || n.DataAtom == atom.Html || n.DataAtom == atom.Article || n.DataAtom == atom.Main {
		return false
	}
	for _, a := range n.Attr {
		if (a.Key == "class" || a.Key == "id" || a.Key == "role") && boilerplate.MatchString(a.Val) {
			return true
		}
	}
	return false
}
