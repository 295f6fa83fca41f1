package entity

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// haDir holds Home Assistant's tesla_fleet test fixtures (testdata/ha).
var haDir = filepath.Join("..", "..", "testdata", "ha")

// frozen is the instant Home Assistant's snapshot tests freeze the clock at.
var frozen = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// allScopes are the test config entry's scopes (Home Assistant's SCOPES).
var allScopes = []string{"openid", "offline_access", ScopeVehicleData, ScopeVehicleLocation, ScopeVehicleCmds, ScopeChargingCmds, ScopeEnergyData, ScopeEnergyCmds}

// fixture decodes a fixture's "response" into v.
func fixture(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(haDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Response json.RawMessage }
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(env.Response, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// recorder is a Sender that records what it is asked to send.
type recorder struct {
	mu    sync.Mutex
	sent  []string // "vin:command" or "site:command"
	wakes []string
	err   error
}

func (r *recorder) Send(_ context.Context, vin string, cmds ...command.Command) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range cmds {
		r.sent = append(r.sent, vin+":"+c.Name())
	}
	return r.err
}

func (r *recorder) WakeUp(_ context.Context, vin string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.wakes = append(r.wakes, vin)
	return r.err
}

func (r *recorder) SendSite(_ context.Context, siteID int64, c command.Command) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	name, _ := c.REST()
	r.sent = append(r.sent, "site:"+name)
	return r.err
}

// refreshes records forced refreshes and listeners.
type refreshes struct {
	mu        sync.Mutex
	requested []Source
	listening map[Source]bool
}

func (p *refreshes) Request(src Source) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requested = append(p.requested, src)
}

func (p *refreshes) Listen(src Source, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.listening == nil {
		p.listening = map[Source]bool{}
	}
	p.listening[src] = on
}

// haSetup is a registry set up as Home Assistant's tests set it up: the
// fixtures' products, every scope, the clock frozen, the first refresh of
// every coordinator done.
type haSetup struct {
	reg    *Registry
	send   *recorder
	poll   *refreshes
	vin    string
	siteID int64
	now    *time.Time
}

func newHASetup(t testing.TB, opts Options, scopes []string) *haSetup {
	t.Helper()
	now := frozen
	h := &haSetup{send: &recorder{}, poll: &refreshes{}, now: &now}
	opts.Now = func() time.Time { return *h.now }
	h.reg = New(opts)
	h.reg.AddAccount(Account{ID: "abc-123", Scopes: scopes, Sender: h.send, Poller: h.poll})

	var products fleet.Products
	fixture(t, "products.json", &products.Items)
	var data fleet.VehicleData
	fixture(t, "vehicle_data.json", &data)
	var info fleet.SiteInfo
	fixture(t, "site_info.json", &info)
	var live fleet.LiveStatus
	fixture(t, "live_status.json", &live)

	for _, v := range products.Vehicles() {
		if _, err := h.reg.AddVehicle("abc-123", v); err != nil {
			t.Fatal(err)
		}
		h.vin = *v.VIN
		h.reg.UpdateVehicle(h.vin, "online", &data, nil)
	}
	for _, s := range products.EnergySites() {
		if !s.HasComponents() {
			continue // Home Assistant skips sites without components
		}
		if _, err := h.reg.AddSite("abc-123", s, &info, &live); err != nil {
			t.Fatal(err)
		}
		h.siteID = *s.EnergySiteID
		h.reg.UpdateLive(h.siteID, &live, nil)
		h.reg.UpdateInfo(h.siteID, &info, nil)
		h.reg.UpdateHistory(h.siteID, historyFixture(t), nil)
	}
	return h
}

// historyFixture sums energy_history.json per field, as Home Assistant's
// history coordinator does (§3.6): today's totals in Wh.
func historyFixture(t testing.TB) *History {
	var raw struct {
		TimeSeries []map[string]any `json:"time_series"`
	}
	fixture(t, "energy_history.json", &raw)
	h := &History{Fields: map[string]float64{}}
	for _, k := range fleet.EnergyHistoryFields {
		h.Fields[k] = 0 // every field starts at 0 (§3.6)
	}
	for i, row := range raw.TimeSeries {
		if i == 0 {
			ts, _ := time.Parse(time.RFC3339, row["timestamp"].(string))
			h.PeriodStart = ts
		}
		for k, v := range row {
			if f, ok := v.(float64); ok {
				h.Fields[k] += f
			}
		}
	}
	return h
}

func (h *haSetup) state(t testing.TB, id string) State {
	t.Helper()
	s, ok := h.reg.State(id)
	if !ok {
		t.Fatalf("no state for %s", id)
	}
	return s
}
