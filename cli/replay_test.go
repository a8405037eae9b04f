package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/replay"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
)

var (
	runIDs   = regexp.MustCompile(`replay-\d{8}T\d{6}Z-[0-9a-f]{6}`)
	rfc3339s = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
)

// stable replaces what changes from run to run: run IDs and times.
func stable(s string) string {
	return rfc3339s.ReplaceAllString(runIDs.ReplaceAllString(s, "RUN"), "TIME")
}

func TestReplay(t *testing.T) {
	p := startPipeline(t, 3)
	// The copies are stamped by the broker's clock, so the test runs on it.
	base := time.Now().UTC().Truncate(time.Second)
	var msgs []kafka.Message
	write := func(n int, first time.Time, step time.Duration, prefix string) {
		for i := range n {
			a := sampleArticle(fmt.Sprintf("%s-%d", prefix, i), "BelTA", "en", "Article "+prefix, first.Add(time.Duration(i)*step))
			msgs = append(msgs, message(t, p.topics.Articles, a.ID, a, a.PublishedAt))
		}
	}
	write(3, base.Add(-3*time.Hour), time.Minute, "old")
	write(4, base.Add(-90*time.Minute), 15*time.Minute, "in")
	write(2, base.Add(-10*time.Minute), time.Minute, "late")
	p.produce(t, msgs...)

	a, out, _ := newApp(p.env)
	a.now = func() time.Time { return base }
	if err := a.run(t.Context(), []string{"replay", "--from", "2h ago", "--to", "30m ago", "--dry-run"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "replay-dry-run.golden", stable(out.String()))
	if n := len(kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Articles, 9, 5*time.Second)); n != 9 {
		t.Fatalf("a dry run produced: the topic holds %d records", n)
	}

	a, out, _ = newApp(p.env)
	a.now = func() time.Time { return base }
	if err := a.run(t.Context(), []string{"replay", "--from", "2h ago", "--to", "30m ago"}); err != nil {
		t.Fatal(err)
	}
	golden(t, "replay.golden", stable(out.String()))
	run := runIDs.FindString(out.String())
	all := kafkatest.ReadAll(t, p.cluster.Brokers(), p.topics.Articles, 13, 10*time.Second)
	originals := map[string]kafka.Message{}
	var copies []kafka.Message
	for _, m := range all {
		if v := stream.Header(m, replay.Header); v != "" {
			if v != run {
				t.Errorf("copy header %s = %q, want %q", replay.Header, v, run)
			}
			copies = append(copies, m)
		} else {
			originals[string(m.Key)] = m
		}
	}
	if len(copies) != 4 {
		t.Fatalf("%d copies, want the 4 articles of the range", len(copies))
	}
	for _, c := range copies {
		o := originals[string(c.Key)]
		if !strings.HasPrefix(string(c.Key), "in-") || string(c.Value) != string(o.Value) || c.Partition != o.Partition ||
			stream.Header(c, stream.HeaderType) != stream.Header(o, stream.HeaderType) || !c.Time.After(base.Add(-time.Second)) {
			t.Errorf("copy %s at %s/%d: %s\noriginal at %d: %s", c.Key, c.Time, c.Partition, c.Value, o.Partition, o.Value)
		}
	}

	// A later run over a range holding the copies replays each article once.
	a, out, _ = newApp(p.env)
	a.now = time.Now
	if err := a.run(t.Context(), []string{"replay", "--from", "2h ago"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "replayed 6 records; skipped 4 copies made by earlier replays") {
		t.Errorf("second run:\n%s", out)
	}

	a, out, _ = newApp(p.env)
	a.now = func() time.Time { return base.Add(-5 * time.Hour) }
	if err := a.run(t.Context(), []string{"replay", "--from", "6h ago", "--to", "5h30m ago"}); err != nil || !strings.Contains(out.String(), "replayed 0 records") {
		t.Errorf("an empty range: %v\n%s", err, out)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"replay"}, "--from is required"},
		{[]string{"replay", "--from", "1h", "--to", "2h"}, "--from must be before --to"},
		{[]string{"replay", "--from", "1h", "extra"}, "usage"},
		{[]string{"replay", "--from", "1h", "--topic", "no-such-topic"}, "no such topic"},
	} {
		a, _, _ := newApp(p.env)
		if err := a.run(t.Context(), tt.args); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: err = %v, want one saying %s", tt.args, err, tt.want)
		}
	}
}
