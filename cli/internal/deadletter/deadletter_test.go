package deadletter

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

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
