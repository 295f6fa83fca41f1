package app

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// A service on a sleeping car through the REST API wakes it once, then
// sends the command, and the car has the effect.
func TestRESTServiceOnSleepingCar(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSimApp(t, allScopes, func(c *sim.Cloud) {
			vin := c.World().AllVINs()[0]
			if err := c.World().SetVehicle(vin, world.VehiclePatch{State: new("asleep")}); err != nil {
				t.Fatal(err)
			}
		})
		if wakes := s.billed()["wakes"]; wakes != 0 {
			t.Fatalf("setting up woke the car %d times", wakes)
		}
		req := httptest.NewRequest(http.MethodPost, "/api/services/switch/turn_on", strings.NewReader(`{"entity_id":"switch.test_sentry_mode"}`))
		req.Header.Set("Authorization", "Bearer T")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"state":"on"`) {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		if got := s.billed()["wakes"]; got != 1 {
			t.Errorf("wakes billed %d, want 1", got)
		}
		if got := path(s.vehicle(t), "vehicle_state", "sentry_mode"); got != true {
			t.Errorf("sentry_mode %v after the call", got)
		}
	})
}
