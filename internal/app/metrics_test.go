package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// /metrics shows the coordinators' refreshes and the registry's entities
// and devices as the app counts them, and Go's runtime.
func TestMetrics(t *testing.T) {
	s := newSimApp(t, allScopes, nil)
	m := newMetrics(nil)
	m.bind(s.App)
	rec := httptest.NewRecorder()
	m.routes(nil)["GET /metrics"].ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	enabled := 0
	for _, info := range s.Registry().Entities() {
		if info.Platform == "sensor" && info.Enabled {
			enabled++
		}
	}
	polls := s.accounts[0].sched.Counts()
	for _, want := range []string{
		fmt.Sprintf(`teslafleet_polls_total{kind="vehicle"} %d`, polls["vehicle"].Polls),
		fmt.Sprintf(`teslafleet_polls_total{kind="energy_live"} %d`, polls["energy_live"].Polls),
		fmt.Sprintf(`teslafleet_entities{enabled="true",platform="sensor"} %d`, enabled),
		`teslafleet_devices{kind="wall_connector"} 2`,
		`teslafleet_devices{kind="vehicle"} 1`,
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in /metrics", want)
		}
	}
	if polls["vehicle"].Polls == 0 {
		t.Error("no vehicle refresh counted")
	}
}
