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

// Parse parses the text exposition format's samples.
func Parse(r io.Reader) ([]Sample, error) {
	var out []Sample
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		sp := strings.LastIndexByte(line, ' ')
		if sp < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[sp+1:], 64)
		if err != nil {
			continue
		}
		series := line[:sp]
		name, labels := series, ""
		if i := strings.IndexByte(series, '{'); i >= 0 {
			name, labels = series[:i], series[i:]
		}
		out = append(out, Sample{Name: name, Labels: labels, Value: v})
	}
	return out, sc.Err()
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
