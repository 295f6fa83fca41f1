package web

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// fakeHistory holds rows per entity and answers as the store does: the
// last row at or before start, then the rows in (start, end].
type fakeHistory struct {
	rows       map[string][]entity.State
	err        error
	mu         sync.Mutex
	start, end time.Time
}

func (f *fakeHistory) StateHistory(_ context.Context, ids []string, start, end time.Time) (map[string][]entity.State, error) {
	f.mu.Lock()
	f.start, f.end = start, end
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := map[string][]entity.State{}
	for _, id := range ids {
		var list []entity.State
		for _, st := range f.rows[id] {
			switch {
			case !st.LastUpdated.After(start):
				list = []entity.State{st}
			case !st.LastUpdated.After(end):
				list = append(list, st)
			}
		}
		if len(list) > 0 {
			out[id] = list
		}
	}
	return out, nil
}

func at(s string) entity.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return entity.Time{Time: t}
}

func row(id, state, ts string, attrs ...entity.Attr) entity.State {
	return entity.State{EntityID: id, State: state, Attributes: attrs, LastChanged: at(ts), LastUpdated: at(ts), LastReported: at(ts)}
}

type fakeCost struct{}

func (fakeCost) MonthCost(context.Context) (CostReport, error) {
	return CostReport{Month: "2026-12", CostUSD: 0.5, DueUSD: 0, CreditUSD: 0.5, Accounts: []AccountCost{{
		Account: "a", Usage: map[string]int{"data": 250}, ByDevice: map[string]map[string]int{"VIN1": {"data": 250}},
		CostUSD: 0.5, CreditUSD: 0.5,
	}}}, nil
}

var history = &fakeHistory{rows: map[string][]entity.State{
	"sensor.a": {
		row("sensor.a", "1", "2026-11-30T10:00:00Z", entity.Attr{Key: "friendly_name", Value: "A"}),
		row("sensor.a", "2", "2026-12-01T01:00:00Z", entity.Attr{Key: "friendly_name", Value: "A"}),
		row("sensor.a", "2", "2026-12-01T02:00:00Z", entity.Attr{Key: "friendly_name", Value: "A2"}),
		row("sensor.a", "3", "2026-12-01T03:00:00Z", entity.Attr{Key: "friendly_name", Value: "A2"}),
		row("sensor.a", "4", "2026-12-03T03:00:00Z"),
	},
	"lock.b": {row("lock.b", "locked", "2026-11-01T00:00:00Z")},
}}

func newAPIServer(t *testing.T) *testServer {
	srv, snd, reg := newServerWith(t, func(o *Options) {
		o.History, o.Cost = history, fakeCost{}
		o.Version, o.LocationName, o.TimeZone = "2025.1.0", "Casa", "Europe/Berlin"
		o.Now = func() time.Time { return at("2026-12-02T00:00:00Z").Time }
	})
	return &testServer{srv, snd, reg}
}

