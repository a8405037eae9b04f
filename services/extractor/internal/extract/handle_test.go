package extract_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/event"
	"github.com/newswire/newswire/services/extractor/internal/extract"
)

// TestHandleRefusesBadRecords: every record the extractor cannot take gets
// an error that names what is wrong (the consumer dead-letters it); a good
// one gives its quotation and entity records.
func TestHandleRefusesBadRecords(t *testing.T) {
	p := pipeline(t)
	art := seed(t)
	art.FeedURL = "https://eng.belta.by/rss"
	good, err := json.Marshal(art)
	if err != nil {
		t.Fatal(err)
	}
	huge := art
	huge.Body = strings.Repeat("Minsk hosts talks. ", 60_000) // over 1 MiB
	hugeJSON, _ := json.Marshal(huge)
	cases := []struct {
		name  string
		value []byte
		want  error
	}{
		{"valid", good, nil},
		{"not JSON", []byte("{broken"), event.ErrMalformed},
		{"wrong types", []byte(`{"id": 7, "body": []}`), event.ErrMalformed},
		{"missing fields", []byte(`{"id":"a1","body":"text"}`), event.ErrInvalid},
		{"over the size limit", hugeJSON, extract.ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := p.Handle(t.Context(), kafka.Message{Topic: "news.articles", Value: c.value})
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.want == nil && len(out) == 0 {
				t.Error("a valid article gave no records")
			}
		})
	}
}
