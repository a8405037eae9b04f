package tail

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/pkg/event"
)

// records is a topic of one partition held in memory.
type records []kafka.Message

func (rs records) Follow(_ context.Context, _ string, _ bool, fn func(kafka.Message) error) error {
	for _, m := range rs {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// TestUnreadableRecordsCannotDriveTheTerminal: the decoder's error quotes
// the record's bytes; the line that reports it carries no control
// characters and stays one short line, however large the record.
func TestUnreadableRecordsCannotDriveTheTerminal(t *testing.T) {
	hostile := "\x1b]52;c;b3duZWQ=\x07\x1b[2J\x1b[H\u009b31m\u202e\r\x00"
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	a := event.Article{ID: "a1", URL: "https://news.example/a1", Title: "Title", Source: "BelTA", Language: "en",
		PublishedAt: at, FetchedAt: at, Body: "Body.", FeedURL: "https://news.example/rss", Revision: 1}
	good, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	values := []string{
		hostile,
		`{"id":"` + hostile + `"}`,
		`{"id":1` + hostile,
		`{"` + hostile + `":}`,
		`[` + strings.Repeat(hostile, 1<<16) + `]`, // 1.4 MiB, all of it quoted by the decoder
	}
	var rs records
	for i, v := range values {
		rs = append(rs, kafka.Message{Topic: "news.articles", Offset: int64(i), Value: []byte(v)})
	}
	rs = append(rs, kafka.Message{Topic: "news.articles", Offset: int64(len(values)), Value: good})
	var out, errOut strings.Builder
	if err := Run(t.Context(), rs, Options{Kind: Articles, Topic: "news.articles"}, display.Style{}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	if len(lines) != len(values) {
		t.Fatalf("%d lines on stderr, want one per unreadable record:\n%q", len(lines), errOut.String())
	}
	for _, l := range lines {
		if i := strings.IndexFunc(l, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
			t.Errorf("line has control character %q at %d: %q", l[i:i+1], i, l)
		}
		if len(l) > 1024 || !strings.Contains(l, "skipped the record at news.articles/0 offset") || !strings.Contains(l, "malformed record") {
			t.Errorf("line of %d bytes: %.300q", len(l), l)
		}
	}
	if !strings.Contains(out.String(), "Title") {
		t.Errorf("the readable record after them is not shown: %q", out.String())
	}
}
