package timerange

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
	}{
		{"now", now},
		{" NOW ", now},
		{"2026-03-02T10:00:00Z", time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		{"2026-03-02T10:00:00+03:00", time.Date(2026, 3, 2, 7, 0, 0, 0, time.UTC)},
		{"2026-03-02T10:00:00.5Z", time.Date(2026, 3, 2, 10, 0, 0, 5e8, time.UTC)},
		{"2026-03-02T10:00", time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)},
		{"2026-03-02 10:00:30", time.Date(2026, 3, 2, 10, 0, 30, 0, time.UTC)},
		{"2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"2h", now.Add(-2 * time.Hour)},
		{"2h ago", now.Add(-2 * time.Hour)},
		{"-90m", now.Add(-90 * time.Minute)},
		{"1h30m ago", now.Add(-90 * time.Minute)},
		{"2d", now.Add(-48 * time.Hour)},
		{"-1d", now.Add(-24 * time.Hour)},
		{"1d6h ago", now.Add(-30 * time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in, now)
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("ParseTime(%q) = %s, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseTimeErrors(t *testing.T) {
	for _, in := range []string{"", "yesterday", "2026-13-01", "2h later", "ago", "xd", "--1d", "99999d", "1e3h", strings.Repeat("1", 100)} {
		t.Run(in, func(t *testing.T) {
			if got, err := ParseTime(in, now); err == nil {
				t.Errorf("ParseTime(%q) = %s, want an error", in, got)
			}
		})
	}
}

func TestParse(t *testing.T) {
	r, err := Parse("6h ago", "", now)
	if err != nil || !r.From.Equal(now.Add(-6*time.Hour)) || !r.To.Equal(now) {
		t.Errorf("Parse(6h ago, \"\") = %+v, %v", r, err)
	}
	tests := []struct {
		name, from, to, want string
		is                   error
	}{
		{"no from", "", "now", "--from is required", nil},
		{"bad from", "soon", "", "--from: \"soon\"", nil},
		{"bad to", "2h", "later", "--to: \"later\"", nil},
		{"reversed", "1h", "2h", "must be before", ErrEmpty},
		{"empty", "2026-03-02", "2026-03-02", "must be before", ErrEmpty},
		// Kafka clients ask for a time as nanoseconds since 1970 in an
		// int64: the year 1000 came out as 2169, and a replay found nothing.
		{"from before 1970", "1000-01-01", "", "--from: 1000-01-01T00:00:00Z is before 1970-01-01", nil},
		{"from just before 1970", "1969-12-31T23:59:59Z", "", "is before 1970-01-01", nil},
		{"to after 2262", "2026-03-01", "9999-12-31", "--to: 9999-12-31T00:00:00Z is after 2262-01-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.from, tt.to, now)
			if err == nil || !strings.Contains(err.Error(), tt.want) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// FuzzParse: any input is an error or a non-empty range, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"now", "2h ago", "2026-03-02T10:00:00Z", "2026-03-02", "1d6h", "-90m", "2026-03-02 10:00"} {
		f.Add(s, "now")
		f.Add("3d", s)
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		r, err := Parse(from, to, now)
		if err != nil {
			return
		}
		if !r.From.Before(r.To) {
			t.Errorf("Parse(%q, %q) = %+v: not a range", from, to, r)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse("2026-03-02T10:00:00Z", "1h30m ago", now); err != nil {
			b.Fatal(err)
		}
	}
}
