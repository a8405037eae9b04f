package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"github.com/newswire/newswire/cli/internal/deadletter"
	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/cli/internal/feedfile"
	"github.com/newswire/newswire/cli/internal/feeds"
	"github.com/newswire/newswire/cli/internal/replay"
	"github.com/newswire/newswire/cli/internal/tail"
	"github.com/newswire/newswire/cli/internal/timerange"
	"github.com/newswire/newswire/cli/internal/topiclog"
	"github.com/newswire/newswire/pkg/boundedread"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/feed/articles"
	"github.com/newswire/newswire/pkg/feed/feedlist"
	"github.com/newswire/newswire/pkg/feed/httpfetch"
	"github.com/newswire/newswire/pkg/feedstate"
	"github.com/newswire/newswire/pkg/redisconn"
	"github.com/newswire/newswire/pkg/stream"
)

// common are the flags every command that reaches Kafka or Redis takes.
type common struct {
	fs          *flag.FlagSet
	brokers     string
	redisAddr   string
	redisPrefix string
	noColor     bool
	verbose     bool
}

func (a *app) flags(name, args string) *common {
	c := &common{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.fs.SetOutput(a.stderr)
	c.fs.BoolVar(&c.noColor, "no-color", false, "no colours, even on a terminal (as NO_COLOR does)")
	c.fs.BoolVar(&c.verbose, "v", false, "log what happens to standard error")
	c.fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: newswire %s %s\n\nflags:\n", name, args)
		c.fs.PrintDefaults()
	}
	return c
}

func (c *common) kafkaFlags() {
	c.fs.StringVar(&c.brokers, "brokers", "", "Kafka bootstrap brokers, comma-separated (default KAFKA_BROKERS, else 127.0.0.1:9092)")
}

func (c *common) redisFlags() {
	c.fs.StringVar(&c.redisAddr, "redis-addr", "", "Redis address (default REDIS_ADDR, else 127.0.0.1:6379)")
	c.fs.StringVar(&c.redisPrefix, "redis-prefix", "", "Redis key prefix of the deployment (default REDIS_KEY_PREFIX, else newswire:)")
}

// parse parses flags wherever they stand among the arguments
// (`feeds check URL --name X` as well as `feeds check --name X URL`) and
// returns the positional ones, of which there must be want.
func (c *common) parse(args []string, want int) ([]string, error) {
	pos, err := c.parseAll(args)
	if err == nil && len(pos) != want {
		c.fs.Usage()
		return nil, errUsage
	}
	return pos, err
}

