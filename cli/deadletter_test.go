package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/deadletter"
	"github.com/newswire/newswire/cli/internal/replay"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
)

func TestDeadletter(t *testing.T) {
	p := startPipeline(t, 1)
	at := time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)
	origin := func(topic string, offset int64, value string) kafka.Message {
		return kafka.Message{Topic: topic, Partition: 0, Offset: offset, Key: []byte("key-" + value), Value: []byte(value),
			Headers: []kafka.Header{{Key: stream.HeaderType, Value: []byte("dev.newswire.article.v1")}}}
	}
	p.produce(t,
		stream.DeadLetter(p.topics.Deadletter, "extractor", origin(p.topics.Articles, 41, `{"id":`), errors.New("malformed record: unexpected end of JSON input"), at),
		stream.DeadLetter(p.topics.Deadletter, "publisher", origin(p.topics.Quotes, 7, `{"id":"q1"}`), errors.New("invalid record: article_id is missing; source is missing"), at.Add(time.Minute)),
		stream.DeadLetter(p.topics.Deadletter, "extractor", origin(p.topics.Articles, 42, `{"id":"big"}`), errors.New("article body of 9000000 bytes is over the limit"), at.Add(2*time.Minute)),
		kafka.Message{Topic: p.topics.Deadletter, Key: []byte("orphan"), Value: []byte("?")}, // no headers at all
	)

	lists := []struct {
		args []string
		file string
	}{
		{nil, "deadletter-list.golden"},
		{[]string{"--service", "extractor", "--error", "JSON"}, "deadletter-list-selected.golden"},
		{[]string{"--topic", "nothing"}, "deadletter-list-none.golden"},
	}
	for _, tt := range lists {
		t.Run("list "+strings.Join(tt.args, " "), func(t *testing.T) {
			a, out, _ := newApp(p.env)
			if err := a.run(t.Context(), append([]string{"deadletter", "list"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, out.String())
		})
	}

	a, out, _ := newApp(p.env)
	if err := a.run(t.Context(), []string{"deadletter", "replay", "--service", "extractor", "--dry-run"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "deadletter-replay-dry-run.golden", out.String())

	a, out, _ = newApp(p.env)
	if err := a.run(t.Context(), []string{"deadletter", "replay", "--offset", "0:2,0:3", "--topic", p.topics.Articles}); err != nil {
		t.Fatal(err)
	}
	golden(t, "deadletter-replay.golden", stable(out.String()))
	got := kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Articles, 1, 10*time.Second)
	if len(got) != 1 {
		t.Fatalf("%d records back in the origin topic, want 1: offset 3 names no origin", len(got))
	}
	back := got[0]
	if string(back.Key) != `key-{"id":"big"}` || string(back.Value) != `{"id":"big"}` || stream.Header(back, stream.HeaderType) != "dev.newswire.article.v1" ||
		!strings.HasPrefix(stream.Header(back, replay.Header), "replay-") {
		t.Errorf("replayed record: key %s value %s headers %v", back.Key, back.Value, back.Headers)
	}
	for _, h := range back.Headers {
		if strings.HasPrefix(h.Key, "dlq_") {
			t.Errorf("replayed record keeps header %s", h.Key)
		}
	}
	if n := len(kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Quotes, 0, time.Second)); n != 0 {
		t.Errorf("the dry run or the selection let %d records through to the quotes topic", n)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"deadletter", "replay"}, "say which dead letters to replay"},
		{[]string{"deadletter", "replay", "--offset", "12"}, `--offset: "12" is not PARTITION:OFFSET`},
		{[]string{"deadletter", "list", "--deadletter-topic", "no-such-topic"}, "no such topic"},
		{[]string{"deadletter", "purge"}, "usage"},
	} {
		a, _, _ := newApp(p.env)
		if err := a.run(t.Context(), tt.args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want one saying %s", tt.args, err, tt.want)
		}
	}
}

func TestDeadletterReplayLeavesTruncatedAlone(t *testing.T) {
	p := startPipeline(t, 1)
	at := time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)
	big := kafka.Message{Topic: p.topics.Articles, Partition: 0, Offset: 5, Key: []byte("big"), Value: bytes.Repeat([]byte("x"), 3<<20)}
	small := kafka.Message{Topic: p.topics.Articles, Partition: 0, Offset: 6, Key: []byte("small"), Value: []byte(`{"id":"small"}`)}
	p.produce(t,
		stream.DeadLetter(p.topics.Deadletter, "extractor", big, errors.New("article body of 3145728 bytes is over the limit"), at),
		stream.DeadLetter(p.topics.Deadletter, "extractor", small, errors.New("malformed record"), at),
	)
	for _, tt := range []struct {
		args []string
		file string
	}{
		{[]string{"--all", "--dry-run"}, "deadletter-replay-truncated-dry-run.golden"},
		{[]string{"--all"}, "deadletter-replay-truncated.golden"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			a, out, _ := newApp(p.env)
			err := a.run(t.Context(), append([]string{"deadletter", "replay"}, tt.args...))
			if !errors.Is(err, deadletter.ErrTruncated) || !strings.Contains(err.Error(), "left 1 truncated dead letter alone") {
				t.Errorf("err = %v, want one saying the truncated dead letter was left alone", err)
			}
			golden(t, tt.file, stable(out.String()))
		})
	}
	got := kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Articles, 1, 10*time.Second)
	if len(got) != 1 || string(got[0].Key) != "small" || string(got[0].Value) != string(small.Value) {
		t.Errorf("records back in the origin topic: %d, the first with key %s; want only the small one", len(got), got[0].Key)
	}
}

// TestDeadletterReplayOnlyToThePipelinesTopics: a dead letter naming a
// topic that does not exist made the whole run fail, producing nothing
// (Unknown Topic Or Partition for the batch); one naming the dead-letter
// topic was written back into it. Both now stay, and the others go back.
func TestDeadletterReplayOnlyToThePipelinesTopics(t *testing.T) {
	p := startPipeline(t, 1)
	at := time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)
	dl := func(topic string, offset int64, key string) kafka.Message {
		orig := kafka.Message{Topic: topic, Partition: 0, Offset: offset, Key: []byte(key), Value: []byte(`{"id":"` + key + `"}`)}
		return stream.DeadLetter(p.topics.Deadletter, "extractor", orig, errors.New("malformed record"), at)
	}
	p.produce(t,
		dl(p.topics.Articles, 1, "first"),
		dl("no-such-topic", 2, "nowhere"),
		dl(p.topics.Deadletter, 3, "loop"),
		dl(p.topics.Articles, 1, "first"), // dead-lettered again after a crash
		dl(p.topics.Articles, 4, "second"),
	)
	a, out, _ := newApp(p.env)
	if err := a.run(t.Context(), []string{"deadletter", "replay", "--all"}); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var keys []string
	for _, m := range kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Articles, 2, 10*time.Second) {
		keys = append(keys, string(m.Key))
	}
	if strings.Join(keys, " ") != "first second" {
		t.Errorf("back in %s: %v, want first and second once each\n%s", p.topics.Articles, keys, out)
	}
	if n := len(kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Deadletter, 5, 5*time.Second)); n != 5 {
		t.Errorf("%s holds %d records, want the 5 dead letters alone", p.topics.Deadletter, n)
	}
	if !strings.Contains(out.String(), "0:2  left alone: it names news.deadletter/0@3 as the topic it came from") {
		t.Errorf("output:\n%s", out)
	}
}
