package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// scrape reads /metrics through the API, with its bearer token, as
// Prometheus would.
func scrape(t *testing.T, s *simApp) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer T")
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v", err)
	}
	return fams
}

// sum adds the values of name's series whose labels pass keep (nil: all).
func sum(fams map[string]*dto.MetricFamily, name string, keep func(labels map[string]string) bool) float64 {
	f := fams[name]
	if f == nil {
		return 0
	}
	total := 0.0
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		if keep != nil && !keep(labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		}
	}
	return total
}

// with keeps the series whose labels have these values.
func with(kv ...string) func(map[string]string) bool {
	return func(l map[string]string) bool {
		for i := 0; i+1 < len(kv); i += 2 {
			if l[kv[i]] != kv[i+1] {
				return false
			}
		}
		return true
	}
}

// billedStatus keeps the answers Tesla bills (fleet.Billable).
func billedStatus(endpoints ...string) func(map[string]string) bool {
	return func(l map[string]string) bool {
		status, _ := strconv.Atoi(l["status"])
		if !fleet.Billable(status) {
			return false
		}
		for _, e := range endpoints {
			if l["endpoint"] == e {
				return true
			}
		}
		return len(endpoints) == 0
	}
}

// After a scripted run on the simulated cloud — set-up, refreshes, a
// refresh that fails on Tesla's 503s, commands, a command that wakes the
// car, a command that fails — /metrics counts what the simulator counted:
// its billed data, commands, wakes and free requests, and the answers it
// gave unbilled; the commands and refreshes are counted by outcome and
// class.
func TestMetricsEqualTheSimulatorsCounts(t *testing.T) {
	var (
		fams       map[string]*dto.MetricFamily
		billed     map[string]int
		commandsOK int
		devices    []string
	)
	synctest.Test(t, func(t *testing.T) {
		s := newSimApp(t, allScopes, nil)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go s.Poll(ctx)
		if err := s.SetPolling(s.account.ID, false); err != nil {
			t.Fatal(err)
		}
		call := func(domain, service, id string, data map[string]any) error {
			_, err := s.Registry().Call(ctx, domain, service, []string{id}, data)
			synctest.Wait()
			return err
		}
		// A forced refresh runs on the scheduler (polling is off); a minute
		// apart, none is merged with another.
		refresh := func() {
			if err := call("homeassistant", "update_entity", "sensor.test_battery_level", nil); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Minute)
			synctest.Wait()
		}
		refresh()
		for _, c := range []struct {
			domain, service, id string
			data                map[string]any
		}{
			{"number", "set_value", "number.test_charge_limit", map[string]any{"value": 75.0}},
			{"switch", "turn_on", "switch.test_sentry_mode", nil},
			{"button", "press", "button.test_wake", nil},
			{"number", "set_value", "number.energy_site_backup_reserve", map[string]any{"value": 40.0}},
		} {
			if err := call(c.domain, c.service, c.id, c.data); err != nil {
				t.Fatalf("%s.%s %s: %v", c.domain, c.service, c.id, err)
			}
			commandsOK++
		}
		// Asleep: the command wakes the car first.
		if err := s.cloud.World().SetVehicle(s.vin, world.VehiclePatch{State: new("asleep")}); err != nil {
			t.Fatal(err)
		}
		if err := call("number", "set_value", "number.test_charge_limit", map[string]any{"value": 80.0}); err != nil {
			t.Fatal(err)
		}
		commandsOK++
		// A command Tesla answers 500: failed, unbilled, class server.
		if err := s.cloud.AddFault(sim.Fault{Method: http.MethodPost, Path: "/api/1/vehicles/" + s.vin + "/*", Status: http.StatusInternalServerError}); err != nil {
			t.Fatal(err)
		}
		if err := call("button", "press", "button.test_flash_lights", nil); !errors.Is(err, fleet.ErrServer) {
			t.Fatalf("the faulted command: %v, want a server error", err)
		}
		refresh()
		// Every try of a refresh answered 503: not billed, one failed refresh.
		dataPath := "/api/1/vehicles/" + s.vin + "/vehicle_data"
		if err := s.cloud.AddFault(sim.Fault{Method: http.MethodGet, Path: dataPath, Status: http.StatusServiceUnavailable, Count: 3}); err != nil {
			t.Fatal(err)
		}
		refresh()
		if f := s.cloud.Faults(); len(f) != 0 {
			t.Fatalf("faults not met: %v", f)
		}

		billed = s.billed()
		fams = scrape(t, s)
		devices = []string{s.vin, strconv.FormatInt(s.siteID, 10)}
	})
	if billed["wakes"] == 0 || billed["commands"] == 0 || billed["data"] == 0 {
		t.Fatalf("the script did not reach every category: %v", billed)
	}
	for _, tc := range []struct {
		name string
		got  float64
		want int
	}{
		{"vehicle_data answers billed", sum(fams, "teslafleet_fleet_api_responses_total", billedStatus("vehicle_data")), billed["data"]},
		{"command answers billed", sum(fams, "teslafleet_fleet_api_responses_total", billedStatus("command", "signed_command")), billed["commands"]},
		{"wake_up answers billed", sum(fams, "teslafleet_fleet_api_responses_total", billedStatus("wake_up")), billed["wakes"]},
		{"wake-ups", sum(fams, "teslafleet_vehicle_wake_ups_total", nil), billed["wakes"]},
		{"free answers", sum(fams, "teslafleet_fleet_api_responses_total", func(l map[string]string) bool {
			return billedStatus()(l) && !billedStatus("vehicle_data", "command", "signed_command", "wake_up")(l)
		}), billed["free"]},
		{"the month's data", sum(fams, "teslafleet_fleet_api_requests", with("category", "data")), billed["data"]},
		{"the month's commands", sum(fams, "teslafleet_fleet_api_requests", with("category", "commands")), billed["commands"]},
		{"the month's wakes", sum(fams, "teslafleet_fleet_api_requests", with("category", "wakes")), billed["wakes"]},
		{"the month's free", sum(fams, "teslafleet_fleet_api_requests", with("category", "free")), billed["free"]},
		// fleet's Retry.Attempts (3) tries of a GET, all answered 503.
		{"vehicle_data 503s", sum(fams, "teslafleet_fleet_api_responses_total", with("endpoint", "vehicle_data", "status", "503")), 3},
		{"command 500s", sum(fams, "teslafleet_fleet_api_responses_total", with("status", "500")), 1},
		{"energy commands", sum(fams, "teslafleet_fleet_api_responses_total", with("endpoint", "energy_command", "status", "200")), 1},
		{"failed refreshes by class", sum(fams, "teslafleet_errors_total", with("source", "poll", "class", "server")), 1},
		{"failed refreshes", sum(fams, "teslafleet_poll_errors_total", nil), 1},
		{"failed commands by class", sum(fams, "teslafleet_errors_total", with("source", "command", "class", "server")), 1},
		{"commands ok", sum(fams, "teslafleet_command_duration_seconds", with("outcome", "ok")), commandsOK},
		{"commands failed", sum(fams, "teslafleet_command_duration_seconds", with("outcome", "error")), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if int(tc.got) != tc.want {
				t.Errorf("%s: /metrics says %v, the simulator %d (billing %v)", tc.name, tc.got, tc.want, billed)
			}
		})
	}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				for _, d := range devices {
					if strings.Contains(l.GetValue(), d) {
						t.Errorf("%s has a device in a label: %s=%s", f.GetName(), l.GetName(), l.GetValue())
					}
				}
			}
		}
	}
}