func (c *common) parseAll(args []string) ([]string, error) {
	var positional []string
	for {
		if err := c.fs.Parse(args); err != nil {
			return nil, errUsage // the flag package has said what was wrong
		}
		args = c.fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// settings reads the services' variables and applies the flags over them;
// every problem is named by its variable or flag.
func (a *app) settings(c *common) (config.Common, error) {
	s := config.ReadCommon(a.env, "cli")
	var errs []error
	if err := a.env.Err(); err != nil {
		errs = append(errs, err)
	}
	if c.brokers != "" {
		s.Kafka.Brokers = nil
		for _, b := range strings.Split(c.brokers, ",") {
			if b = strings.TrimSpace(b); b == "" {
				continue
			}
			if _, _, err := net.SplitHostPort(b); err != nil {
				errs = append(errs, fmt.Errorf("--brokers: %q is not host:port", b))
			}
			s.Kafka.Brokers = append(s.Kafka.Brokers, b)
		}
		if len(s.Kafka.Brokers) == 0 {
			errs = append(errs, errors.New("--brokers: names no broker"))
		}
	}
	if c.redisAddr != "" {
		if _, _, err := net.SplitHostPort(c.redisAddr); err != nil {
			errs = append(errs, fmt.Errorf("--redis-addr: %q is not host:port", c.redisAddr))
		}
		s.Redis.Addr = c.redisAddr
	}
	if c.redisPrefix != "" {
		s.Redis.KeyPrefix = c.redisPrefix
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	return s, nil
}

func (a *app) style(c *common) display.Style {
	color := a.terminal && !c.noColor && a.env.String("NO_COLOR", "") == "" && a.env.String("TERM", "") != "dumb"
	return display.Style{Color: color, Location: a.location}
}

func (a *app) logger(c *common) *zap.Logger {
	if !c.verbose {
		return zap.NewNop()
	}
	cfg := zap.NewDevelopmentConfig()
	cfg.OutputPaths = []string{"stderr"}
	log, err := cfg.Build()
	if err != nil {
		return zap.NewNop()
	}
	return log
}

// kafka connects to the brokers of s.
func (a *app) kafka(s config.Common) (*stream.Connection, *topiclog.Log, error) {
	conn, err := stream.Connect(s.Kafka)
	if err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	return conn, topiclog.New(s.Kafka.Brokers, conn.Client(), conn.Dialer()), nil
}

func (a *app) tail(ctx context.Context, args []string) error {
	c := a.flags("tail", "quotes|entities|articles [flags]")
	c.kafkaFlags()
	var f tail.Filter
	var topic string
	var fromStart bool
	c.fs.StringVar(&f.Speaker, "speaker", "", "only quotations whose speaker's name contains this")
	c.fs.StringVar(&f.Entity, "entity", "", "only records about this entity: part of its name, its entity ID or Wikidata ID")
	c.fs.StringVar(&f.Source, "source", "", "only records from this source (part of its name)")
	c.fs.StringVar(&f.Language, "language", "", "only records in this language (en, ru, …)")
	c.fs.StringVar(&topic, "topic", "", "read this topic instead of the kind's (TOPIC_ENRICHED_QUOTES, TOPIC_ENRICHED_ENTITIES, TOPIC_ARTICLES)")
	c.fs.BoolVar(&fromStart, "from-beginning", false, "start with the oldest record kept instead of the next one written")
	pos, err := c.parse(args, 1)
	if err != nil {
		return err
	}
	s, err := a.settings(c)
	if err != nil {
		return err
	}
	if topic == "" {
		if topic, err = tail.Topic(pos[0], s.Topics); err != nil {
			return usageError(err)
		}
	}
	_, log, err := a.kafka(s)
	if err != nil {
		return err
	}
	opts := tail.Options{Kind: pos[0], Topic: topic, Filter: f, FromStart: fromStart}
	return tail.Run(ctx, log, opts, a.style(c), a.stdout, a.stderr)
}

func (a *app) feedsList(ctx context.Context, args []string) error {
	c := a.flags("feeds list", "[flags]")
	c.redisFlags()
	var failing bool
	c.fs.BoolVar(&failing, "failing", false, "only the feeds whose last poll failed")
	_, err := c.parse(args, 0)
	if err != nil {
		return err
	}
	s, err := a.settings(c)
	if err != nil {
		return err
	}
	rdb, err := redisconn.Open(s.Redis)
	if err != nil {
		return fmt.Errorf("configuration: REDIS_ADDR: %w", err)
	}
	defer rdb.Close()
	err = feeds.List(ctx, feedstate.New(rdb, s.Redis.KeyPrefix), failing, a.style(c), a.now(), a.stdout)
	if err != nil {
		return fmt.Errorf("%w (Redis at %s)", err, s.Redis.Addr)
	}
	return nil
}

func (a *app) feedsCheck(ctx context.Context, args []string) error {
	c := a.flags("feeds check", "URL [flags]")
	var feed feedlist.Feed
	http := httpfetch.ReadOptions(a.env)
	pages := articles.ReadPageOptions(a.env)
	c.fs.StringVar(&feed.Name, "name", "", "the source name, as the feed list would give it")
	c.fs.StringVar(&feed.Language, "language", "", "the language, as the feed list would give it")
	c.fs.IntVar(&pages.Max, "max-pages", pages.Max, "article pages fetched for items that carry only a summary (default FETCH_MAX_PAGES)")
	c.fs.BoolVar(&http.AllowPrivate, "allow-private", http.AllowPrivate, "allow loopback and private addresses (default FETCH_ALLOW_PRIVATE)")
	pos, err := c.parse(args, 1)
	if err != nil {
		return err
	}
	if err := a.env.Err(); err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	feed.URL = strings.TrimSpace(pos[0])
	feed.Name = strings.TrimSpace(feed.Name)
	feed.Language = strings.ToLower(strings.TrimSpace(feed.Language))
	if err := feed.Check(); err != nil {
		return usageError(fmt.Errorf("%s: %w", feed.URL, err))
	}
	return feeds.Check(ctx, httpfetch.New(http), feed, pages, a.logger(c), a.style(c), a.now(), a.stdout)
}

func (a *app) feedsImport(args []string) error {
	c := a.flags("feeds import-opml", "FILE [--into feeds.yaml]")
	var into string
	c.fs.StringVar(&into, "into", "", "the YAML feed list to add the feeds to (created when missing); without it the list is printed")
	pos, err := c.parse(args, 1)
	if err != nil {
		return err
	}
	opml, err := boundedread.File(pos[0], feedlist.MaxFileBytes)
	if err != nil {
		return err
	}
	add, err := feedfile.FromOPML(opml)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	var existing []byte
	if into != "" {
		existing, err = boundedread.File(into, feedlist.MaxFileBytes)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	merged, added, skipped, err := feedfile.Merge(existing, add)
	if err != nil {
		return fmt.Errorf("%s: %w", into, err)
	}
	if into == "" {
		_, err := a.stdout.Write(merged)
		return err
	}
	if len(added) > 0 {
		if err := writeAtomically(into, merged); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.stdout, "added %d feeds to %s", len(added), into)
	if len(skipped) > 0 {
		fmt.Fprintf(a.stdout, "; %d already listed:", len(skipped))
		for _, f := range skipped {
			fmt.Fprintf(a.stdout, "\n  %s", display.Clean(f.URL))
		}
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// writeAtomically replaces path by b through a temporary file beside it, so
// a fetcher reading the list never sees half of it.
func writeAtomically(path string, b []byte) error {
	mode := fs.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		mode = info.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func (a *app) replay(ctx context.Context, args []string) error {
	c := a.flags("replay", "--from TIME [--to TIME] [flags]")
	c.kafkaFlags()
	var from, to, topic string
	var dry bool
	c.fs.StringVar(&from, "from", "", "start of the range: 2026-03-02T10:00:00Z, 2026-03-02 10:00 (UTC), 2026-03-02, or 6h ago")
	c.fs.StringVar(&to, "to", "", "end of the range, excluded (default now)")
	c.fs.StringVar(&topic, "topic", "", "the articles topic (default TOPIC_ARTICLES, else news.articles)")
	c.fs.BoolVar(&dry, "dry-run", false, "count what would be replayed; produce nothing")
	_, err := c.parse(args, 0)
	if err != nil {
		return err
	}
	now := a.now()
	r, err := timerange.Parse(from, to, now)
	if err != nil {
		return usageError(err)
	}
	s, err := a.settings(c)
	if err != nil {
		return err
	}
	if topic == "" {
		topic = s.Topics.Articles
	}
	conn, log, err := a.kafka(s)
	if err != nil {
		return err
	}
	writer := conn.Writer(a.logger(c))
	defer writer.Close()
	opts := replay.Options{Topic: topic, Range: r, RunID: replay.NewRunID(now), DryRun: dry, Terminal: a.terminal}
	_, err = replay.Run(ctx, log, writer, opts, a.stdout)
	return err
}

// selection adds the flags that choose dead letters.
func selection(c *common, sel *deadletter.Selection, positions *string) {
	c.fs.StringVar(&sel.Service, "service", "", "only what this service refused (fetcher, extractor, publisher)")
	c.fs.StringVar(&sel.Topic, "topic", "", "only records that came from this topic")
	c.fs.StringVar(&sel.Error, "error", "", "only records whose error contains this")
	c.fs.StringVar(positions, "offset", "", "only these dead letters, PARTITION:OFFSET, comma-separated (as list shows them)")
}

func (a *app) deadletterFlags(name, args string) (*common, *deadletter.Selection, *string, *string) {
	c := a.flags(name, args)
	c.kafkaFlags()
	sel := &deadletter.Selection{}
	var positions, dlq string
	selection(c, sel, &positions)
	c.fs.StringVar(&dlq, "deadletter-topic", "", "the dead-letter topic (default TOPIC_DEADLETTER, else news.deadletter)")
	return c, sel, &positions, &dlq
}

func (a *app) deadletterList(ctx context.Context, args []string) error {
	c, sel, positions, dlq := a.deadletterFlags("deadletter list", "[flags]")
	_, topic, _, log, err := a.deadletterSetup(c, args, sel, positions, dlq)
	if err != nil {
		return err
	}
	return deadletter.List(ctx, log, topic, *sel, a.style(c), a.stdout)
}

func (a *app) deadletterReplay(ctx context.Context, args []string) error {
	c, sel, positions, dlq := a.deadletterFlags("deadletter replay", "[flags]")
	var all, dry bool
	c.fs.BoolVar(&all, "all", false, "replay every dead letter when no other flag chooses")
	c.fs.BoolVar(&dry, "dry-run", false, "show what would be replayed; produce nothing")
	s, topic, conn, log, err := a.deadletterSetup(c, args, sel, positions, dlq)
	if err != nil {
		return err
	}
	writer := conn.Writer(a.logger(c))
	defer writer.Close()
	opts := deadletter.ReplayOptions{Topic: topic, Selection: *sel, All: all, DryRun: dry, RunID: replay.NewRunID(a.now())}
	// A dead letter goes back only to a topic of the pipeline other than a
	// dead-letter topic (the one read, or the one configured).
	for _, t := range s.Topics.All() {
		if t != topic && t != s.Topics.Deadletter {
			opts.Origins = append(opts.Origins, t)
		}
	}
	_, err = deadletter.Replay(ctx, log, writer, opts, a.style(c), a.stdout)
	if errors.Is(err, deadletter.ErrNoSelection) {
		return usageError(err)
	}
	return err
}

// deadletterSetup reads the settings and connects; topic is the dead-letter
// topic to read: --deadletter-topic, else the configured one
// (s.Topics.Deadletter).
func (a *app) deadletterSetup(c *common, args []string, sel *deadletter.Selection, positions, dlq *string) (s config.Common, topic string, conn *stream.Connection, log *topiclog.Log, err error) {
	if _, err = c.parse(args, 0); err != nil {
		return s, "", nil, nil, err
	}
	if sel.Positions, err = deadletter.ParsePositions(*positions); err != nil {
		return s, "", nil, nil, usageError(fmt.Errorf("--offset: %w", err))
	}
	if s, err = a.settings(c); err != nil {
		return s, "", nil, nil, err
	}
	topic = s.Topics.Deadletter
	if *dlq != "" {
		topic = *dlq
	}
	conn, log, err = a.kafka(s)
	return s, topic, conn, log, err
}
