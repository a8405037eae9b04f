package envscan_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/deploy/internal/envscan"
)

const configSrc = `package config

func ReadCommon(e *Env, service string) Common {
	return Common{
		Addr:  e.String("HTTP_ADDR", ":8080"),
		Drain: e.Duration("DRAIN_TIMEOUT", 20*time.Second, time.Second, time.Minute),
		Pass:  e.Secret("REDIS_PASSWORD", ""),
		TLS:   readTLS(e, "KAFKA_TLS"),
		Other: readTLS(e, "REDIS_TLS"),
	}
}

func readTLS(e *Env, prefix string) TLS {
	return TLS{Enabled: e.Bool(prefix, false), CA: e.String(prefix+"_CA_FILE", "")}
}

// Not an Env: must be ignored.
func log(z *zap.Logger, b *strings.Builder) {
	z.Info("x", zap.String("FEED", "y"))
	_ = b.String()
}
`

const serviceSrc = `package main

func readSettings(e *config.Env) settings {
	return settings{
		Group:   e.String("CONSUMER_GROUP", "newswire-extractor"),
		Workers: e.Int("EXTRACT_WORKERS", runtime.GOMAXPROCS(0), 1, 1024),
		Brokers: e.List("KAFKA_BROKERS", []string{"127.0.0.1:9092"}),
		Level:   e.OneOf("LOG_LEVEL", "info", "debug", "info"),
	}
}
`

func TestScanSource(t *testing.T) {
	vars, err := envscan.ScanSource(configSrc, serviceSrc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"CONSUMER_GROUP", "DRAIN_TIMEOUT", "EXTRACT_WORKERS", "HTTP_ADDR", "KAFKA_BROKERS", "KAFKA_TLS",
		"KAFKA_TLS_CA_FILE", "LOG_LEVEL", "REDIS_PASSWORD", "REDIS_PASSWORD_FILE", "REDIS_TLS", "REDIS_TLS_CA_FILE",
	}
	if got := vars.Names(); !reflect.DeepEqual(got, want) {
		t.Fatalf("names = %q\nwant    %q", got, want)
	}

	tests := []struct {
		name string
		get  func() (any, error)
		want any
	}{
		{"string default", func() (any, error) { return vars.StringDefault("CONSUMER_GROUP") }, "newswire-extractor"},
		{"one-of default", func() (any, error) { return vars.StringDefault("LOG_LEVEL") }, "info"},
		{"duration default", func() (any, error) { return vars.DurationDefault("DRAIN_TIMEOUT") }, 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if _, err := vars.IntDefault("EXTRACT_WORKERS"); err == nil {
		t.Error("IntDefault of a computed default gave no error")
	}
	if _, err := vars.StringDefault("NOT_READ"); err == nil {
		t.Error("StringDefault of an unread variable gave no error")
	}
}

func TestScanSourceErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"no reads", "package main\nfunc main() {}\n", "no variable reads"},
		{"non-literal argument", `package config
func a(e *Env, p string) { e.String(p+"_X", "") }
func b(e *Env, q string) { a(e, q) }
`, "non-literal"},
		{"two defaults", `package main
func a(e *config.Env) { e.String("X", "1"); e.String("X", "2") }
`, "with default"},
		{"lower-case name", `package main
func a(e *config.Env) { e.String("x", "1") }
`, "not an environment variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := envscan.ScanSource(tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// The real services: every one reads the common variables, and its own.
func TestScanServices(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	tests := []struct {
		service string
		shared  []string // folders of pkg/ that read variables for it
		own     []string
	}{
		{"fetcher", []string{"feed"}, []string{"FEEDS_FILE", "FETCH_ALLOW_PRIVATE", "FETCH_MAX_PAGES"}},
		{"extractor", nil, []string{"CONSUMER_GROUP", "EXTRACT_WORKERS", "MAX_ARTICLE_BYTES"}},
		{"publisher", nil, []string{"CONSUMER_GROUP", "DEDUPE_WINDOW", "DEDUPE_FAIL_OPEN"}},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			dirs := []string{filepath.Join(root, "pkg", "config"), filepath.Join(root, "services", tt.service)}
			for _, d := range tt.shared {
				dirs = append(dirs, filepath.Join(root, "pkg", d))
			}
			vars, err := envscan.Scan(dirs...)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range append(tt.own, "KAFKA_BROKERS", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_TLS_CA_FILE",
				"REDIS_TLS_KEY_FILE", "TOPIC_DEADLETTER", "DRAIN_TIMEOUT") {
				if _, ok := vars[name]; !ok {
					t.Errorf("%s not found among %q", name, vars.Names())
				}
			}
			if d, err := vars.DurationDefault("DRAIN_TIMEOUT"); err != nil || d <= 0 {
				t.Errorf("DRAIN_TIMEOUT default = %v, %v", d, err)
			}
		})
	}
}

func FuzzScanSource(f *testing.F) {
	f.Add(configSrc)
	f.Add(serviceSrc)
	f.Add("package p\nfunc f(e *config.Env, s string) { e.Int(s+\"X\", 1<<3, 0, 1); f(e, \"A\") }\n")
	f.Fuzz(func(t *testing.T, src string) {
		vars, err := envscan.ScanSource(src)
		if err != nil {
			return
		}
		for name, v := range vars {
			if name != v.Name || name == "" {
				t.Fatalf("variable %q recorded as %q", name, v.Name)
			}
		}
	})
}

func BenchmarkScanServices(b *testing.B) {
	root := filepath.Join("..", "..", "..")
	dirs := []string{filepath.Join(root, "pkg", "config"), filepath.Join(root, "services", "fetcher")}
	if _, err := os.Stat(dirs[1]); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := envscan.Scan(dirs...); err != nil {
			b.Fatal(err)
		}
	}
}