// The routes added for Home Assistant's API and ours answer in their
// shapes, with Home Assistant's messages.
func TestMoreRoutes(t *testing.T) {
	s := newAPIServer(t)
	bearer := "Bearer " + token
	const full1 = `{"entity_id":"sensor.a","state":"1","attributes":{"friendly_name":"A"},"last_changed":"2026-12-01T00:00:00+00:00","last_updated":"2026-12-01T00:00:00+00:00"}`
	const full2 = `{"entity_id":"sensor.a","state":"2","attributes":{"friendly_name":"A"},"last_changed":"2026-12-01T01:00:00+00:00","last_updated":"2026-12-01T01:00:00+00:00"}`
	const full3 = `{"entity_id":"sensor.a","state":"3","attributes":{"friendly_name":"A2"},"last_changed":"2026-12-01T03:00:00+00:00","last_updated":"2026-12-01T03:00:00+00:00"}`
	const lockB = `{"entity_id":"lock.b","state":"locked","attributes":{},"last_changed":"2026-12-01T00:00:00+00:00","last_updated":"2026-12-01T00:00:00+00:00"}`
	const period = "/api/history/period/2026-12-01T00:00:00+00:00"
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string // exact body, or a prefix ending in "…"
	}{
		{"config", "GET", "/api/config", "", 200, `{"allowlist_external_dirs":["/config/www"],"allowlist_external_urls":[],"components":["api","auth",…`},
		{"services", "GET", "/api/services", "", 200, `[{"domain":"button","services":{"press":{"name":"Press","description":"","fields":{}}}},…`},
		{"events", "GET", "/api/events", "", 200, `[{"event":"state_changed","listener_count":0}]`},
		{"fire", "POST", "/api/events/my_event", `{"a":1}`, 200, `{"message":"Event my_event fired."}`},
		{"fire without data", "POST", "/api/events/my_event", ``, 200, `{"message":"Event my_event fired."}`},
		{"fire a list", "POST", "/api/events/my_event", `[1]`, 400, `{"message":"Event data should be a JSON object"}`},
		{"fire a string", "POST", "/api/events/my_event", `"x"`, 400, `{"message":"Event data should be a JSON object"}`},
		{"fire bad JSON", "POST", "/api/events/my_event", `{`, 400, `{"message":"Event data should be valid JSON."}`},
		{"history without filter", "GET", "/api/history/period", "", 400, `{"message":"filter_entity_id is missing"}`},
		{"history bad start", "GET", "/api/history/period/yesterday?filter_entity_id=sensor.a", "", 400, `{"message":"Invalid datetime"}`},
		{"history bad end", "GET", period + "?filter_entity_id=sensor.a&end_time=soon", "", 400, `{"message":"Invalid end_time"}`},
		{"history bad entity", "GET", period + "?filter_entity_id=sensor.a,nodot", "", 400, `{"message":"Invalid filter_entity_id"}`},
		{"history one entity", "GET", period + "?filter_entity_id=sensor.a", "", 200, `[[` + full1 + `,` + full2 + `,` + full3 + `]]`},
		{"history all changes", "GET", period + "?filter_entity_id=sensor.a&significant_changes_only=0&end_time=2026-12-01T02:30:00Z", "", 200,
			`[[` + full1 + `,` + full2 + `,{"entity_id":"sensor.a","state":"2","attributes":{"friendly_name":"A2"},"last_changed":"2026-12-01T02:00:00+00:00","last_updated":"2026-12-01T02:00:00+00:00"}]]`},
		{"history several", "GET", period + "?filter_entity_id=sensor.a,lock.b,sensor.none&no_attributes", "", 200,
			`[[` + strings.Replace(full1, `{"friendly_name":"A"}`, `{}`, 1) + `,` + strings.Replace(full2, `{"friendly_name":"A"}`, `{}`, 1) + `,` +
				strings.Replace(full3, `{"friendly_name":"A2"}`, `{}`, 1) + `],[` + lockB + `]]`},
		{"history minimal", "GET", period + "?filter_entity_id=sensor.a&minimal_response", "", 200,
			`[[` + full1 + `,{"state":"2","last_changed":"2026-12-01T01:00:00+00:00"},{"state":"3","last_changed":"2026-12-01T03:00:00+00:00"}]]`},
		{"history skip initial", "GET", period + "?filter_entity_id=sensor.a&skip_initial_state&minimal_response", "", 200,
			`[[` + full2 + `,{"state":"3","last_changed":"2026-12-01T03:00:00+00:00"}]]`},
		{"history default window", "GET", "/api/history/period?filter_entity_id=lock.b", "", 200,
			`[[{"entity_id":"lock.b","state":"locked","attributes":{},"last_changed":"2026-12-01T00:00:00+00:00","last_updated":"2026-12-01T00:00:00+00:00"}]]`},
		{"history in the future", "GET", "/api/history/period/2027-01-01?filter_entity_id=lock.b", "", 200, `[]`},
		{"devices", "GET", "/api/teslafleet/devices", "", 200, `[{"id":"LRWXF7EK4KC700000","kind":"vehicle","name":"Test",…`},
		{"cost", "GET", "/api/teslafleet/cost", "", 200, `{"month":"2026-12","cost_usd":0.5,"credit_usd":0.5,"due_usd":0,"accounts":[{"account":"a","usage":{"data":250},"by_device":{"VIN1":{"data":250}},…`},
		{"config needs a token", "GET", "/api/config", "-", 401, "401: Unauthorized"},
		{"stream needs a token", "GET", "/api/stream", "-", 401, "401: Unauthorized"},
		{"history needs a token", "GET", period + "?filter_entity_id=sensor.a", "-", 401, "401: Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			auth := bearer
			if c.body == "-" {
				auth, c.body = "", ""
			}
			status, _, body := do(t, s.srv, c.method, c.path, auth, c.body)
			if status != c.status {
				t.Errorf("status %d, want %d (%s)", status, c.status, body)
			}
			if prefix, ok := strings.CutSuffix(c.want, "…"); ok {
				if !strings.HasPrefix(body, prefix) {
					t.Errorf("body %s, want it to start %s", body, prefix)
				}
			} else if body != c.want {
				t.Errorf("body\n%s\nwant\n%s", body, c.want)
			}
		})
	}
	// The default window is the day before now.
	history.mu.Lock()
	defer history.mu.Unlock()
	if !history.start.Equal(at("2026-12-01T00:00:00Z").Time) || !history.end.Equal(at("2026-12-02T00:00:00Z").Time) {
		t.Errorf("default window %v – %v", history.start, history.end)
	}
}

