// Package deadletter shows the records the services could not process
// (news.deadletter, with why and where from in dlq_* headers) and sends
// chosen ones back to the topic they came from once the cause is fixed.
package deadletter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/cli/internal/replay"
	"github.com/newswire/newswire/cli/internal/topiclog"
	"github.com/newswire/newswire/pkg/stream"
)

// Letter is one dead letter as its headers describe it.
type Letter struct {
	Msg     kafka.Message
	Error   string
	Service string
	// Where the record was consumed from; Partition and Offset are -1 when
	// the headers do not say.
	Topic     string
	Partition int
	Offset    int64
	Time      time.Time // when it was dead-lettered; zero when unknown
	// Truncated says the dead letter keeps only part of the record's key,
	// value or headers (a dlq_truncated header): it cannot be replayed.
	Truncated bool
}

// Parse reads a dead letter's headers.
func Parse(m kafka.Message) Letter {
	l := Letter{
		Msg:       m,
		Error:     stream.Header(m, stream.HeaderDLQError),
		Service:   stream.Header(m, stream.HeaderDLQService),
		Topic:     stream.Header(m, stream.HeaderDLQTopic),
		Partition: -1,
		Offset:    -1,
	}
	if p, err := strconv.Atoi(stream.Header(m, stream.HeaderDLQPartition)); err == nil && p >= 0 {
		l.Partition = p
	}
	if o, err := strconv.ParseInt(stream.Header(m, stream.HeaderDLQOffset), 10, 64); err == nil && o >= 0 {
		l.Offset = o
	}
	if t, err := time.Parse(time.RFC3339Nano, stream.Header(m, stream.HeaderDLQTime)); err == nil {
		l.Time = t
	}
	for _, h := range m.Headers {
		if h.Key == stream.HeaderDLQTruncated {
			l.Truncated = true
		}
	}
	return l
}

// Position is a dead letter's place in the dead-letter topic.
type Position struct {
	Partition int
	Offset    int64
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Partition, p.Offset) }

// ParsePositions reads positions written PARTITION:OFFSET, separated by
// commas or spaces ("0:12,3:7").
func ParsePositions(s string) ([]Position, error) {
	var out []Position
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		ps, os, ok := strings.Cut(f, ":")
		if !ok {
			return nil, fmt.Errorf("%q is not PARTITION:OFFSET (such as 0:12): the dead-letter topic has several partitions", f)
		}
		p, err := strconv.Atoi(ps)
		if err != nil || p < 0 || p > 1<<20 {
			return nil, fmt.Errorf("%q: partition %q is not a partition number", f, ps)
		}
		o, err := strconv.ParseInt(os, 10, 64)
		if err != nil || o < 0 {
			return nil, fmt.Errorf("%q: offset %q is not an offset", f, os)
		}
		out = append(out, Position{Partition: p, Offset: o})
	}
	return out, nil
}

// Selection chooses dead letters; every field set must match.
type Selection struct {
	Service   string     // the service that refused the record
	Topic     string     // the topic it came from
	Error     string     // part of the error, ignoring case
	Positions []Position // places in the dead-letter topic
}

// Empty reports whether the selection chooses everything.
func (s Selection) Empty() bool {
	return s.Service == "" && s.Topic == "" && s.Error == "" && len(s.Positions) == 0
}

// Match reports whether the letter is chosen.
func (s Selection) Match(l Letter) bool {
	if s.Service != "" && !strings.EqualFold(l.Service, s.Service) {
		return false
	}
	if s.Topic != "" && l.Topic != s.Topic {
		return false
	}
	if s.Error != "" && !strings.Contains(strings.ToLower(l.Error), strings.ToLower(s.Error)) {
		return false
	}
	if len(s.Positions) == 0 {
		return true
	}
	for _, p := range s.Positions {
		if p.Partition == l.Msg.Partition && p.Offset == l.Msg.Offset {
			return true
		}
	}
	return false
}

