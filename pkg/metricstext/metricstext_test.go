package metricstext

import (
	"strings"
	"testing"
)

func TestParseAndSum(t *testing.T) {
	in := `# HELP newswire_feed_polls_total Feed polls.
# TYPE newswire_feed_polls_total counter
newswire_feed_polls_total{feed="a",status="ok"} 3
newswire_feed_polls_total{feed="b",status="error"} 2
newswire_feed_polls_total{feed="a",status="error"} 1.5e0
go_goroutines 12
broken line
`
	s, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		filters []string
		want    float64
	}{
		{"newswire_feed_polls_total", nil, 6.5},
		{"newswire_feed_polls_total", []string{`status="error"`}, 3.5},
		{"newswire_feed_polls_total", []string{`feed="a"`, `status="ok"`}, 3},
		{"go_goroutines", nil, 12},
		{"absent", nil, 0},
	}
	for _, c := range cases {
		if got := Sum(s, c.name, c.filters...); got != c.want {
			t.Errorf("Sum(%s, %v) = %v, want %v", c.name, c.filters, got, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("a{b=\"c\"} 1\n# x\nd 2")
	f.Fuzz(func(t *testing.T, s string) {
		samples, err := Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, x := range samples {
			if strings.ContainsAny(x.Name, " \n") {
				t.Fatalf("name %q has a space", x.Name)
			}
		}
	})
}

func TestParseLines(t *testing.T) {
	cases := []struct {
		line string
		want *Sample
	}{
		{`a 1`, &Sample{Name: "a", Value: 1}},
		{`a{x="1 2}"} 3 1700000000000`, &Sample{Name: "a", Labels: `{x="1 2}"}`, Value: 3}},
		{`a{x="q\"}"} 4`, &Sample{Name: "a", Labels: `{x="q\"}"}`, Value: 4}},
		{`0000000 0 0`, &Sample{Name: "0000000", Value: 0}},
		{`a 1 2 3`, nil},
		{`a{x="1"`, nil},
		{`a`, nil},
		{`a NaNo`, nil},
	}
	for _, c := range cases {
		got, ok := parseLine(c.line)
		if (c.want == nil) != !ok || (ok && got != *c.want) {
			t.Errorf("parseLine(%q) = %+v, %v; want %+v", c.line, got, ok, c.want)
		}
	}
}
