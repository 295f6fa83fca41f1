package app

import (
	"context"
	"maps"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// With polling off the app makes no automatic calls for hours, yet a forced
// refresh still reads; a custom interval polls the car that often.
func TestPollingSwitchAndInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSimApp(t, allScopes, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go s.Poll(ctx)

		if err := s.SetPolling(s.account.ID, false); err != nil {
			t.Fatal(err)
		}
		before := maps.Clone(s.billed())
		time.Sleep(3 * time.Hour)
		synctest.Wait()
		if after := s.billed(); !maps.Equal(before, after) {
			t.Fatalf("polling off, yet %v → %v", before, after)
		}
		if _, err := s.Registry().Call(ctx, "homeassistant", "update_entity", []string{"sensor.test_battery_level"}, nil); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		if s.billed()["data"] != before["data"]+1 {
			t.Errorf("a forced refresh with polling off: data %d → %d, want one vehicle_data", before["data"], s.billed()["data"])
		}

		if err := s.SetInterval(entity.Source{Kind: entity.SourceVehicle, VIN: s.vin}, time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.SetPolling(s.account.ID, true); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Second) // let the turned-on scheduler settle
		synctest.Wait()
		start := s.billed()["data"]
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		if got := s.billed()["data"] - start; got < 9 || got > 11 {
			t.Errorf("%d vehicle_data in 10 minutes at a 1-minute interval", got)
		}
	})
}
