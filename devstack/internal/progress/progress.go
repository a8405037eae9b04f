// Package progress tells a person at the terminal what the pipeline is
// doing: counters scraped from each service's /metrics, each new quotation
// as `Speaker: “text”`, and feeds that fail.
package progress

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/event"
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
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return ParseMetrics(resp.Body)
}

// ParseMetrics parses the text exposition format's samples.
func ParseMetrics(r io.Reader) ([]Sample, error) {
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

// Quotes prints each enriched quotation read from the topic until ctx ends.
func Quotes(ctx context.Context, brokers []string, topic string, fromStart bool, say func(string)) {
	start := kafka.LastOffset
	if fromStart {
		start = kafka.FirstOffset
	}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     brokers,
		GroupID:     fmt.Sprintf("newswire-devstack-%d-%d", os.Getpid(), time.Now().UnixNano()),
		Topic:       topic,
		StartOffset: start,
		MaxWait:     250 * time.Millisecond,
	})
	defer r.Close()
	for {
		m, err := r.ReadMessage(ctx) // a display: committing early loses nothing
		if err != nil {
			return
		}
		q, err := event.Decode[event.EnrichedQuote](m.Value)
		if err != nil {
			say("unreadable quotation record: " + err.Error())
			continue
		}
		say(FormatQuote(q))
	}
}

// FormatQuote renders a quotation the way the console shows it.
func FormatQuote(q event.EnrichedQuote) string {
	speaker := "(unknown speaker)"
	if q.Speaker.Name != nil {
		speaker = *q.Speaker.Name
	}
	text := q.Text
	if utf8.RuneCountInString(text) > 160 {
		text = string([]rune(text)[:160]) + "…"
	}
	rev := ""
	if q.Revision > 1 {
		rev = fmt.Sprintf(" (now %d sources)", len(q.Sources))
	}
	return fmt.Sprintf("[%s] %s: “%s”%s", q.Source, speaker, text, rev)
}

// FeedErrors follows the fetcher's JSON log and reports failed polls.
func FeedErrors(ctx context.Context, logPath string, say func(string)) {
	var offset int64
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		f, err := os.Open(logPath)
		if err != nil {
			continue
		}
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			f.Close()
			continue
		}
		rd := bufio.NewReader(f)
		for {
			b, err := rd.ReadBytes('\n')
			if err != nil {
				break // the last line may still be being written
			}
			offset += int64(len(b))
			var line struct {
				Msg   string  `json:"msg"`
				Feed  string  `json:"feed"`
				Error string  `json:"error"`
				Delay float64 `json:"delay"` // zap writes durations as seconds
			}
			if json.Unmarshal(b, &line) != nil || line.Msg != "feed poll failed" {
				continue
			}
			next := time.Duration(line.Delay * float64(time.Second)).Round(time.Second)
			say(fmt.Sprintf("feed %s failed: %s (next try in %s)", line.Feed, line.Error, next))
		}
		f.Close()
	}
}
