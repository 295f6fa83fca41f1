package fleet_test

import (
	"errors"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// TestSimLedgerMatchesBilling: a scripted session gives exactly the counts
// and cost of Tesla's table, and the same counts as the sim's metering.
func TestSimLedgerMatchesBilling(t *testing.T) {
	e := startSim(t, sim.Options{WakeDelay: 5 * time.Second})
	ledger := fleet.NewLedger()
	cfg := e.cfg
	cfg.Ledger = ledger
	c := fleet.New(cfg, fleet.StaticToken(e.token(t).AccessToken))
	ctx := t.Context()
	s, m3 := world.DemoModelS, world.DemoModel3
	e.setState(t, s, "asleep")
	e.setState(t, m3, "asleep")
	e.control(t, "DELETE", "/_sim/billing", nil, nil)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.Products(ctx) // free
	must(err)
	_, err = c.Vehicle(ctx, s) // free
	must(err)
	_, err = c.WakeUp(ctx, s) // wake
	must(err)
	e.control(t, "POST", "/_sim/clock", map[string]string{"advance": "10s"}, nil)
	for range 3 {
		_, err = c.VehicleData(ctx, s, fleet.HASections...) // data ×3
		must(err)
	}
	if _, err = c.VehicleData(ctx, m3); !errors.Is(err, fleet.ErrAsleep) { // 408: data, billed (status < 500)
		t.Fatalf("asleep: %v", err)
	}
	_, err = c.HonkHorn(ctx, s) // command
	must(err)
	_, err = c.FlashLights(ctx, s) // command
	must(err)
	if _, err = c.Command(ctx, s, "Bad Name", nil); !errors.Is(err, fleet.ErrInvalidRequest) { // refused locally: nothing sent
		t.Fatalf("charge limit 40: %v", err)
	}
	e.setState(t, m3, "online")
	if _, err = c.DoorLock(ctx, m3); !errors.Is(err, fleet.ErrSigningRequired) { // 403: command, billed
		t.Fatalf("REST to a protocol car: %v", err)
	}
	_, err = c.LiveStatus(ctx, world.DemoSiteID) // free
	must(err)
	must(c.SetBackupReserve(ctx, world.DemoSiteID, 30)) // free
	_, err = c.FleetStatus(ctx, []string{m3})           // free
	must(err)
	e.control(t, "POST", "/_sim/faults", map[string]any{"method": "GET", "path": "/api/1/vehicles/" + s + "/vehicle_data", "status": 503, "count": 2}, nil)
	if _, err = c.VehicleData(ctx, s); !errors.Is(err, fleet.ErrServer) { // 2 × 503: not billed
		t.Fatalf("503: %v", err)
	}

	tot := ledger.Totals()
	want := fleet.Usage{Data: 4, Commands: 3, Wakes: 1, Free: 5}
	if tot.Usage != want || tot.Unbilled != 2 {
		t.Errorf("ledger %+v unbilled %d, want %+v and 2", tot.Usage, tot.Unbilled, want)
	}
	if tot.Cost != 0.031 || tot.Due != 0 || tot.Credit != 0.031 { // 4×0.002 + 3×0.001 + 0.02
		t.Errorf("cost %v credit %v due %v", tot.Cost, tot.Credit, tot.Due)
	}
	if d := tot.ByDevice[s]; d != (fleet.Usage{Data: 3, Commands: 2, Wakes: 1, Free: 1}) {
		t.Errorf("Model S usage %+v", d)
	}

	var bill sim.BillingReport
	e.control(t, "GET", "/_sim/billing", nil, &bill)
	simUsage := fleet.Usage{Data: bill.Counts["data"], Commands: bill.Counts["commands"], Wakes: bill.Counts["wakes"], Free: bill.Counts["free"]}
	if simUsage != tot.Usage || bill.CostUSD != tot.Cost {
		t.Errorf("sim billing %+v $%v, ledger %+v $%v", bill.Counts, bill.CostUSD, tot.Usage, tot.Cost)
	}
	for _, vin := range []string{s, m3} {
		sv := bill.ByVehicle[vin]
		lv := tot.ByDevice[vin]
		if sv["data"] != lv.Data || sv["commands"] != lv.Commands || sv["wakes"] != lv.Wakes {
			t.Errorf("%s: sim %v, ledger %+v", vin, sv, lv)
		}
	}
}

// BenchmarkSimRoundTrip is one vehicle_data request against the sim.
func BenchmarkSimRoundTrip(b *testing.B) {
	e := startSim(b, sim.Options{})
	c := e.client(b)
	e.setState(b, world.DemoModelS, "online")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%50 == 0 { // the sim allows 60 data requests per vehicle and minute
			b.StopTimer()
			e.control(b, "DELETE", "/_sim/ratelimits", nil, nil)
			b.StartTimer()
		}
		if _, err := c.VehicleData(b.Context(), world.DemoModelS, fleet.HASections...); err != nil {
			b.Fatal(err)
		}
	}
}
