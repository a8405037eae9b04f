package stream

import (
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/encoding/json"
	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/pkg/textcut"
)

// CloudEvents binary-mode header names (Kafka protocol binding).
const (
	HeaderSpecVersion = "ce_specversion"
	HeaderID          = "ce_id"
	HeaderType        = "ce_type"
	HeaderSource      = "ce_source"
	HeaderTime        = "ce_time"
	HeaderContentType = "content-type"
)

// Dead-letter header names: why a record was refused and where it came from.
const (
	HeaderDLQError     = "dlq_error"
	HeaderDLQService   = "dlq_service"
	HeaderDLQTopic     = "dlq_topic"
	HeaderDLQPartition = "dlq_partition"
	HeaderDLQOffset    = "dlq_offset"
	HeaderDLQTime      = "dlq_time"
	// HeaderDLQTruncated is set when the dead letter does not keep the whole
	// record: only the first MaxDeadLetterValue bytes of its value, or of its
	// key, or not all of its headers (see DeadLetter). It holds the value's
	// whole length in bytes.
	HeaderDLQTruncated = "dlq_truncated"
)

// MaxDeadLetterValue bounds the value a dead letter keeps of the record it
// carries: every article record the fetcher writes (under 1 MiB) and the
// default MAX_ARTICLE_BYTES fit whole, so their dead letters can be
// replayed, and a dead letter of any record still fits the dead-letter
// topic with its headers.
const MaxDeadLetterValue = 1 << 20

// maxDeadLetterExtra bounds the key a dead letter keeps, and apart from it
// the record's own headers (names and values together): no record of the
// pipeline comes near it, and with MaxDeadLetterValue it keeps every dead
// letter under WriterBatchBytes, so a hostile record's dead letter is
// always written.
const maxDeadLetterExtra = 64 << 10

// Event describes one record to produce.
type Event struct {
	Topic string
	Key   string
	// ID is the CloudEvents id; with Key it identifies the record.
	ID     string
	Type   string
	Source string
	Time   time.Time
	Value  any
}

// Message encodes the event as JSON with CloudEvents binary-mode headers.
func (e Event) Message() (kafka.Message, error) {
	body, err := json.Marshal(e.Value)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("encode %s record %s: %w", e.Type, e.ID, err)
	}
	// One allocation holds the key and the header values: a publisher makes
	// a million of these a minute.
	buf := make([]byte, 0, len(e.Key)+len(e.ID)+len(e.Type)+len(e.Source)+len(time.RFC3339Nano))
	buf = append(buf, e.Key...)
	buf = append(buf, e.ID...)
	buf = append(buf, e.Type...)
	buf = append(buf, e.Source...)
	buf = e.Time.UTC().AppendFormat(buf, time.RFC3339Nano)
	key, rest := cut(buf, len(e.Key))
	id, rest := cut(rest, len(e.ID))
	typ, rest := cut(rest, len(e.Type))
	source, at := cut(rest, len(e.Source))
	return kafka.Message{
		Topic: e.Topic,
		Key:   key,
		Value: body,
		Headers: []kafka.Header{
			{Key: HeaderSpecVersion, Value: specVersion},
			{Key: HeaderID, Value: id},
			{Key: HeaderType, Value: typ},
			{Key: HeaderSource, Value: source},
			{Key: HeaderTime, Value: at},
			{Key: HeaderContentType, Value: contentTypeJSON},
		},
	}, nil
}

// The constant header values, shared by every record: nothing writes to a
// header once it is made.
var (
	specVersion     = []byte("1.0")
	contentTypeJSON = []byte("application/json")
)

// cut splits b after n bytes; the first part cannot grow into the second.
func cut(b []byte, n int) (head, tail []byte) {
	return b[:n:n], b[n:]
}

// DeadLetter wraps a record that could not be processed for the dead-letter
// topic: the original key, value and headers, plus the error, the service
// and the origin in headers, so it can be inspected and replayed. A value
// over MaxDeadLetterValue is cut to its first MaxDeadLetterValue bytes, a key
// over 64 KiB to its first 64 KiB, and the record's headers are kept in
// order while they come to 64 KiB; when anything is cut the dlq_truncated
// header holds the value's whole length. The cut is on a byte, not a
// character or JSON boundary, since such a dead letter is only shown and
// cannot be replayed (the original stays in its topic).
func DeadLetter(topic, service string, msg kafka.Message, cause error, now time.Time) kafka.Message {
	headers := make([]kafka.Header, 0, len(msg.Headers)+7)
	headersCut := false
	kept := 0
	for _, h := range msg.Headers {
		if isDLQHeader(h.Key) {
			continue
		}
		kept += len(h.Key) + len(h.Value)
		if kept > maxDeadLetterExtra {
			headersCut = true
			break
		}
		headers = append(headers, h)
	}
	headers = append(headers,
		kafka.Header{Key: HeaderDLQError, Value: []byte(textcut.Marked(cause.Error(), 2048))},
		kafka.Header{Key: HeaderDLQService, Value: []byte(service)},
		kafka.Header{Key: HeaderDLQTopic, Value: []byte(msg.Topic)},
		kafka.Header{Key: HeaderDLQPartition, Value: []byte(strconv.Itoa(msg.Partition))},
		kafka.Header{Key: HeaderDLQOffset, Value: []byte(strconv.FormatInt(msg.Offset, 10))},
		kafka.Header{Key: HeaderDLQTime, Value: []byte(now.UTC().Format(time.RFC3339Nano))},
	)
	key, keyCut := head(msg.Key, maxDeadLetterExtra)
	value, valueCut := head(msg.Value, MaxDeadLetterValue)
	if headersCut || keyCut || valueCut {
		headers = append(headers, kafka.Header{Key: HeaderDLQTruncated, Value: []byte(strconv.Itoa(len(msg.Value)))})
	}
	return kafka.Message{Topic: topic, Key: key, Value: value, Headers: headers}
}

// head returns the first n bytes of b, and whether that left anything out.
func head(b []byte, n int) ([]byte, bool) {
	if len(b) <= n {
		return b, false
	}
	return b[:n:n], true
}

// Header returns the value of the named header, or "".
func Header(msg kafka.Message, key string) string {
	for _, h := range msg.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func isDLQHeader(k string) bool {
	switch k {
	case HeaderDLQError, HeaderDLQService, HeaderDLQTopic, HeaderDLQPartition, HeaderDLQOffset, HeaderDLQTime, HeaderDLQTruncated:
		return true
	}
	return false
}
