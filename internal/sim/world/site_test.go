package world

import (
	"errors"
	"testing"
	"time"
)

func TestSiteCommands(t *testing.T) {
	tests := []struct {
		name    string
		cmd     string
		body    map[string]any
		wantErr error
		check   func(info map[string]any) bool
	}{
		{"reserve", "backup", map[string]any{"backup_reserve_percent": 35}, nil,
			func(i map[string]any) bool { return num(i, "backup_reserve_percent", 0) == 35 }},
		{"reserve too high", "backup", map[string]any{"backup_reserve_percent": 101}, ErrInvalidParam, nil},
		{"reserve missing", "backup", nil, ErrInvalidParam, nil},
		{"mode", "operation", map[string]any{"default_real_mode": "autonomous"}, nil,
			func(i map[string]any) bool { return i["default_real_mode"] == "autonomous" }},
		{"mode bad", "operation", map[string]any{"default_real_mode": "party"}, ErrInvalidParam, nil},
		{"storm off", "storm_mode", map[string]any{"enabled": false}, nil,
			func(i map[string]any) bool { return section(i, "user_settings", false)["storm_mode_enabled"] == false }},
		{"storm bad", "storm_mode", map[string]any{"enabled": 3}, ErrInvalidParam, nil},
		{"export rule", "grid_import_export", map[string]any{"customer_preferred_export_rule": "never"}, nil,
			func(i map[string]any) bool {
				return section(i, "components", false)["customer_preferred_export_rule"] == "never"
			}},
		{"grid charge", "grid_import_export", map[string]any{"disallow_charge_from_grid_with_solar_installed": false}, nil,
			func(i map[string]any) bool {
				return section(i, "components", false)["disallow_charge_from_grid_with_solar_installed"] == false
			}},
		{"export bad", "grid_import_export", map[string]any{"customer_preferred_export_rule": "always"}, ErrInvalidParam, nil},
		{"export empty", "grid_import_export", map[string]any{}, ErrInvalidParam, nil},
		{"off-grid reserve", "off_grid_vehicle_charging_reserve", map[string]any{"off_grid_vehicle_charging_reserve_percent": 40}, nil,
			func(i map[string]any) bool { return num(i, "off_grid_vehicle_charging_reserve_percent", 0) == 40 }},
		{"unknown", "self_destruct", map[string]any{}, ErrInvalidCommand, nil},
	}
	w, acct := demo(t, 4)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := w.SiteCommand(acct, DemoSiteID, tc.cmd, tc.body)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || res["code"] != 201 || res["message"] != "Updated" {
				t.Fatalf("res = %v, %v", res, err)
			}
			info, err := w.SiteInfo(acct, DemoSiteID)
			if err != nil || !tc.check(info) {
				t.Fatalf("site_info after %s = %v, %v", tc.cmd, info, err)
			}
		})
	}
	if _, err := w.SiteCommand(acct, 1, "backup", map[string]any{"backup_reserve_percent": 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown site err = %v", err)
	}
}

func TestBatteryModes(t *testing.T) {
	// noon in Los Angeles, the Model 3 unplugged
	start := time.Date(2024, 6, 1, 19, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		setup func(w *World, acct string)
		check func(s *site) bool
	}{
		{"backup charges from the grid at night", func(w *World, acct string) {
			w.SiteCommand(acct, DemoSiteID, "operation", map[string]any{"default_real_mode": "backup"})
			w.SiteCommand(acct, DemoSiteID, "grid_import_export", map[string]any{"disallow_charge_from_grid_with_solar_installed": false})
			w.Advance(12 * time.Hour) // 00:00 local
		}, func(s *site) bool { return s.batteryW < 0 && s.gridW > 0 || s.percentage() >= 99.9 }},
		{"self consumption never goes below the reserve", func(w *World, acct string) {
			w.SiteCommand(acct, DemoSiteID, "backup", map[string]any{"backup_reserve_percent": 80})
			w.Advance(20 * time.Hour)
		}, func(s *site) bool { return s.percentage() >= 79 }},
		{"never export curtails solar", func(w *World, acct string) {
			w.SiteCommand(acct, DemoSiteID, "grid_import_export", map[string]any{"customer_preferred_export_rule": "never"})
			w.Advance(4 * time.Hour) // the battery fills by mid-afternoon
		}, func(s *site) bool { return s.gridW >= -1e-6 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewDemo(Options{Seed: 8, Start: start})
			a, _ := w.Account(DemoEmail)
			out := false
			w.SetVehicle(DemoModel3, VehiclePatch{PluggedIn: &out})
			tc.setup(w, a.ID)
			w.mu.Lock()
			s := w.sites[0]
			ok := tc.check(s)
			w.mu.Unlock()
			if !ok {
				t.Fatalf("solar %.0f load %.0f battery %.0f grid %.0f at %.1f%%", s.solarW, s.loadW, s.batteryW, s.gridW, s.percentage())
			}
		})
	}
}

