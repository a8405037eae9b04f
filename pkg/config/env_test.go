package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadCommonDefaults(t *testing.T) {
	e := FromMap(nil)
	c := ReadCommon(e, "fetcher")
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Kafka.Brokers, ","); got != "127.0.0.1:9092" {
		t.Errorf("brokers = %s", got)
	}
	if c.Redis.Addr != "127.0.0.1:6379" || c.HTTPAddr != ":8080" || c.LogLevel != "info" {
		t.Errorf("defaults = %+v", c)
	}
	want := []string{"news.articles", "news.quotes", "news.entities", "news.enriched.quotes", "news.enriched.entities", "news.deadletter"}
	if got := c.Topics.All(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("topics = %v, want %v", got, want)
	}
}

// TestBadValuesNameTheirVariable: an operator learns every wrong variable
// from one start.
func TestBadValuesNameTheirVariable(t *testing.T) {
	e := FromMap(map[string]string{
		"KAFKA_BROKERS":        "no-port",
		"REDIS_DB":             "99",
		"LOG_LEVEL":            "loud",
		"DRAIN_TIMEOUT":        "soon",
		"KAFKA_SASL_MECHANISM": "PLAIN",
		"KAFKA_TLS":            "maybe",
		"REDIS_TLS_CERT_FILE":  "/x.pem",
	})
	ReadCommon(e, "fetcher")
	err := e.Err()
	if err == nil {
		t.Fatal("no error for bad values")
	}
	for _, name := range []string{"KAFKA_BROKERS", "REDIS_DB", "LOG_LEVEL", "DRAIN_TIMEOUT", "KAFKA_SASL_USERNAME", "KAFKA_TLS", "REDIS_TLS_CERT_FILE"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestTypedGetters(t *testing.T) {
	e := FromMap(map[string]string{"N": " 12 ", "D": "90s", "B": "yes", "L": "a, b,,c", "EMPTY": "  "})
	if n := e.Int("N", 0, 0, 100); n != 12 {
		t.Errorf("Int = %d", n)
	}
	if d := e.Duration("D", 0, 0, time.Hour); d != 90*time.Second {
		t.Errorf("Duration = %s", d)
	}
	if !e.Bool("B", false) {
		t.Error("Bool = false")
	}
	if l := e.List("L", nil); strings.Join(l, "|") != "a|b|c" {
		t.Errorf("List = %q", l)
	}
	if s := e.String("EMPTY", "def"); s != "def" {
		t.Errorf("empty variable gave %q, want the default", s)
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(path, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := FromMap(map[string]string{"REDIS_PASSWORD_FILE": path})
	if c := ReadCommon(e, "publisher"); c.Redis.Password != "s3cret" {
		t.Errorf("password = %q", c.Redis.Password)
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}

	both := FromMap(map[string]string{"REDIS_PASSWORD_FILE": path, "REDIS_PASSWORD": "x"})
	ReadCommon(both, "publisher")
	if err := both.Err(); err == nil || !strings.Contains(err.Error(), "REDIS_PASSWORD") {
		t.Errorf("setting both gave %v, want an error naming REDIS_PASSWORD", err)
	}
	if err := both.Err(); err != nil && strings.Contains(err.Error(), "s3cret") {
		t.Error("an error message carries the secret")
	}
}

// A file a variable names that is far too large, or endless (a wrong path
// such as /dev/zero), is an error naming the variable and the limit, read
// no further than the limit.
func TestFilesAreBounded(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(big, make([]byte, MaxSecretFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{big, "/dev/zero"} {
		e := FromMap(map[string]string{"REDIS_PASSWORD_FILE": path})
		ReadCommon(e, "publisher")
		if err := e.Err(); err == nil || !strings.Contains(err.Error(), "REDIS_PASSWORD_FILE") || !strings.Contains(err.Error(), "limit") {
			t.Errorf("secret file %s: %v, want an error naming REDIS_PASSWORD_FILE and the limit", path, err)
		}
	}
	for _, tc := range []TLS{
		{Enabled: true, CAFile: "/dev/zero"},
		{Enabled: true, CertFile: "/dev/zero", KeyFile: "/dev/zero"},
	} {
		if _, err := tc.Config(); err == nil || !strings.Contains(err.Error(), "/dev/zero is over the 1048576-byte limit") {
			t.Errorf("TLS %+v: %v, want the limit", tc, err)
		}
	}
}