// Log reads a whole topic.
type Log interface {
	Bounds(ctx context.Context, topic string) ([]topiclog.Span, error)
	Read(ctx context.Context, topic string, s topiclog.Span, fn func(kafka.Message) error) error
}

// Each hands fn the chosen dead letters of topic, in partition and offset
// order, one at a time: the topic keeps weeks of records, each holding a
// whole record that could be large.
func Each(ctx context.Context, log Log, topic string, sel Selection, fn func(Letter) error) error {
	spans, err := log.Bounds(ctx, topic)
	if err != nil {
		return err
	}
	for _, s := range spans {
		err := log.Read(ctx, topic, s, func(m kafka.Message) error {
			if l := Parse(m); sel.Match(l) {
				return fn(l)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// MaxErrorRunes bounds the error shown in the table.
const MaxErrorRunes = 100

// MaxServiceRunes and MaxOriginRunes bound the service and the origin
// shown: they are headers anyone writing to the topic can make a MiB long,
// and a column is as wide as its widest cell on every row.
const (
	MaxServiceRunes = 24
	MaxOriginRunes  = 100
)

// ListBlock is how many rows List writes at once, each block under its own
// heading: a table holds its rows until it is written, and a topic can hold
// millions of dead letters (a million listed at once took 1.2 GB).
const ListBlock = 1000

// List writes a table of the chosen dead letters of topic, a block of
// ListBlock rows at a time, and then how many there were.
func List(ctx context.Context, log Log, topic string, sel Selection, style display.Style, out io.Writer) error {
	newTable := func() *display.Table {
		return style.NewTable("POSITION", "DEAD-LETTERED", "SERVICE", "FROM", "KEY", "ERROR")
	}
	t, n := newTable(), 0
	write := func() error {
		if t.Len() == 0 {
			return nil
		}
		_, err := t.WriteTo(out)
		t = newTable()
		return err
	}
	err := Each(ctx, log, topic, sel, func(l Letter) error {
		t.Row(display.Text(Position{l.Msg.Partition, l.Msg.Offset}.String()), display.Text(stamp(l.Time)),
			display.Text(display.Truncate(display.Clean(l.Service), MaxServiceRunes)), display.Text(origin(l)), display.Faint(display.Truncate(display.Clean(string(l.Msg.Key)), 40)),
			display.Bad(display.Truncate(display.Clean(l.Error), MaxErrorRunes)))
		if n++; t.Len() == ListBlock {
			return write()
		}
		return nil
	})
	// The rows read before an error are written too.
	if werr := write(); err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	if n == 0 {
		_, err := fmt.Fprintf(out, "no dead letters in %s%s\n", topic, matching(sel))
		return err
	}
	_, err = fmt.Fprintf(out, "%s%s\n", display.Count(n, "dead letter"), matching(sel))
	return err
}

func matching(sel Selection) string {
	if sel.Empty() {
		return ""
	}
	return " matching the selection"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format(time.RFC3339)
}

// origin is where the letter came from, cleaned and at most
// MaxOriginRunes long.
func origin(l Letter) string {
	topic := display.Truncate(display.Clean(l.Topic), MaxOriginRunes-30) // room for /partition@offset
	if topic == "" {
		return "?"
	}
	if l.Partition < 0 || l.Offset < 0 {
		return topic
	}
	return fmt.Sprintf("%s/%d@%d", topic, l.Partition, l.Offset)
}

// ErrNoSelection is returned by Replay when nothing narrows what to send
// back and all was not asked for.
var ErrNoSelection = errors.New("say which dead letters to replay (--service, --topic, --error, --offset) or --all")

// ReplayOptions say what to send back.
type ReplayOptions struct {
	Topic     string // the dead-letter topic
	Selection Selection
	All       bool
	DryRun    bool
	RunID     string
	// Origins are the topics a dead letter may go back to: the pipeline's
	// topics its services consume. A letter naming any other topic (the
	// dead-letter topic itself, a topic the pipeline does not have) is left
	// where it is.
	Origins []string
}

// ErrTruncated is returned by Replay when it left chosen dead letters alone
// because they keep only part of the record (value, key or headers).
var ErrTruncated = errors.New("a dead letter with a " + stream.HeaderDLQTruncated + " header keeps only part of the record (the start of its value, key or headers); " +
	"the original is still in the topic it came from until its retention ends: replay it from there (newswire replay --topic, --from)")

// Replay sends the chosen dead letters back to the topics they came from,
// without their dlq_* headers and with a newswire-replay header, and
// reports each on out. Letters that do not say where they came from, or
// name a topic that is not one of opts.Origins, are left where they are, as
// is a letter of the same record (origin topic, partition and offset) as
// one sent before in the run: a service dead-letters a record again when it
// is delivered again after a crash. So are those that were cut (truncated)
// when they were dead-lettered, which makes the run end in ErrTruncated
// once the others are sent.
func Replay(ctx context.Context, log Log, producer replay.Producer, opts ReplayOptions, style display.Style, out io.Writer) (int, error) {
	if opts.Selection.Empty() && !opts.All {
		return 0, ErrNoSelection
	}
	verb := "replay"
	if opts.DryRun {
		verb = "would replay (dry run)"
	}
	batch := replay.NewBatcher(producer, 500)
	n, truncated := 0, 0
	sent := map[string]Position{} // origin of each letter sent, or that would be
	err := Each(ctx, log, opts.Topic, opts.Selection, func(l Letter) error {
		pos := Position{l.Msg.Partition, l.Msg.Offset}
		if l.Topic == "" {
			fmt.Fprintf(out, "%s  %s\n", pos, style.Warn("left alone: its headers do not name the topic it came from"))
			return nil
		}
		if !slices.Contains(opts.Origins, l.Topic) {
			fmt.Fprintf(out, "%s  %s\n", pos, style.Warn(fmt.Sprintf("left alone: it names %s as the topic it came from, which is not one of the pipeline's topics (%s)",
				origin(l), strings.Join(opts.Origins, ", "))))
			return nil
		}
		if l.Partition >= 0 && l.Offset >= 0 {
			if first, ok := sent[origin(l)]; ok {
				fmt.Fprintf(out, "%s  %s\n", pos, style.Warn(fmt.Sprintf("left alone: the same record (%s) as the dead letter at %s, replayed once", origin(l), first)))
				return nil
			}
			sent[origin(l)] = pos
		}
		if l.Truncated {
			truncated++
			fmt.Fprintf(out, "%s  %s\n", pos, style.Warn(fmt.Sprintf("left alone: it keeps only the first %d bytes of the record's value; the original is %s",
				len(l.Msg.Value), origin(l))))
			return nil
		}
		fmt.Fprintf(out, "%s  %s to %s  %s\n", pos, verb, display.Truncate(display.Clean(l.Topic), MaxOriginRunes), style.Dim(display.Truncate(display.Clean(l.Error), MaxErrorRunes)))
		n++
		if opts.DryRun {
			return nil
		}
		return batch.Add(ctx, replay.Copy(l.Msg, l.Topic, opts.RunID, isDLQHeader))
	})
	if err == nil {
		err = batch.Flush(ctx)
	}
	if err != nil {
		return int(batch.Written), err
	}
	switch {
	case opts.DryRun:
		fmt.Fprintf(out, "would replay %s; nothing was produced\n", display.Count(n, "dead letter"))
	default:
		fmt.Fprintf(out, "replayed %s (header %s: %s); they stay in %s as a record of what happened\n", display.Count(n, "dead letter"), replay.Header, opts.RunID, opts.Topic)
	}
	if truncated > 0 {
		return n, fmt.Errorf("left %s alone: %w", display.Count(truncated, "truncated dead letter"), ErrTruncated)
	}
	return n, nil
}

func isDLQHeader(key string) bool { return strings.HasPrefix(key, "dlq_") }