func TestWallConnectorFollowsTheCar(t *testing.T) {
	w, acct := demo(t, 6)
	wc := func() map[string]any {
		ls, err := w.LiveStatus(acct, DemoSiteID)
		if err != nil {
			t.Fatal(err)
		}
		return ls["wall_connectors"].([]any)[0].(map[string]any)
	}
	if c := wc(); c["din"] != DemoWallConn1 || c["vin"] != DemoModel3 || c["wall_connector_state"] != 1 || num(c, "wall_connector_power", 0) < 7000 {
		t.Fatalf("charging wall connector = %v", c)
	}
	w.Command(DemoModel3, "charge_stop", nil)
	w.Advance(time.Minute)
	if c := wc(); c["vin"] != DemoModel3 || c["wall_connector_state"] != 4 || num(c, "wall_connector_power", -1) != 0 {
		t.Fatalf("waiting wall connector = %v", c)
	}
	out := false
	w.SetVehicle(DemoModel3, VehiclePatch{PluggedIn: &out})
	w.Advance(time.Minute)
	if c := wc(); c["vin"] != nil || c["wall_connector_state"] != 2 {
		t.Fatalf("unplugged wall connector = %v", c)
	}
}

func TestCalendarHistoryPeriods(t *testing.T) {
	w, acct := demo(t, 3)
	w.sites[0].hist.retention = 5 * 24 * time.Hour // fold into days sooner than the default
	w.Advance(12 * 24 * time.Hour)
	for _, tc := range []struct {
		period  string
		min     int
		max     int
		wantErr error
	}{
		{"day", 1, 288, nil},
		{"week", 7, 7, nil},
		{"month", 1, 31, nil},
		{"year", 1, 12, nil},
		{"lifetime", 1, 1, nil},
		{"decade", 0, 0, ErrInvalidParam},
	} {
		h, err := w.CalendarHistory(acct, DemoSiteID, HistoryQuery{Kind: "energy", Period: tc.period})
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("%s: err = %v", tc.period, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n := len(h["time_series"].([]any))
		if n < tc.min || n > tc.max || h["period"] != tc.period || h["installation_time_zone"] != "America/Los_Angeles" {
			t.Errorf("%s: %d samples, %v", tc.period, n, h["period"])
		}
	}
	// a past day: 288 five-minute samples, then older than the retention: one daily sample
	q := HistoryQuery{Kind: "energy", Period: "day", End: w.Now().Add(-48 * time.Hour)}
	if h, _ := w.CalendarHistory(acct, DemoSiteID, q); len(h["time_series"].([]any)) != 288 {
		t.Errorf("a past day has %d samples", len(h["time_series"].([]any)))
	}
	q.End = w.Now().Add(-9 * 24 * time.Hour)
	if h, _ := w.CalendarHistory(acct, DemoSiteID, q); len(h["time_series"].([]any)) != 1 {
		t.Errorf("an old day has %d samples", len(h["time_series"].([]any)))
	}
	b, err := w.CalendarHistory(acct, DemoSiteID, HistoryQuery{Kind: "backup", Period: "day"})
	if err != nil || b["events"] == nil {
		t.Fatalf("backup history = %v, %v", b, err)
	}
}

func TestFixtureWorldMoves(t *testing.T) {
	w, err := LoadFixtures(fixturesDir(), Options{Seed: 1, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Account(DemoEmail)
	for _, c := range []string{"door_lock", "auto_conditioning_stop"} { // keep mode holds a car awake
		if r, err := w.Command("LRWXF7EK4KC700000", c, nil); err != nil || !r.Result {
			t.Fatal(c, r, err)
		}
	}
	if r, _ := w.Command("LRWXF7EK4KC700000", "trigger_homelink", map[string]any{"lat": 1, "lon": 2}); r.Reason != "not_supported" {
		t.Fatalf("homelink without devices = %+v", r)
	}
	d := mustData(t, w, a.ID, "LRWXF7EK4KC700000", DataQuery{})
	if sec(t, d, "vehicle_state")["locked"] != true {
		t.Fatal("lock not applied")
	}
	w.Advance(2 * time.Hour)
	ls, err := w.LiveStatus(a.ID, 123456)
	if err != nil {
		t.Fatal(err)
	}
	if num(ls, "solar_power", 0)+num(ls, "grid_power", 0)+num(ls, "battery_power", 0) != num(ls, "load_power", -1) {
		t.Fatalf("fixture site unbalanced: %v", ls)
	}
	h, err := w.CalendarHistory(a.ID, 123456, HistoryQuery{Kind: "energy", Period: "day"})
	if err != nil || len(h["time_series"].([]any)) == 0 {
		t.Fatalf("history after time moved = %v, %v", h, err)
	}
	if w.Online("LRWXF7EK4KC700000") {
		t.Fatal("the fixture car should have slept after two idle hours")
	}
}
