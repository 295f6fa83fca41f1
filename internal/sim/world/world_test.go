package world

import (
	"math"
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestWeekProperties runs the demo world for a simulated week in 5-minute
// steps and checks the invariants at every physics step and every read.
func TestWeekProperties(t *testing.T) {
	w, acct := demo(t, 42)
	s := w.sites[0]
	pre := s.hist.total() // the day before the start, generated from the model
	var integrated energy
	steps := 0
	odo := map[string]float64{}
	w.stepHook = func(at time.Time) {
		steps++
		if d := s.solarW + s.gridW + s.batteryW - s.loadW; math.Abs(d) > 1e-6 {
			t.Fatalf("%v: balance off by %v W", at, d)
		}
		if s.energyWh < 0 || s.energyWh > s.capacityWh || s.percentage() < 0 || s.percentage() > 100 {
			t.Fatalf("%v: site energy %v of %v", at, s.energyWh, s.capacityWh)
		}
		if s.batteryW < -s.maxChargeW-1e-9 || s.batteryW > s.maxDischargeW+1e-9 || s.solarW < 0 {
			t.Fatalf("%v: battery %v W, solar %v W", at, s.batteryW, s.solarW)
		}
		e := flowsOf(s.solarW, s.loadW, s.batteryW, stepDT.Hours())
		integrated.addAll(&e)
		for _, v := range w.vehicles {
			if v.level < 0 || v.level > 100 {
				t.Fatalf("%v: %s battery %v", at, v.vin, v.level)
			}
			if v.odometer < odo[v.vin] {
				t.Fatalf("%v: %s odometer went back", at, v.vin)
			}
			odo[v.vin] = v.odometer
		}
	}
	slept := map[string]bool{}
	sawSolar, sawCharge, sawDischarge, sawWC := false, false, false, false
	for i := 0; i < 7*24*12; i++ {
		w.Advance(5 * time.Minute)
		ls, err := w.LiveStatus(acct, DemoSiteID)
		if err != nil {
			t.Fatal(err)
		}
		solar, grid, batt, load := num(ls, "solar_power", 0), num(ls, "grid_power", 0), num(ls, "battery_power", 0), num(ls, "load_power", 0)
		if solar+grid+batt != load {
			t.Fatalf("live_status unbalanced: %v+%v+%v != %v", solar, grid, batt, load)
		}
		if p := num(ls, "percentage_charged", -1); p < 0 || p > 100 {
			t.Fatalf("percentage_charged %v", p)
		}
		sawSolar = sawSolar || solar > 3000
		sawCharge = sawCharge || batt < 0
		sawDischarge = sawDischarge || batt > 0
		for _, wc := range ls["wall_connectors"].([]any) {
			if m := wc.(map[string]any); m["vin"] == DemoModel3 && m["wall_connector_state"] == 1 && num(m, "wall_connector_power", 0) > 0 {
				sawWC = true
			}
		}
		for _, vin := range []string{DemoModel3, DemoModelS} {
			if !w.Online(vin) {
				slept[vin] = true
			}
		}
		// a drive on day 3
		if i == 2*24*12+100 {
			on := true
			if err := w.SetVehicle(DemoModelS, VehiclePatch{Driving: &on}); err != nil {
				t.Fatal(err)
			}
		}
		if i == 2*24*12+112 {
			off := false
			if err := w.SetVehicle(DemoModelS, VehiclePatch{Driving: &off}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if steps != int(7*24*time.Hour/stepDT) {
		t.Fatalf("steps = %d", steps)
	}
	if !slept[DemoModel3] || !slept[DemoModelS] {
		t.Fatalf("vehicles left alone did not sleep: %v", slept)
	}
	if !sawSolar || !sawCharge || !sawDischarge || !sawWC {
		t.Fatalf("solar %v, battery charge %v, discharge %v, wall connector charging %v", sawSolar, sawCharge, sawDischarge, sawWC)
	}
	if odo[DemoModelS] < 48207.55+20 {
		t.Fatalf("the drive did not move the odometer: %v", odo[DemoModelS])
	}
	// history: buckets since the start sum to the integrated flows, and each bucket balances
	total := s.hist.total()
	for i, f := range historyFields {
		if math.Abs(total[i]-pre[i]-integrated[i]) > 1e-3*math.Max(1, integrated[i]) {
			t.Errorf("history %s = %v, integrated %v", f, total[i], integrated[i])
		}
	}
	h, err := w.CalendarHistory(acct, DemoSiteID, HistoryQuery{Kind: "energy", Period: "lifetime"})
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]float64{}
	for _, item := range h["time_series"].([]any) {
		for k, v := range item.(map[string]any) {
			if f, ok := v.(float64); ok {
				sum[k] += f
			}
		}
	}
	lifetime := s.hist.total() // now back to the installation date
	for i, f := range historyFields {
		if math.Abs(sum[f]-lifetime[i]) > 0.01*float64(len(h["time_series"].([]any)))+1e-6 {
			t.Errorf("calendar_history %s = %v, history %v", f, sum[f], lifetime[i])
		}
	}
	if math.Abs(sum["total_home_usage"]-(sum["consumer_energy_imported_from_grid"]+sum["consumer_energy_imported_from_solar"]+sum["consumer_energy_imported_from_battery"])) > 1 {
		t.Error("home usage does not add up")
	}
	if math.Abs(sum["total_solar_generation"]-(sum["consumer_energy_imported_from_solar"]+sum["battery_energy_imported_from_solar"]+sum["grid_energy_exported_from_solar"])) > 1 {
		t.Error("solar does not add up")
	}
	day, err := w.CalendarHistory(acct, DemoSiteID, HistoryQuery{Kind: "energy", Period: "day"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(day["time_series"].([]any)); n == 0 || n > 288 {
		t.Fatalf("day series has %d samples", n)
	}
	first := day["time_series"].([]any)[0].(map[string]any)["timestamp"].(string)
	if ts, err := time.Parse(time.RFC3339, first); err != nil || ts.Format("15:04-07:00") != "00:00-07:00" {
		t.Fatalf("first sample of today = %q (%v)", first, err)
	}
}

func TestDeterminism(t *testing.T) {
	run := func(seed int64, chunk time.Duration) map[string]any {
		w, acct := demo(t, seed)
		on := true
		for elapsed := time.Duration(0); elapsed < 36*time.Hour; elapsed += chunk {
			w.Advance(chunk)
			if elapsed == 12*time.Hour {
				if err := w.SetVehicle(DemoModelS, VehiclePatch{Driving: &on}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := w.LiveStatus(acct, DemoSiteID); err != nil {
				t.Fatal(err)
			}
		}
		return w.Snapshot()
	}
	a, b := run(11, 30*time.Minute), run(11, 30*time.Minute)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, same steps, different worlds:\n%v\n%v", a, b)
	}
	if c := run(12, 30*time.Minute); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds gave the same world")
	}
}

func TestClockSpeed(t *testing.T) {
	real := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	w := newWorld(Options{Seed: 1, Start: testStart, Speed: 60}, func() time.Time { return real })
	real = real.Add(10 * time.Second)
	if got := w.Now(); !got.Equal(testStart.Add(10 * time.Minute)) {
		t.Fatalf("Now = %v", got)
	}
	w.Advance(time.Hour)
	w.SetSpeed(0)
	real = real.Add(time.Hour)
	if got := w.Now(); !got.Equal(testStart.Add(70 * time.Minute)) {
		t.Fatalf("Now after SetSpeed(0) = %v", got)
	}
}

func BenchmarkAdvanceWeek(b *testing.B) {
	for b.Loop() {
		w := NewDemo(Options{Seed: 1, Start: testStart})
		w.Advance(7 * 24 * time.Hour)
	}
}

// TestConcurrentUse exercises every public method from several goroutines
// on a running clock (run with -race).
func TestConcurrentUse(t *testing.T) {
	real := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); real = real.Add(time.Second); return real }
	w := newWorld(Options{Seed: 3, Start: testStart, Speed: 600}, clock)
	if err := w.loadDemo(); err != nil {
		t.Fatal(err)
	}
	a, _ := w.Account(DemoEmail)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				w.Products(a.ID)
				if d, err := w.VehicleData(a.ID, DemoModelS, DataQuery{}); err == nil {
					d["charge_state"].(map[string]any)["battery_level"] = -1 // callers own their copies
				}
				w.Command(DemoModelS, "flash_lights", nil)
				w.WakeUp(a.ID, DemoModel3)
				w.LiveStatus(a.ID, DemoSiteID)
				w.CalendarHistory(a.ID, DemoSiteID, HistoryQuery{Kind: "energy", Period: "day"})
				w.SiteCommand(a.ID, DemoSiteID, "backup", map[string]any{"backup_reserve_percent": g * 10})
				w.Snapshot()
				if g == 0 {
					w.Advance(time.Minute)
				}
			}
		}(g)
	}
	wg.Wait()
	w.SetSpeed(0)
	online := "online"
	if err := w.SetVehicle(DemoModelS, VehiclePatch{State: &online}); err != nil {
		t.Fatal(err)
	}
	d := mustData(t, w, a.ID, DemoModelS, DataQuery{})
	if num(sec(t, d, "charge_state"), "battery_level", -1) < 0 {
		t.Fatal("a caller's edit leaked into the world")
	}
}
