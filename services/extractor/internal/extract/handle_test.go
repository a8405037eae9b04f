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
	// Half a MiB of short quotations in an article whose URL and title,
	// which every record repeats, are as long as a record takes.
	quoted := art
	quoted.URL = "https://eng.belta.by/" + strings.Repeat("a", event.MaxURLBytes-21)
	quoted.Title = strings.Repeat("T", event.MaxTitleBytes)
	quoted.Body = strings.Repeat("“Yes,” Lavrov said. ", 25_000)
	quotedJSON, _ := json.Marshal(quoted)
	// The same in an article of 16 KiB: a batch of 500 such articles must
	// not make gigabytes of records.
	small := quoted
	small.Body = strings.Repeat("“Yes,” Lavrov said. ", 200)
	smallJSON, _ := json.Marshal(small)
	// A MiB of news: the seed article again and again.
	long := art
	long.Body = strings.Repeat(art.Body+"\n\n", (1<<20-8<<10)/(len(art.Body)+2))
	longJSON, _ := json.Marshal(long)
	cases := []struct {
		name    string
		value   []byte
		want    error
		mention string // what the error must say
	}{
		{"valid", good, nil, ""},
		{"not JSON", []byte("{broken"), event.ErrMalformed, ""},
		{"wrong types", []byte(`{"id": 7, "body": []}`), event.ErrMalformed, "event.Article.id"},
		{"missing fields", []byte(`{"id":"a1","body":"text"}`), event.ErrInvalid, "url is missing"},
		{"over the size limit", hugeJSON, extract.ErrTooLarge, "limit 1048576"},
		{"a MiB of news", longJSON, nil, ""},
		{"records over 16 times the article and 256 KiB", quotedJSON, extract.ErrTooManyRecords,
			"25000 quotations and 1 entities, whose first 795 records pass 10061936 bytes (16 × the article's 612487 + 262144)"},
		{"a small article's records over 16 times it and 256 KiB", smallJSON, extract.ErrTooManyRecords,
			"200 quotations and 1 entities, whose first 43 records pass 538736 bytes (16 × the article's 17287 + 262144)"},
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
			if c.mention != "" && !strings.Contains(err.Error(), c.mention) {
				t.Errorf("error %q does not say %q", err, c.mention)
			}
		})
	}
}
