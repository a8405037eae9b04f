package progress

import (
	"strings"
	"testing"
	"time"
)

func TestOffTerminalOneLinePerTenth(t *testing.T) {
	var out strings.Builder
	b := New(&out, "replay", 25, false)
	for range 25 {
		b.Add(1)
	}
	b.Finish()
	want := `replay  12% (3/25)
replay  20% (5/25)
replay  32% (8/25)
replay  40% (10/25)
replay  52% (13/25)
replay  60% (15/25)
replay  72% (18/25)
replay  80% (20/25)
replay  92% (23/25)
replay 100% (25/25)
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestOffTerminalUnfinished(t *testing.T) {
	var out strings.Builder
	b := New(&out, "replay", 10, false)
	b.Add(3) // one line however many tenths one step crosses
	b.Finish()
	if want := "replay  30% (3/10)\nreplay  30% (3/10)\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}

func TestTerminalRedrawsInPlace(t *testing.T) {
	var out strings.Builder
	b := New(&out, "replay", 4, true)
	clock := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return clock }
	b.Add(1) // drawn
	b.Add(1) // too soon: not drawn
	clock = clock.Add(150 * time.Millisecond)
	b.Add(1) // drawn
	b.Finish()
	want := "\rreplay [#######-----------------------]  25% 1/4" +
		"\rreplay [######################--------]  75% 3/4" +
		"\rreplay [######################--------]  75% 3/4\n"
	if out.String() != want {
		t.Errorf("output %q\nwant   %q", out.String(), want)
	}
}

func TestNothingToDo(t *testing.T) {
	var out strings.Builder
	b := New(&out, "replay", 0, false)
	b.Finish()
	if out.String() != "replay 100% (0/0)\n" {
		t.Errorf("output %q", out.String())
	}
}
