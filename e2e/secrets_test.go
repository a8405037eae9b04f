package e2e

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/e2e/harness"
	"github.com/newswire/newswire/pkg/kafkatest"
	"github.com/newswire/newswire/pkg/redistest"
	"github.com/newswire/newswire/pkg/testwait"
)

// TestSecretsStayOutOfLogsAndEndpoints starts each service with a Redis
// password, a wrong one for good measure (so that errors are logged and
// readiness fails), and checks that the password appears in no log line,
// nor in /healthz, /readyz or /metrics.
func TestSecretsStayOutOfLogsAndEndpoints(t *testing.T) {
	const secret = "Sup3r-Secret-Pa55word"
	cluster := kafkatest.Start(t)
	bin := harness.Binaries(t)
	redis := redistest.StartServer(t, "--requirepass", "the-right-one")
	env := publisherEnv(cluster, redis.Addr, "newswire:")
	env["REDIS_PASSWORD"] = secret
	env["FEEDS_FILE"] = harness.RepoFile(t, "config/feeds.yaml")
	for _, name := range harness.Services {
		t.Run(name, func(t *testing.T) {
			s := harness.Start(t, bin, name, env)
			testwait.For(t, 20*time.Second, "the admin server answers, not ready where Redis matters", func() bool {
				code := readyz(s)
				if name == "extractor" { // it has no Redis
					return code != 0
				}
				return code == http.StatusServiceUnavailable
			})
			for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
				resp, err := http.Get("http://" + s.AdminAddr + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if strings.Contains(string(body), secret) {
					t.Errorf("%s of %s shows the password", path, name)
				}
			}
			if err := s.Stop(t, 15*time.Second); err != nil {
				t.Errorf("%s did not stop cleanly while waiting for Redis: %v", name, err)
			}
			log, err := os.ReadFile(s.LogPath)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(log), secret) {
				t.Errorf("the log of %s carries the password", name)
			}
		})
	}
}