// Devices list their entities; the config follows the unit system.
func TestDevicesAndUnits(t *testing.T) {
	s := newAPIServer(t)
	_, _, body := do(t, s.srv, "GET", "/api/teslafleet/devices", "Bearer "+token, "")
	var devs []struct {
		ID       string
		Entities []string
	}
	if err := json.Unmarshal([]byte(body), &devs); err != nil {
		t.Fatal(err)
	}
	if len(devs) != 1 || len(devs[0].Entities) < 50 || devs[0].Entities[0] == "" {
		t.Errorf("devices %s", body)
	}
	imperial := entity.New(entity.Options{Units: entity.Imperial})
	h, err := New(Options{Registry: imperial, Tokens: []string{token}})
	if err != nil {
		t.Fatal(err)
	}
	rec := record(h, "GET", "/api/config", "Bearer "+token)
	for _, want := range []string{`"history"`, `"location_name":"Home"`, `"state":"RUNNING"`, `"time_zone":"UTC"`} {
		if !strings.Contains(rec, want) {
			t.Errorf("config lacks %s: %s", want, rec)
		}
	}
	if !strings.Contains(rec, `"unit_system":{"length":"mi","accumulated_precipitation":"in","area":"ft²","mass":"lb","pressure":"psi","temperature":"°F","volume":"gal","wind_speed":"mph"}`) {
		t.Errorf("imperial config %s", rec)
	}
}

// A failing history or ledger is a 500 with a message, not a crash.
func TestHistoryFailure(t *testing.T) {
	srv, _, _ := newServerWith(t, func(o *Options) { o.History = &fakeHistory{err: errors.New("disk gone")} })
	status, _, body := do(t, srv, "GET", "/api/history/period?filter_entity_id=lock.test_lock", "Bearer "+token, "")
	if status != 500 || body != `{"message":"History is not available."}` {
		t.Errorf("%d %s", status, body)
	}
	status, _, _ = do(t, srv, "GET", "/api/teslafleet/cost", "Bearer "+token, "")
	if status != 404 {
		t.Errorf("cost without a ledger: %d", status)
	}
}

// The configuration takes the site's values from the Options, on REST and
// WebSocket alike.
func TestConfigFromOptions(t *testing.T) {
	s := newAPIServer(t)
	body := record(s.srv.Config.Handler, "GET", "/api/config", "Bearer "+token)
	for _, want := range []string{`"location_name":"Casa"`, `"time_zone":"Europe/Berlin"`, `"version":"2025.1.0"`, `"currency":"USD"`} {
		if !strings.Contains(body, want) {
			t.Errorf("config lacks %s: %s", want, body)
		}
	}
}
