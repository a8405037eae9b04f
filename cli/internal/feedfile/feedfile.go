// Package feedfile edits the YAML feed list the fetcher reads (FEEDS_FILE):
// it reads the feeds of an OPML export and adds them to a list, keeping
// the list's comments and entries and never listing a URL twice.
package feedfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/identity"
)

// ErrNotOPML is returned for a file that is no OPML document.
var ErrNotOPML = errors.New("not an OPML document")

// FromOPML reads the feeds of an OPML document (outlines with xmlUrl), each
// checked as the fetcher checks its feed list.
func FromOPML(b []byte) ([]feedlist.Feed, error) {
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("<")) {
		return nil, ErrNotOPML
	}
	feeds, err := feedlist.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("read OPML: %w", err)
	}
	return feeds, nil
}

// Merge adds feeds to the YAML feed list list (empty for a new one) and
// returns the new list, with what was added and what was skipped because
// its URL is listed already. The result is checked as the fetcher would
// read it.
func Merge(list []byte, feeds []feedlist.Feed) (out []byte, added, skipped []feedlist.Feed, err error) {
	doc, seq, fresh, err := load(list)
	if err != nil {
		return nil, nil, nil, err
	}
	listed := map[string]bool{}
	for _, item := range seq.Content {
		if u := field(item, "url"); u != "" {
			listed[key(u)] = true
		}
	}
	for _, f := range feeds {
		if listed[key(f.URL)] {
			skipped = append(skipped, f)
			continue
		}
		listed[key(f.URL)] = true
		seq.Content = append(seq.Content, entry(f))
		added = append(added, f)
	}
	var buf bytes.Buffer
	if fresh && len(bytes.TrimSpace(list)) > 0 {
		// The list held only comments, which YAML parses as nothing: keep them.
		buf.Write(bytes.TrimRight(list, "\n"))
		buf.WriteByte('\n')
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, nil, nil, fmt.Errorf("write feed list: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, nil, nil, fmt.Errorf("write feed list: %w", err)
	}
	if _, err := feedlist.Parse(buf.Bytes()); err != nil {
		return nil, nil, nil, fmt.Errorf("the merged feed list would not load: %w", err)
	}
	return buf.Bytes(), added, skipped, nil
}

// load parses a feed list into its document node and the sequence of its
// feeds, making both (fresh) when the list holds nothing.
func load(list []byte) (doc *yaml.Node, feeds *yaml.Node, fresh bool, err error) {
	if len(list) > feedlist.MaxFileBytes {
		return nil, nil, false, fmt.Errorf("feed list: %d bytes is over the %d-byte limit", len(list), feedlist.MaxFileBytes)
	}
	doc = &yaml.Node{}
	if err := yaml.Unmarshal(list, doc); err != nil {
		return nil, nil, false, fmt.Errorf("parse feed list YAML: %w", err)
	}
	if doc.Kind == 0 { // empty, or only comments
		doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
		fresh = true
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil, false, errors.New("feed list: not a mapping with a feeds key")
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "feeds" {
			continue
		}
		seq := root.Content[i+1]
		if seq.Tag == "!!null" {
			*seq = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		}
		if seq.Kind != yaml.SequenceNode {
			return nil, nil, false, fmt.Errorf("feed list: feeds (line %d) is not a list", seq.Line)
		}
		seq.Style = 0 // block style, whatever the list used
		return doc, seq, fresh, nil
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "feeds"}, seq)
	return doc, seq, fresh, nil
}

// field returns the value of a mapping's scalar key.
func field(m *yaml.Node, name string) string {
	if m.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == name {
			return strings.TrimSpace(m.Content[i+1].Value)
		}
	}
	return ""
}

// entry is one feed as a YAML mapping, in the order of config/feeds.yaml.
func entry(f feedlist.Feed) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(k, v string) {
		if v == "" {
			return
		}
		m.Content = append(m.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
	}
	add("url", f.URL)
	add("name", f.Name)
	add("language", f.Language)
	if f.Interval > 0 {
		add("interval", f.Interval.String())
	}
	return m
}

// key is what makes two feed URLs the same feed: tracking parameters,
// fragments and the case of scheme and host do not.
func key(u string) string { return identity.CleanURL(u) }
