package stream_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/stream"
)

// noise returns n bytes that do not compress, so the size the broker
// measures is the size written.
func noise(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.NewChaCha8([32]byte{}).Read(b)
	return b
}

// TestLargeRecords: a record over kafka-go's default bound of 1 MiB but
// within the topics' max.message.bytes is written whole, and the dead letter
// of a record larger than any topic takes keeps the start of its value and
// says how long it was.
func TestLargeRecords(t *testing.T) {
	f := newFixture(t)
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	article := noise(1536 << 10)
	huge := noise(3 << 20)
	small := []byte(`{"id":"a1"}`)
	deadLetter := func(key string, value []byte) kafka.Message {
		orig := kafka.Message{Topic: f.in, Partition: 1, Offset: 7, Key: []byte(key), Value: value}
		return stream.DeadLetter(f.dlq, "test", orig, errors.New("refused"), at)
	}
	tests := []struct {
		name          string
		msg           kafka.Message
		wantValue     []byte
		wantTruncated string
	}{
		{"record of 1.5 MiB", kafka.Message{Topic: f.in, Key: []byte("article"), Value: article}, article, ""},
		{"dead letter of 1.5 MiB", deadLetter("article", article), article[:stream.MaxDeadLetterValue], strconv.Itoa(len(article))},
		{"dead letter of 3 MiB", deadLetter("huge", huge), huge[:stream.MaxDeadLetterValue], strconv.Itoa(len(huge))},
		{"dead letter at the bound", deadLetter("bound", article[:stream.MaxDeadLetterValue]), article[:stream.MaxDeadLetterValue], ""},
		{"small dead letter", deadLetter("small", small), small, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.writer.WriteMessages(t.Context(), tt.msg); err != nil {
				t.Fatalf("write %d bytes: %v", len(tt.msg.Value), err)
			}
			var got *kafka.Message
			for _, m := range kafkatest.ReadAll(t, f.cluster.Brokers(), tt.msg.Topic, 1, 10*time.Second) {
				if string(m.Key) == string(tt.msg.Key) {
					got = &m
				}
			}
			if got == nil {
				t.Fatalf("no record with key %s in %s", tt.msg.Key, tt.msg.Topic)
			}
			if !bytes.Equal(got.Value, tt.wantValue) {
				t.Errorf("value of %d bytes, want the %d bytes written first", len(got.Value), len(tt.wantValue))
			}
			if h := stream.Header(*got, stream.HeaderDLQTruncated); h != tt.wantTruncated {
				t.Errorf("%s header %q, want %q", stream.HeaderDLQTruncated, h, tt.wantTruncated)
			}
		})
	}
}

// TestWriterBatchesFitTheTopics: records the writer takes in one call for
// one partition, each just under 1 MiB and not compressible, reach the
// topic: the writer's batches stay within max.message.bytes, headers and
// compression framing included.
func TestWriterBatchesFitTheTopics(t *testing.T) {
	f := newFixture(t)
	value := noise(1<<20 - 100)
	msgs := make([]kafka.Message, 3)
	for i := range msgs {
		msgs[i] = kafka.Message{Topic: f.out, Key: []byte("one partition"), Value: value}
	}
	if err := f.writer.WriteMessages(t.Context(), msgs...); err != nil {
		t.Fatalf("write %d records of %d bytes: %v", len(msgs), len(value), err)
	}
	if got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.out, len(msgs), 10*time.Second); len(got) != len(msgs) {
		t.Errorf("%d records in %s, want %d", len(got), f.out, len(msgs))
	}
}

// TestDeadLetterOfHostileRecord: a record whose key or headers are as large
// as the topic takes still gets a dead letter the writer can write: its
// key is cut, its headers are kept in order up to a bound, and it says it
// was cut.
func TestDeadLetterOfHostileRecord(t *testing.T) {
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	manyHeaders := make([]kafka.Header, 1500)
	for i := range manyHeaders {
		manyHeaders[i] = kafka.Header{Key: "h" + strconv.Itoa(i), Value: noise(1 << 10)}
	}
	tests := []struct {
		name        string
		orig        kafka.Message
		wantHeaders int
	}{
		{"key of 1.5 MiB", kafka.Message{Key: noise(1536 << 10), Value: noise(1536 << 10)}, 0},
		{"headers of 1.5 MiB", kafka.Message{Key: []byte("k"), Value: noise(1 << 20), Headers: manyHeaders}, 63},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.orig.Topic = f.in
			dl := stream.DeadLetter(f.dlq, "test", tt.orig, errors.New("refused"), at)
			if err := f.writer.WriteMessages(t.Context(), dl); err != nil {
				t.Fatalf("write the dead letter: %v", err)
			}
			got := kafkatest.ReadAll(t, f.cluster.Brokers(), f.dlq, 1, 10*time.Second)
			if len(got) != 1 {
				t.Fatalf("%d records in %s, want 1", len(got), f.dlq)
			}
			m := got[0]
			if !bytes.HasPrefix(tt.orig.Key, m.Key) || len(m.Key) == 0 {
				t.Errorf("key of %d bytes is not the start of the record's", len(m.Key))
			}
			for i, h := range m.Headers[:tt.wantHeaders] {
				if h.Key != tt.orig.Headers[i].Key || !bytes.Equal(h.Value, tt.orig.Headers[i].Value) {
					t.Errorf("header %d is %q, want the record's %q", i, h.Key, tt.orig.Headers[i].Key)
				}
			}
			if h := m.Headers[tt.wantHeaders].Key; h != stream.HeaderDLQError {
				t.Errorf("header %d is %q, want %s after the %d kept", tt.wantHeaders, h, stream.HeaderDLQError, tt.wantHeaders)
			}
			if h := stream.Header(m, stream.HeaderDLQTruncated); h != strconv.Itoa(len(tt.orig.Value)) {
				t.Errorf("%s header %q, want %d", stream.HeaderDLQTruncated, h, len(tt.orig.Value))
			}
		})
	}
}
