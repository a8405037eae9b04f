// Command newswire is the command line of the people who watch the news and
// of those who run the pipeline: follow quotations, entities and articles as
// they come, look after the feeds, re-run extraction over a time range, and
// inspect and replay dead letters.
//
// It is configured by the services' environment variables (KAFKA_BROKERS,
// KAFKA_SASL_*, KAFKA_TLS*, REDIS_*, TOPIC_*, FETCH_*); flags override them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/newswire/newswire/cli/internal/display"
	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/lifecycle"
)

const usage = `usage: newswire <command> [flags]

  tail quotes|entities|articles   follow a topic: one readable line per record
  feeds list                      the feeds the fetcher knows, with their state and last error
  feeds check URL                 read a feed once as the fetcher would and show what it would emit
  feeds import-opml FILE          add the feeds of an OPML file to a YAML feed list (--into)
  replay --from TIME [--to TIME]  re-run extraction over the articles written in a time range
  deadletter list                 the records the services could not process, and why
  deadletter replay               send chosen dead letters back to the topic they came from

Run 'newswire <command> -h' for a command's flags. Settings come from the services' environment
variables (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_TLS*, REDIS_ADDR, REDIS_*, TOPIC_*, FETCH_*); flags
override them. Colours are off when the output is not a terminal, with --no-color, or with NO_COLOR set.
`

// errUsage marks a mistake in how the command was called: exit status 2.
// Alone, the usage was printed already.
var errUsage = errors.New("usage")

// usageError is a mistake in how the command was called, with what it was.
func usageError(err error) error { return usageErr{err} }

type usageErr struct{ err error }

func (e usageErr) Error() string        { return e.err.Error() }
func (e usageErr) Unwrap() error        { return e.err }
func (e usageErr) Is(target error) bool { return target == errUsage }

func main() {
	ctx, stop := lifecycle.SignalContext(context.Background())
	defer stop()
	a := &app{
		env:      config.FromOS(),
		stdout:   os.Stdout,
		stderr:   os.Stderr,
		terminal: display.IsTerminal(os.Stdout),
		now:      time.Now,
		location: time.Local,
	}
	err := a.run(ctx, os.Args[1:])
	var usage usageErr
	switch {
	case err == nil:
	case errors.As(err, &usage):
		printError(os.Stderr, err)
		os.Exit(2)
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		printError(os.Stderr, err)
		os.Exit(1)
	}
}

// printError writes err after "newswire:", each of its lines cleaned: an
// error names what was wrong, and that came from a record, a feed or a
// file, which may hold escape sequences.
func printError(w io.Writer, err error) {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = display.Clean(l)
	}
	fmt.Fprintln(w, "newswire:", strings.Join(lines, "\n"))
}

// app is one invocation: where it reads settings from and writes to.
type app struct {
	env      *config.Env
	stdout   io.Writer
	stderr   io.Writer
	terminal bool // stdout is a terminal
	now      func() time.Time
	location *time.Location // of the times shown
}

func (a *app) run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 {
		sub = rest[0]
	}
	switch {
	case cmd == "tail":
		return a.tail(ctx, rest)
	case cmd == "feeds" && sub == "list":
		return a.feedsList(ctx, rest[1:])
	case cmd == "feeds" && sub == "check":
		return a.feedsCheck(ctx, rest[1:])
	case cmd == "feeds" && sub == "import-opml":
		return a.feedsImport(rest[1:])
	case cmd == "replay":
		return a.replay(ctx, rest)
	case cmd == "deadletter" && sub == "list":
		return a.deadletterList(ctx, rest[1:])
	case cmd == "deadletter" && sub == "replay":
		return a.deadletterReplay(ctx, rest[1:])
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(a.stdout, usage)
		return nil
	}
	fmt.Fprintf(a.stderr, "newswire: unknown command %q\n\n%s", join(args, 2), usage)
	return errUsage
}

func join(args []string, n int) string {
	out := ""
	for i, s := range args[:min(n, len(args))] {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
