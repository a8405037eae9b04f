// Package progress shows how far a long job has got: on a terminal, a bar
// redrawn in place; elsewhere (a log, a pipe), one line per tenth done, so
// the output stays readable.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Width is the bar's length in characters.
const Width = 30

// Bar counts work done towards a total.
type Bar struct {
	out      io.Writer
	label    string
	total    int64
	done     int64
	terminal bool
	decile   int64 // the last tenth reported, off a terminal
	drawn    time.Time
	now      func() time.Time
}

// New returns a bar for total units of work; terminal says whether out is
// one, so the bar may be redrawn in place.
func New(out io.Writer, label string, total int64, terminal bool) *Bar {
	return &Bar{out: out, label: label, total: total, terminal: terminal, now: time.Now}
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	b.done = min(b.done+n, b.total)
	if b.terminal {
		// Ten redraws a second are plenty for the eye and cheap for the terminal.
		if now := b.now(); now.Sub(b.drawn) >= 100*time.Millisecond {
			b.drawn = now
			fmt.Fprintf(b.out, "\r%s", b.line())
		}
		return
	}
	if b.total == 0 {
		return
	}
	if d := b.done * 10 / b.total; d > b.decile {
		b.decile = d
		fmt.Fprintf(b.out, "%s %3d%% (%d/%d)\n", b.label, b.percent(), b.done, b.total)
	}
}

// Finish draws the final state and ends the line.
func (b *Bar) Finish() {
	if b.terminal {
		fmt.Fprintf(b.out, "\r%s\n", b.line())
		return
	}
	if b.decile < 10 {
		fmt.Fprintf(b.out, "%s %3d%% (%d/%d)\n", b.label, b.percent(), b.done, b.total)
	}
}

func (b *Bar) percent() int64 {
	if b.total == 0 {
		return 100
	}
	return b.done * 100 / b.total
}

func (b *Bar) line() string {
	filled := Width
	if b.total > 0 {
		filled = int(b.done * Width / b.total)
	}
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", b.label, strings.Repeat("#", filled), strings.Repeat("-", Width-filled), b.percent(), b.done, b.total)
}
