package deadletter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/cli/internal/topiclog"
	"github.com/newswire/newswire/pkg/stream"
)

func TestParsePositions(t *testing.T) {
	tests := []struct {
		in   string
		want []Position
	}{
		{"", nil},
		{"0:12", []Position{{0, 12}}},
		{"0:12,3:7", []Position{{0, 12}, {3, 7}}},
		{" 1:0 , 2:5 ", []Position{{1, 0}, {2, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePositions(tt.in)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("ParsePositions(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{"12", "a:1", "1:b", "-1:3", "1:-3", "1:2:3", ":"} {
		if got, err := ParsePositions(bad); err == nil {
			t.Errorf("ParsePositions(%q) = %v, want an error", bad, got)
		}
	}
}

func FuzzParsePositions(f *testing.F) {
	for _, s := range []string{"0:12", "0:12,3:7", " 1:0 , 2:5 ", "1:2:3", "9999999:99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := ParsePositions(s)
		if err != nil {
			return
		}
		for _, p := range ps {
			if p.Partition < 0 || p.Offset < 0 {
				t.Errorf("ParsePositions(%q) gave %v", s, p)
			}
			back, err := ParsePositions(p.String())
			if err != nil || len(back) != 1 || back[0] != p {
				t.Errorf("%v does not read back: %v, %v", p, back, err)
			}
		}
	})
}

func BenchmarkParsePositions(b *testing.B) {
	for b.Loop() {
		if _, err := ParsePositions("0:12,3:7,5:100000"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseAndMatch(t *testing.T) {
	orig := kafka.Message{Topic: "news.articles", Partition: 2, Offset: 41, Key: []byte("k"), Value: []byte("{")}
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	dl := stream.DeadLetter("news.deadletter", "extractor", orig, errors.New("malformed record: unexpected end of JSON input"), at)
	dl.Partition, dl.Offset = 1, 7
	l := Parse(dl)
	if l.Service != "extractor" || l.Topic != "news.articles" || l.Partition != 2 || l.Offset != 41 || !l.Time.Equal(at) || l.Error == "" {
		t.Fatalf("Parse = %+v", l)
	}
	tests := []struct {
		sel  Selection
		want bool
	}{
		{Selection{}, true},
		{Selection{Service: "Extractor"}, true},
		{Selection{Service: "publisher"}, false},
		{Selection{Topic: "news.articles"}, true},
		{Selection{Topic: "news.quotes"}, false},
		{Selection{Error: "END OF JSON"}, true},
		{Selection{Error: "timeout"}, false},
		{Selection{Positions: []Position{{0, 7}, {1, 7}}}, true},
		{Selection{Positions: []Position{{2, 41}}}, false}, // the origin's place is not the dead letter's
		{Selection{Service: "extractor", Error: "json", Positions: []Position{{1, 7}}}, true},
	}
	for _, tt := range tests {
		if got := tt.sel.Match(l); got != tt.want {
			t.Errorf("%+v matches = %v, want %v", tt.sel, got, tt.want)
		}
	}
	if bare := Parse(kafka.Message{}); bare.Partition != -1 || bare.Offset != -1 || !bare.Time.IsZero() {
		t.Errorf("a record without headers: %+v", bare)
	}
}

// letters is a dead-letter topic of one partition held in memory.
type letters []kafka.Message

func (ls letters) Bounds(context.Context, string) ([]topiclog.Span, error) {
	return []topiclog.Span{{Partition: 0, Start: 0, End: int64(len(ls))}}, nil
}

func (ls letters) Read(_ context.Context, _ string, _ topiclog.Span, fn func(kafka.Message) error) error {
	for _, m := range ls {
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}

// TestHeadersAreCleaned: the dlq_* headers are anyone's text; what the
// commands print of them carries no control characters.
func TestHeadersAreCleaned(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	orig := kafka.Message{Topic: "news.articles", Partition: 2, Offset: 41, Key: []byte("k"), Value: []byte("{")}
	dl := stream.DeadLetter("news.deadletter", "extractor", orig, errors.New("malformed"), at)
	for i, h := range dl.Headers {
		if h.Key == stream.HeaderDLQTopic {
			dl.Headers[i].Value = []byte("news.articles\x1b]0;owned\x07\x1b[2J\r\x00\u202e")
		}
	}
	truncated := dl
	truncated.Headers = append(slices.Clone(dl.Headers), kafka.Header{Key: stream.HeaderDLQTruncated, Value: []byte("3145728")})
	tests := []struct {
		name string
		run  func(out io.Writer) error
	}{
		{"list", func(out io.Writer) error {
			return List(t.Context(), letters{dl}, "news.deadletter", Selection{}, display.Style{}, out)
		}},
		{"replay", func(out io.Writer) error {
			_, err := Replay(t.Context(), letters{dl}, nil, ReplayOptions{Topic: "news.deadletter", All: true, DryRun: true}, display.Style{}, out)
			return err
		}},
		{"replay of a truncated dead letter", func(out io.Writer) error {
			_, err := Replay(t.Context(), letters{truncated}, nil, ReplayOptions{Topic: "news.deadletter", All: true, DryRun: true}, display.Style{}, out)
			if errors.Is(err, ErrTruncated) {
				return nil // it is left alone, as it should be
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if err := tt.run(&out); err != nil {
				t.Fatal(err)
			}
			if i := strings.IndexFunc(out.String(), func(r rune) bool {
				return r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r))
			}); i >= 0 {
				t.Errorf("output has control character %q at %d:\n%q", out.String()[i], i, out.String())
			}
			if !strings.Contains(out.String(), "news.articles]0;owned") {
				t.Errorf("output does not show the topic without its control characters:\n%q", out.String())
			}
		})
	}
}

// TestListBoundsWhatAHeaderAdds: a header of a MiB makes neither its cell
// nor, through the column's width, every other row a MiB wide.
func TestListBoundsWhatAHeaderAdds(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	huge := strings.Repeat("x", 1<<20)
	var ls letters
	for i := range 50 {
		orig := kafka.Message{Topic: "news.articles", Partition: 0, Offset: int64(i), Key: []byte(huge), Value: []byte("{")}
		dl := stream.DeadLetter("news.deadletter", "extractor", orig, errors.New(huge), at)
		dl.Offset = int64(i)
		for j, h := range dl.Headers {
			switch {
			case i == 1 && h.Key == stream.HeaderDLQService, i == 2 && h.Key == stream.HeaderDLQTopic:
				dl.Headers[j].Value = []byte(huge)
			}
		}
		ls = append(ls, dl)
	}
	var out strings.Builder
	if err := List(t.Context(), ls, "news.deadletter", Selection{}, display.Style{}, &out); err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(out.String(), "\n") {
		if len(l) > 400 {
			t.Errorf("line %d is %d bytes: %.200q…", i, len(l), l)
		}
	}
	if !strings.Contains(out.String(), "50 dead letters") {
		t.Errorf("the count is missing: %.300q", out.String())
	}
}

// TestListWritesAsItReads: a topic can hold millions of dead letters; the
// list is written a block of ListBlock rows at a time, each under its own
// heading, instead of held whole until the end.
func TestListWritesAsItReads(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	n := 2*ListBlock + 1
	ls := make(letters, n)
	for i := range ls {
		orig := kafka.Message{Topic: "news.articles", Partition: 0, Offset: int64(i), Key: []byte("k"), Value: []byte("{")}
		ls[i] = stream.DeadLetter("news.deadletter", "extractor", orig, errors.New("malformed"), at)
		ls[i].Offset = int64(i)
	}
	var out writes
	if err := List(t.Context(), ls, "news.deadletter", Selection{}, display.Style{}, &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Errorf("written in %d parts, want 3 blocks and the count", len(out))
	}
	all := strings.Join(out, "")
	if got := strings.Count(all, "POSITION"); got != 3 {
		t.Errorf("%d headings, want one a block, 3", got)
	}
	if got := strings.Count(all, "news.articles/0@"); got != n {
		t.Errorf("%d rows, want %d", got, n)
	}
	if want := fmt.Sprintf("%d dead letters\n", n); !strings.HasSuffix(all, want) {
		t.Errorf("ends %q, want the count %q", all[max(0, len(all)-100):], want)
	}
}

// writes keeps each write apart.
type writes []string

func (w *writes) Write(b []byte) (int, error) {
	*w = append(*w, string(b))
	return len(b), nil
}

// TestReplaySendsBackOnlyToThePipelinesTopicsAndOnce: the origin is a
// header; a letter naming the dead-letter topic, an enriched topic the
// pipeline does not list, or a topic that does not exist stays where it is,
// and the rest of the letters still go back, each record once.
func TestReplaySendsBackOnlyToThePipelinesTopicsAndOnce(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	letter := func(pos int64, topic string, offset int64) kafka.Message {
		orig := kafka.Message{Topic: topic, Partition: 0, Offset: offset, Key: []byte(fmt.Sprint("k", pos)), Value: []byte("{")}
		dl := stream.DeadLetter("news.deadletter", "extractor", orig, errors.New("malformed"), at)
		dl.Offset = pos
		return dl
	}
	never := letter(7, "news.quotes", 0)
	for i, h := range never.Headers {
		if h.Key == stream.HeaderDLQPartition || h.Key == stream.HeaderDLQOffset {
			never.Headers[i].Value = []byte("-1") // a record too large to be written: no place of its own
		}
	}
	ls := letters{
		letter(0, "news.articles", 41),
		letter(1, "news.deadletter", 3),          // would loop back into the topic read
		letter(2, "no-such-topic", 5),            // not the pipeline's
		letter(3, "news.articles", 41),           // the same record dead-lettered twice
		letter(4, "news.articles\x1b[2J", 42),    // looks like one of them
		letter(5, "news.enriched.quotes", 9),     // the console's input: allowed
		letter(6, strings.Repeat("t", 1<<20), 1), // a MiB of topic name
		never, never,                             // no place to tell them apart: both go
	}
	origins := []string{"news.articles", "news.quotes", "news.entities", "news.enriched.quotes", "news.enriched.entities"}
	for _, dry := range []bool{true, false} {
		var sent sink
		var out strings.Builder
		opts := ReplayOptions{Topic: "news.deadletter", All: true, DryRun: dry, RunID: "run", Origins: origins}
		n, err := Replay(t.Context(), ls, &sent, opts, display.Style{}, &out)
		if err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("dry run %v: %d replayed, want 4:\n%s", dry, n, out.String())
		}
		want := []string{"news.articles", "news.enriched.quotes", "news.quotes", "news.quotes"}
		if dry {
			want = nil
		}
		if got := sent.topics(); !slices.Equal(got, want) {
			t.Errorf("dry run %v: sent to %v, want %v", dry, got, want)
		}
		for _, line := range []string{
			"0:1  left alone: it names news.deadletter/0@3 as the topic it came from, which is not one of the pipeline's topics",
			"0:2  left alone: it names no-such-topic/0@5 as",
			"0:3  left alone: the same record (news.articles/0@41) as the dead letter at 0:0, replayed once",
			"0:4  left alone: it names news.articles[2J/0@42 as",
		} {
			if !strings.Contains(out.String(), line) {
				t.Errorf("dry run %v: no line %q in\n%s", dry, line, out.String())
			}
		}
		for i, l := range strings.Split(out.String(), "\n") {
			if len(l) > 400 {
				t.Errorf("line %d is %d bytes", i, len(l))
			}
		}
	}
}

// sink records what is produced.
type sink []kafka.Message

func (s *sink) WriteMessages(_ context.Context, msgs ...kafka.Message) error {
	*s = append(*s, msgs...)
	return nil
}

func (s sink) topics() []string {
	var out []string
	for _, m := range s {
		out = append(out, m.Topic)
	}
	slices.Sort(out)
	return out
}
