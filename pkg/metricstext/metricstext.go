// Package metricstext reads Prometheus metrics in the text exposition
// format: what devstack shows a person and what tests assert on.
package metricstext

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Sample is one series of a scrape.
type Sample struct {
	Name   string
	Labels string
	Value  float64
}

// Scrape reads a Prometheus text exposition.
func Scrape(ctx context.Context, url string) ([]Sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape %s: HTTP status %d", url, resp.StatusCode)
	}
	return Parse(resp.Body)
}

// Parse parses the text exposition format's samples: `name{labels}
// value [timestamp]`, label values possibly holding spaces and escaped
// quotes. Lines that are not samples are skipped.
func Parse(r io.Reader) ([]Sample, error) {
	var out []Sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if s, ok := parseLine(strings.TrimSpace(sc.Text())); ok {
			out = append(out, s)
		}
	}
	return out, sc.Err()
}

func parseLine(line string) (Sample, bool) {
	if line == "" || line[0] == '#' {
		return Sample{}, false
	}
	end := strings.IndexAny(line, "{ \t")
	if end <= 0 {
		return Sample{}, false
	}
	name, rest, labels := line[:end], line[end:], ""
	if rest[0] == '{' {
		close := labelsEnd(rest)
		if close < 0 {
			return Sample{}, false
		}
		labels, rest = rest[:close+1], rest[close+1:]
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 || len(fields) > 2 {
		return Sample{}, false
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		return Sample{}, false
	}
	return Sample{Name: name, Labels: labels, Value: v}, true
}

// labelsEnd returns the index of the brace closing the label set that s
// opens, skipping quoted values.
func labelsEnd(s string) int {
	quoted := false
	for i := 1; i < len(s); i++ {
		switch {
		case quoted && s[i] == '\\':
			i++
		case s[i] == '"':
			quoted = !quoted
		case !quoted && s[i] == '}':
			return i
		}
	}
	return -1
}

// Sum adds the samples of a metric whose labels contain every filter
// (`status="error"`).
func Sum(samples []Sample, name string, filters ...string) float64 {
	total := 0.0
next:
	for _, s := range samples {
		if s.Name != name {
			continue
		}
		for _, f := range filters {
			if !strings.Contains(s.Labels, f) {
				continue next
			}
		}
		total += s.Value
	}
	return total
}
