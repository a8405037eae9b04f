package lifecycle

import (
	"errors"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/newswire/newswire/pkg/config"
)

type testSettings struct{ config.Common }

func TestStartReadsSettingsAndNamesTheirProblems(t *testing.T) {
	t.Setenv("LOG_LEVEL", "loud")
	read := func(e *config.Env) (testSettings, error) {
		return testSettings{config.ReadCommon(e, "test")}, e.Err()
	}
	ran := false
	err := start("test", read, func(testSettings, *zap.Logger) error { ran = true; return nil })
	if err == nil || !strings.Contains(err.Error(), "configuration") || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("err = %v, want a configuration error naming LOG_LEVEL", err)
	}
	if ran {
		t.Error("the service ran with wrong settings")
	}

	t.Setenv("LOG_LEVEL", "warn")
	boom := errors.New("boom")
	err = start("test", read, func(s testSettings, log *zap.Logger) error {
		if log.Core().Enabled(zap.InfoLevel) || !log.Core().Enabled(zap.WarnLevel) {
			t.Error("the logger is not at the settings' level")
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the service's own", err)
	}
}