// The endpoint label stays bounded: no VIN, site id or command name.
func TestEndpointClass(t *testing.T) {
	for _, tc := range []struct {
		e    fleet.Entry
		want string
	}{
		{fleet.Entry{Endpoint: "vehicle_data", Device: "5YJ3E1EA1PF000001"}, "vehicle_data"},
		{fleet.Entry{Endpoint: "wake_up", Device: "5YJ3E1EA1PF000001"}, "wake_up"},
		{fleet.Entry{Endpoint: "command/door_lock", Device: "5YJ3E1EA1PF000001"}, "command"},
		{fleet.Entry{Endpoint: "signed_command", Device: "5YJ3E1EA1PF000001"}, "signed_command"},
		{fleet.Entry{Endpoint: "products"}, "products"},
		{fleet.Entry{Endpoint: "users/region"}, "users_region"},
		{fleet.Entry{Endpoint: "live_status", Device: "123456"}, "energy_live_status"},
		{fleet.Entry{Endpoint: "site_info", Device: "123456"}, "energy_site_info"},
		{fleet.Entry{Endpoint: "backup", Device: "123456"}, "energy_command"},
		{fleet.Entry{Endpoint: "something_new", Device: "5YJ3E1EA1PF000001"}, "other"},
	} {
		t.Run(tc.e.Endpoint, func(t *testing.T) {
			if got := endpointClass(tc.e); got != tc.want {
				t.Errorf("endpointClass(%+v) = %q, want %q", tc.e, got, tc.want)
			}
		})
	}
}

// /metrics shows the coordinators' refreshes and the registry's entities
// and devices as the app counts them, and Go's runtime.
func TestMetrics(t *testing.T) {
	s := newSimApp(t, allScopes, nil)
	body := func() string {
		rec := httptest.NewRecorder()
		s.metrics.routes(nil)["GET /metrics"].ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		return rec.Body.String()
	}()
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

// The history queue's depth and drops are the store's own.
func TestMetricsHistoryQueue(t *testing.T) {
	m := newMetrics(fakeHistory{queued: 7, capacity: 4096, dropped: 3})
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "teslafleet_history") {
			m := f.GetMetric()[0]
			got[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{"teslafleet_history_queue": 7, "teslafleet_history_queue_capacity": 4096, "teslafleet_history_dropped_total": 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history metrics %v, want %v", got, want)
	}
}

type fakeHistory struct {
	queued, capacity int
	dropped          uint64
}

func (f fakeHistory) HistoryQueue() (int, int) { return f.queued, f.capacity }
func (f fakeHistory) Dropped() uint64          { return f.dropped }
