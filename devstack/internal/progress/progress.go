// Package progress tells a person at the terminal what the pipeline is
// doing: each new quotation as `Speaker: “text”`, and feeds that fail.
package progress

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/event"
)

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

// FeedErrors follows the fetcher's JSON log from its current end and
// reports failed polls.
func FeedErrors(ctx context.Context, logPath string, say func(string)) {
	// The log is appended to across runs: only this run's lines count.
	var offset int64
	if info, err := os.Stat(logPath); err == nil {
		offset = info.Size()
	}
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
