// Package harness runs Newswire's binaries as processes for tests of the
// whole pipeline: it builds them (or takes them from $NEWSWIRE_BIN), starts
// them against a test's broker and Redis, reads their metrics, and stops or
// kills them.
package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/pkg/metricstext"
	"github.com/newswire/newswire/pkg/testnet"
)

// Services are the pipeline's binaries.
var Services = []string{"fetcher", "extractor", "publisher"}

// binaries are what Binaries provides: the services, the console and
// devstack, whose broker mode the tests restart.
var binaries = []struct{ name, dir string }{
	{"fetcher", "services/fetcher"}, {"extractor", "services/extractor"}, {"publisher", "services/publisher"},
	{"console", "services/console"}, {"devstack", "devstack"},
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// Binaries returns the folder holding the service binaries and devstack:
// $NEWSWIRE_BIN when it holds all of them (`make test` builds them first),
// else a folder they are built into once per test process.
func Binaries(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("NEWSWIRE_BIN"); dir != "" && complete(dir) {
		return dir
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "newswire-bin-")
		if buildErr != nil {
			return
		}
		root, err := repoRoot()
		if err != nil {
			buildErr = err
			return
		}
		for _, b := range binaries {
			cmd := exec.Command("go", "build", "-o", filepath.Join(buildDir, b.name), ".")
			cmd.Dir = filepath.Join(root, b.dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				buildErr = fmt.Errorf("build %s: %w\n%s", b.name, err, out)
				return
			}
		}
	})
	if buildErr != nil {
		tb.Fatalf("build the service binaries: %v", buildErr)
	}
	return buildDir
}

func complete(dir string) bool {
	for _, b := range binaries {
		if _, err := os.Stat(filepath.Join(dir, b.name)); err != nil {
			return false
		}
	}
	return true
}

// repoRoot is the folder of go.work.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOWORK: %w", err)
	}
	work := strings.TrimSpace(string(out))
	if work == "" || work == "off" {
		return "", fmt.Errorf("the tests run inside the workspace; GOWORK is %q", work)
	}
	return filepath.Dir(work), nil
}

// RepoFile returns the path of a file of the repository.
func RepoFile(tb testing.TB, rel string) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(root, rel)
}

// Service is one running binary.
type Service struct {
	Name      string
	AdminAddr string
	LogPath   string
	cmd       *exec.Cmd
	exited    chan struct{}
	err       error
}

// Start runs binary name from dir with args, env added to the test's
// environment, and an admin server on a free port. The process is killed
// when the test ends, if it still runs.
func Start(tb testing.TB, dir, name string, env map[string]string, args ...string) *Service {
	tb.Helper()
	s := &Service{Name: name, AdminAddr: testnet.FreeAddr(tb), exited: make(chan struct{})}
	logFile, err := os.CreateTemp(tb.TempDir(), name+"-*.log")
	if err != nil {
		tb.Fatal(err)
	}
	s.LogPath = logFile.Name()
	s.cmd = exec.Command(filepath.Join(dir, name), args...)
	s.cmd.Env = append(os.Environ(), "HTTP_ADDR="+s.AdminAddr, "LOG_LEVEL=debug")
	for k, v := range env {
		s.cmd.Env = append(s.cmd.Env, k+"="+v)
	}
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	if err := s.cmd.Start(); err != nil {
		tb.Fatalf("start %s: %v", name, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		_ = logFile.Close()
		close(s.exited)
	}()
	tb.Cleanup(func() {
		if s.Running() {
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		if tb.Failed() {
			if b, err := os.ReadFile(s.LogPath); err == nil {
				tb.Logf("log of %s:\n%s", name, tail(string(b), 60))
			}
		}
	})
	return s
}

// Running says whether the process has not exited.
func (s *Service) Running() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Stop sends SIGTERM and waits up to timeout for the process to exit; it
// returns the process's exit error (nil for a clean exit).
func (s *Service) Stop(tb testing.TB, timeout time.Duration) error {
	tb.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return s.err
	case <-time.After(timeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("%s did not stop within %s of SIGTERM", s.Name, timeout)
	}
}

// Kill sends SIGKILL and waits for the process to go.
func (s *Service) Kill() {
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// Freeze stops the process with SIGSTOP: its sockets stay open and the
// kernel still accepts connections on them, but it answers nothing until
// Thaw.
func (s *Service) Freeze(tb testing.TB) {
	tb.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		tb.Fatalf("SIGSTOP %s (pid %d): %v", s.Name, s.cmd.Process.Pid, err)
	}
}

// Thaw lets a frozen process go on with SIGCONT.
func (s *Service) Thaw(tb testing.TB) {
	tb.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		tb.Fatalf("SIGCONT %s (pid %d): %v", s.Name, s.cmd.Process.Pid, err)
	}
}

// Pid is the process id.
func (s *Service) Pid() int { return s.cmd.Process.Pid }

// Metric returns the sum of a metric's samples that match the label
// filters, or -1 when the admin server does not answer.
func (s *Service) Metric(name string, filters ...string) float64 {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	samples, err := metricstext.Scrape(ctx, "http://"+s.AdminAddr+"/metrics")
	if err != nil {
		return -1
	}
	return metricstext.Sum(samples, name, filters...)
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}

// KcatRecord is one record as kcat (librdkafka) read it.
type KcatRecord struct {
	Partition int    `json:"partition"`
	Offset    int64  `json:"offset"`
	Key       string `json:"key"`
	Payload   string `json:"payload"`
}

// KcatRead reads a whole topic with kcat, the librdkafka client: proof
// that the topic is readable by software we did not write. It fails the
// test when kcat is missing (`make test` installs it).
func KcatRead(tb testing.TB, brokers []string, topic string) []KcatRecord {
	tb.Helper()
	path, err := exec.LookPath("kcat")
	if err != nil {
		tb.Fatalf("kcat is not installed (Debian package kcat; `make test` installs it): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-C", "-b", strings.Join(brokers, ","), "-t", topic,
		"-o", "beginning", "-e", "-q", "-J")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		tb.Fatalf("kcat -t %s: %v\n%s", topic, err, stderr)
	}
	var recs []KcatRecord
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var r KcatRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatalf("kcat output line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}
