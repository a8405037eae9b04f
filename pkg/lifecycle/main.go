package lifecycle

import (
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/config"
	"github.com/newswire/newswire/pkg/logging"
)

// Settings are a service's settings: its own, beside the common ones.
type Settings interface {
	Shared() config.Common
}

// Main is every service's main: it reads the settings from the process
// environment, builds the JSON logger at their LOG_LEVEL, runs the service
// with both, and exits with status 1 and the error, named for the service,
// when the settings are wrong or the service fails.
func Main[S Settings](service string, read func(*config.Env) (S, error), run func(S, *zap.Logger) error) {
	if err := start(service, read, run); err != nil {
		fmt.Fprintln(os.Stderr, service+":", err)
		os.Exit(1)
	}
}

func start[S Settings](service string, read func(*config.Env) (S, error), run func(S, *zap.Logger) error) error {
	s, err := read(config.FromOS())
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log, err := logging.New(service, s.Shared().LogLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	return run(s, log)
}
