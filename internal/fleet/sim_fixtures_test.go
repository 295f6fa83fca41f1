package fleet_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
)

const fixtureVIN = "LRWXF7EK4KC700000"

// TestSimFixtures: seeded with testdata/ha, the sim answers with the
// fixture bodies and the client keeps every field: decode → encode equals
// the fixture's "response".
func TestSimFixtures(t *testing.T) {
	e := startSim(t, sim.Options{Fixtures: fleet.FixtureDir})
	c := e.client(t) // every scope, vehicle_location included
	for _, tc := range []struct {
		fixture string
		get     func(ctx context.Context) (any, error)
	}{
		{"products.json", func(ctx context.Context) (any, error) { return c.Products(ctx) }},
		{"vehicle_data.json", func(ctx context.Context) (any, error) { return c.VehicleData(ctx, fixtureVIN, fleet.AllSections...) }},
		{"site_info.json", func(ctx context.Context) (any, error) { return c.SiteInfo(ctx, 123456) }},
		{"live_status.json", func(ctx context.Context) (any, error) { return c.LiveStatus(ctx, 123456) }},
		{"energy_history.json", func(ctx context.Context) (any, error) {
			return c.CalendarHistory(ctx, 123456, fleet.HistoryQuery{Kind: "energy", Period: "day"})
		}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			v, err := tc.get(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			fleet.AssertSameJSON(t, fleet.FixtureResponse(t, tc.fixture), b)
		})
	}
}

// TestSimFixtureAlt: the second vehicle_data fixture (with its "bad value"
// and charge_schedule_data), served from a temporary fixture directory.
func TestSimFixtureAlt(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"products.json", "vehicle_data_alt.json"} {
		b, err := os.ReadFile(filepath.Join(fleet.FixtureDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := startSim(t, sim.Options{Fixtures: dir})
	vd, err := e.client(t).VehicleData(t.Context(), fixtureVIN, fleet.AllSections...)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(vd)
	fleet.AssertSameJSON(t, fleet.FixtureResponse(t, "vehicle_data_alt.json"), b)
	if vd.ChargeState.MinutesToFullCharge != nil || string(vd.ChargeState.Extra["minutes_to_full_charge"]) != `"bad value"` {
		t.Errorf("bad value: field %v extra %s", vd.ChargeState.MinutesToFullCharge, vd.ChargeState.Extra["minutes_to_full_charge"])
	}
}
