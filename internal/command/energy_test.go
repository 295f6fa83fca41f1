package command

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// fakeEnergy adds SiteCommand to fakeFleet.
type fakeEnergy struct {
	*fakeFleet
	err error
}

func (f *fakeEnergy) SiteCommand(ctx context.Context, siteID int64, name string, body any) error {
	f.record("site " + name)
	return f.err
}

// TestSiteCommandsRefusedBeforeSending: over the real fleet client, an
// invalid setting (outside Tesla's documented ranges and enums), a vehicle
// command given to SendSite and a site command given to Send are
// fleet.ErrInvalidRequest, and no request reaches the server.
func TestSiteCommandsRefusedBeforeSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "unexpected request", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	fc := fleet.New(fleet.Config{BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URL}}, fleet.StaticToken("token"))
	c := newCommander(t, fastConfig(fc, nil))
	for _, tc := range []struct {
		name  string
		site  int64
		cmd   Command
		field string // the body field named by fleet's validation error; "" none
	}{
		{"reserve -1", 1, SetBackupReserve(-1), "backup_reserve_percent"},
		{"reserve 101", 1, SetBackupReserve(101), "backup_reserve_percent"},
		{"site 0", 0, SetBackupReserve(20), "energy_site_id"},
		{"site -1", -1, SetStormMode(true), "energy_site_id"},
		{"mode eco", 1, SetOperationMode("eco"), "default_real_mode"},
		{"mode empty", 1, SetOperationMode(""), "default_real_mode"},
		{"export always", 1, SetExportRule("always"), "customer_preferred_export_rule"},
		{"off-grid 200", 1, SetOffGridVehicleChargingReserve(200), "off_grid_vehicle_charging_reserve_percent"},
		{"off-grid -1", 1, SetOffGridVehicleChargingReserve(-1), "off_grid_vehicle_charging_reserve_percent"},
		{"vehicle command", 1, Honk(), ""},
		{"empty command", 1, Command{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.SendSite(context.Background(), tc.site, tc.cmd)
			if !errors.Is(err, fleet.ErrInvalidRequest) {
				t.Fatalf("err = %v, want fleet.ErrInvalidRequest", err)
			}
			var ve *fleet.ValidationError
			if tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field) {
				t.Errorf("err = %v, want fleet's validation error on %q", err, tc.field)
			}
		})
	}
	t.Run("site command to Send", func(t *testing.T) {
		if err := c.Send(context.Background(), vinA, SetStormMode(true)); !errors.Is(err, fleet.ErrInvalidRequest) {
			t.Fatalf("err = %v, want fleet.ErrInvalidRequest", err)
		}
	})
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d invalid energy commands reached the server", n)
	}
}

// TestSiteCommandRequests: each site command is one POST to
// /api/1/energy_sites/{id}/<endpoint> with the body Tesla documents; no
// vehicle endpoint (wake, state) is touched.
func TestSiteCommandRequests(t *testing.T) {
	type req struct{ method, path, body string }
	var (
		mu   sync.Mutex
		reqs []req
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, req{r.Method, r.URL.Path, string(b)})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"response":{"code":201,"message":"Updated"}}`)
	}))
	t.Cleanup(srv.Close)
	fc := fleet.New(fleet.Config{BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URL}}, fleet.StaticToken("token"))
	c := newCommander(t, fastConfig(fc, nil))
	for _, tc := range []struct {
		name string
		cmd  Command
		path string
		body string
	}{
		{"backup reserve 0", SetBackupReserve(0), "backup", `{"backup_reserve_percent":0}`},
		{"backup reserve 100", SetBackupReserve(100), "backup", `{"backup_reserve_percent":100}`},
		{"self consumption", SetOperationMode(fleet.ModeSelfConsumption), "operation", `{"default_real_mode":"self_consumption"}`},
		{"backup mode", SetOperationMode(fleet.ModeBackup), "operation", `{"default_real_mode":"backup"}`},
		{"autonomous", SetOperationMode(fleet.ModeAutonomous), "operation", `{"default_real_mode":"autonomous"}`},
		{"storm on", SetStormMode(true), "storm_mode", `{"enabled":true}`},
		{"storm off", SetStormMode(false), "storm_mode", `{"enabled":false}`},
		{"export pv_only", SetExportRule(fleet.ExportPVOnly), "grid_import_export", `{"customer_preferred_export_rule":"pv_only"}`},
		{"export battery_ok", SetExportRule(fleet.ExportBatteryOK), "grid_import_export", `{"customer_preferred_export_rule":"battery_ok"}`},
		{"export never", SetExportRule(fleet.ExportNever), "grid_import_export", `{"customer_preferred_export_rule":"never"}`},
		{"grid charging allowed", SetGridCharging(true), "grid_import_export", `{"disallow_charge_from_grid_with_solar_installed":false}`},
		{"grid charging forbidden", SetGridCharging(false), "grid_import_export", `{"disallow_charge_from_grid_with_solar_installed":true}`},
		{"off-grid reserve", SetOffGridVehicleChargingReserve(30), "off_grid_vehicle_charging_reserve", `{"off_grid_vehicle_charging_reserve_percent":30}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.cmd.Site() || tc.cmd.Err() != nil {
				t.Fatalf("Site() = %v, Err() = %v", tc.cmd.Site(), tc.cmd.Err())
			}
			mu.Lock()
			reqs = nil
			mu.Unlock()
			if err := c.SendSite(context.Background(), 7, tc.cmd); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(reqs) != 1 {
				t.Fatalf("requests = %v, want exactly one", reqs)
			}
			r := reqs[0]
			if r.method != http.MethodPost || r.path != "/api/1/energy_sites/7/"+tc.path {
				t.Errorf("sent %s %s, want POST /api/1/energy_sites/7/%s", r.method, r.path, tc.path)
			}
			var got, want any
			_ = json.Unmarshal([]byte(r.body), &got)
			_ = json.Unmarshal([]byte(tc.body), &want)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("body %s, want %s", g, w)
			}
		})
	}
}

func TestSiteCommandErrors(t *testing.T) {
	f := &fakeEnergy{fakeFleet: newFake(t)}
	c := newCommander(t, fastConfig(f, nil))
	for _, tc := range []struct {
		name  string
		err   error
		class error
	}{
		{"missing scope", apiError(403, fleet.ErrMissingScope), fleet.ErrMissingScope},
		{"rate limited", apiError(429, fleet.ErrRateLimited), fleet.ErrRateLimited},
		{"server", apiError(503, fleet.ErrServer), fleet.ErrFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.err = tc.err
			err := c.SendSite(context.Background(), 1, SetStormMode(false))
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want %v", err, tc.class)
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v lost its cause", err)
			}
		})
	}
	if len(f.calls) != 3 {
		t.Fatalf("calls = %v, want one request per send and no wake", f.calls)
	}
}

func TestSiteCommandsNeedASiteClient(t *testing.T) {
	c := newCommander(t, fastConfig(newFake(t), nil))
	if err := c.SendSite(context.Background(), 1, SetStormMode(true)); !errors.Is(err, fleet.ErrNotSupported) {
		t.Fatalf("err = %v", err)
	}
}
