package mqtt

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// mochi's INFO lines (a client came, a client went) reach the service's
// log only when it logs at debug; its warnings and errors always do.
func TestBrokerLoggerQuietsMochi(t *testing.T) {
	for _, tc := range []struct {
		level    slog.Level
		wantInfo bool
	}{
		{slog.LevelDebug, true},
		{slog.LevelInfo, false},
		{slog.LevelWarn, false},
	} {
		t.Run(tc.level.String(), func(t *testing.T) {
			var buf bytes.Buffer
			log := brokerLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tc.level}))).With("part", "mqtt-broker")
			log.Info("client connected")
			log.Warn("client misbehaved")
			out := buf.String()
			if got := strings.Contains(out, "client connected"); got != tc.wantInfo {
				t.Errorf("INFO logged = %v, want %v: %q", got, tc.wantInfo, out)
			}
			if !strings.Contains(out, "client misbehaved") || !strings.Contains(out, "part=mqtt-broker") {
				t.Errorf("the warning is missing: %q", out)
			}
		})
	}
}
