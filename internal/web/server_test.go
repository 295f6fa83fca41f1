package web

import (
	"context"
	"encoding/json"
	"github.com/teslafleet/teslafleet/internal/testfixture"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

const token = "T0ken"

// sender records commands; the REST tests only need to know whether
// anything was sent.
type sender struct {
	mu   sync.Mutex
	sent []string
	err  error
}

func (s *sender) Send(_ context.Context, vin string, cmds ...command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cmds {
		s.sent = append(s.sent, c.Name())
	}
	return s.err
}
func (s *sender) WakeUp(context.Context, string) error { return s.err }
func (s *sender) SendSite(_ context.Context, _ int64, c command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, c.Name())
	return s.err
}

func (s *sender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

func fixture(t testing.TB, name string, v any) {
	t.Helper()
	testfixture.Response(t, name, v)
}

// newServer serves a registry holding Home Assistant's fixture vehicle.
func newServer(t *testing.T) (*httptest.Server, *sender) {
	t.Helper()
	srv, snd, _ := newServerWith(t, nil)
	return srv, snd
}

// newServerWith is newServer with options changed by opt.
func newServerWith(t *testing.T, opt func(*Options)) (*httptest.Server, *sender, *entity.Registry) {
	t.Helper()
	reg := entity.New(entity.Options{})
	snd := &sender{}
	reg.AddAccount(entity.Account{ID: "a", Sender: snd, Scopes: []string{"vehicle_device_data", "vehicle_cmds", "vehicle_charging_cmds"}})
	var products fleet.Products
	fixture(t, "products.json", &products.Items)
	var data fleet.VehicleData
	fixture(t, "vehicle_data.json", &data)
	v := products.Vehicles()[0]
	if _, err := reg.AddVehicle("a", v); err != nil {
		t.Fatal(err)
	}
	reg.UpdateVehicle(*v.VIN, "online", &data, nil)
	o := Options{Registry: reg, Tokens: []string{"other-token", token}}
	if opt != nil {
		opt(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, snd, reg
}

func do(t *testing.T, srv *httptest.Server, method, path, auth, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// The routes answer in Home Assistant's shapes, with its status codes and
// messages (architecture §3.3).
func TestRoutes(t *testing.T) {
	srv, snd := newServer(t)
	bearer := "Bearer " + token
	cases := []struct {
		name, method, path, auth, body string
		status                         int
		want                           string // exact body, or a prefix ending in "…"
	}{
		{"no token", "GET", "/api/", "", "", 401, "401: Unauthorized"},
		{"wrong token", "GET", "/api/states", "Bearer nope", "", 401, "401: Unauthorized"},
		{"not bearer", "GET", "/api/states", "Basic " + token, "", 401, "401: Unauthorized"},
		{"running", "GET", "/api/", bearer, "", 200, `{"message":"API running."}`},
		{"unknown entity", "GET", "/api/states/sensor.nope", bearer, "", 404, `{"message":"Entity not found."}`},
		{"one state", "GET", "/api/states/lock.test_lock", bearer, "", 200, `{"entity_id":"lock.test_lock","state":"unlocked",…`},
		{"bad JSON", "POST", "/api/services/switch/turn_on", bearer, `{"entity_id":`, 400, `{"message":"Data should be valid JSON."}`},
		{"JSON not an object", "POST", "/api/services/switch/turn_on", bearer, `[1]`, 400, `{"message":"Data should be valid JSON."}`},
		{"unknown service", "POST", "/api/services/switch/explode", bearer, `{"entity_id":"switch.test_sentry_mode"}`, 400, "400: Bad Request"},
		{"out of range", "POST", "/api/services/number/set_value", bearer, `{"entity_id":"number.test_charge_limit","value":20}`, 400,
			`{"message":"Value 20.0 for number.test_charge_limit is outside valid range 50 - 100"}`},
		{"extra data", "POST", "/api/services/lock/lock", bearer, `{"entity_id":"lock.test_lock","force":true}`, 400,
			`{"message":"extra keys not allowed @ data['force']"}`},
		{"return_response", "POST", "/api/services/lock/lock?return_response", bearer, `{"entity_id":"lock.test_lock"}`, 400,
			`{"message":"Service does not support responses. Remove return_response from request."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := do(t, srv, c.method, c.path, c.auth, c.body)
			if status != c.status {
				t.Errorf("status %d, want %d (%s)", status, c.status, body)
			}
			if prefix, ok := strings.CutSuffix(c.want, "…"); ok {
				if !strings.HasPrefix(body, prefix) {
					t.Errorf("body %s, want it to start %s", body, prefix)
				}
			} else if body != c.want {
				t.Errorf("body %s, want %s", body, c.want)
			}
		})
	}
	if n := snd.count(); n != 0 {
		t.Errorf("refused calls sent %d commands", n)
	}
}

// A successful call answers the states it changed, in Home Assistant's
// State shape.
func TestServiceCall(t *testing.T) {
	srv, snd := newServer(t)
	status, _, body := do(t, srv, "POST", "/api/services/switch/turn_on", "Bearer "+token, `{"entity_id":["switch.test_sentry_mode"]}`)
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var states []map[string]any
	if err := json.Unmarshal([]byte(body), &states); err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0]["entity_id"] != "switch.test_sentry_mode" || states[0]["state"] != "on" {
		t.Fatalf("changed states %s", body)
	}
	for _, k := range []string{"attributes", "last_changed", "last_reported", "last_updated", "context"} {
		if _, ok := states[0][k]; !ok {
			t.Errorf("state lacks %s", k)
		}
	}
	if snd.count() != 1 {
		t.Errorf("sent %v", snd.sent)
	}
	// Nothing changes: an empty list.
	status, _, body = do(t, srv, "POST", "/api/services/homeassistant/update_entity", "Bearer "+token, `{"entity_id":"lock.test_lock"}`)
	if status != 200 || body != "[]" {
		t.Errorf("update_entity: %d %s", status, body)
	}
}

// A Tesla-side failure answers the integration's message with the class's
// status.
func TestServiceFailure(t *testing.T) {
	srv, snd := newServer(t)
	snd.err = &command.Error{Op: "set_sentry_mode", Class: fleet.ErrRefused, Reason: "user_not_present"}
	status, _, body := do(t, srv, "POST", "/api/services/switch/turn_on", "Bearer "+token, `{"entity_id":"switch.test_sentry_mode"}`)
	if status < 400 || body != `{"message":"Command was unsuccessful: user_not_present"}` {
		t.Errorf("%d %s", status, body)
	}
}
