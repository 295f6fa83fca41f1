package entity

import (
	"errors"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// drain returns the changes waiting on a subscription.
func drain(s *Subscription) []Change {
	var out []Change
	for {
		select {
		case c := <-s.C:
			out = append(out, c)
		default:
			return out
		}
	}
}

func vehicleData(t *testing.T, name string) *fleet.VehicleData {
	t.Helper()
	var d fleet.VehicleData
	fixture(t, name, &d)
	return &d
}

// A refresh that changes nothing publishes nothing and only moves
// last_reported; a changed value publishes old and new.
func TestRegistryDiffs(t *testing.T) {
	h := newHASetup(t, Options{}, allScopes)
	sub := h.reg.Subscribe(1000)
	defer sub.Close()
	before := h.state(t, "sensor.test_battery_level")

	*h.now = frozen.Add(time.Minute)
	h.reg.UpdateVehicle(h.vin, "online", vehicleData(t, "vehicle_data.json"), nil)
	for _, c := range drain(sub) {
		if c.EntityID() == "sensor.test_battery_level" {
			t.Errorf("an unchanged value was published: %+v", c)
		}
	}
	same := h.state(t, "sensor.test_battery_level")
	if !same.LastChanged.Equal(before.LastChanged.Time) || !same.LastUpdated.Equal(before.LastUpdated.Time) || !same.LastReported.Equal(frozen.Add(time.Minute)) {
		t.Errorf("unchanged refresh: changed %v updated %v reported %v", same.LastChanged, same.LastUpdated, same.LastReported)
	}

	d := vehicleData(t, "vehicle_data.json")
	level := 60.0
	d.ChargeState.BatteryLevel = &level
	*h.now = frozen.Add(2 * time.Minute)
	h.reg.UpdateVehicle(h.vin, "online", d, nil)
	var got *Change
	for _, c := range drain(sub) {
		if c.EntityID() == "sensor.test_battery_level" {
			got = &c
		}
	}
	if got == nil || got.Old.State != "77" || got.New.State != "60" || !got.New.LastChanged.Equal(frozen.Add(2*time.Minute)) {
		t.Fatalf("battery change: %+v", got)
	}
}

// Disabled-by-default entities exist but publish nothing until enabled;
// disabling removes the state; a rename changes the friendly name.
func TestRegistryEnableDisableRename(t *testing.T) {
	seen := map[string]Pref{}
	h := newHASetup(t, Options{OnPref: func(uid string, p Pref) { seen[uid] = p }}, allScopes)
	const id = "sensor.test_odometer" // disabled by default (§4.1)
	info, ok := h.reg.Entity(id)
	if !ok || info.Enabled || info.EnabledByDefault {
		t.Fatalf("odometer: %+v", info)
	}
	if _, ok := h.reg.State(id); ok {
		t.Fatal("a disabled entity has a state")
	}
	sub := h.reg.Subscribe(100)
	defer sub.Close()
	h.reg.UpdateVehicle(h.vin, "online", vehicleData(t, "vehicle_data_alt.json"), nil)
	for _, c := range drain(sub) {
		if c.EntityID() == id {
			t.Errorf("a disabled entity published %+v", c)
		}
	}
	if err := h.reg.SetEnabled(id, true); err != nil {
		t.Fatal(err)
	}
	ch := drain(sub)
	if len(ch) != 1 || ch[0].Old != nil || ch[0].New == nil || ch[0].New.EntityID != id {
		t.Fatalf("enabling published %+v", ch)
	}
	if err := h.reg.SetName(id, "Mileage"); err != nil {
		t.Fatal(err)
	}
	if fn, _ := h.state(t, id).Attributes.Get("friendly_name"); fn != "Mileage" {
		t.Errorf("friendly_name %v after a rename", fn)
	}
	drain(sub)
	if err := h.reg.SetEnabled(id, false); err != nil {
		t.Fatal(err)
	}
	if ch := drain(sub); len(ch) != 1 || ch[0].New != nil {
		t.Errorf("disabling published %+v", ch)
	}
	if p := h.reg.Prefs()[h.vin+"-vehicle_state_odometer"]; p.Enabled == nil || *p.Enabled || p.Name != "Mileage" {
		t.Errorf("prefs %+v", p)
	}
	if p := seen[h.vin+"-vehicle_state_odometer"]; p.Enabled == nil || *p.Enabled || p.Name != "Mileage" {
		t.Errorf("OnPref saw %+v", p)
	}
	if err := h.reg.SetEnabled("sensor.nope", true); !errors.Is(err, ErrUnknownEntity) {
		t.Errorf("unknown entity: %v", err)
	}
}

// A failed refresh makes the source's entities unavailable; the next good
// one brings them back, with their data.
func TestRegistryUnavailableAndRecovery(t *testing.T) {
	h := newHASetup(t, Options{}, allScopes)
	h.reg.UpdateLive(h.siteID, nil, errors.New("boom"))
	if got := h.state(t, "sensor.energy_site_solar_power").State; got != StateUnavailable {
		t.Errorf("after a failure: %q", got)
	}
	if got := h.state(t, "sensor.test_battery_level").State; got != "77" {
		t.Errorf("another source's entity: %q", got)
	}
	var live fleet.LiveStatus
	fixture(t, "live_status.json", &live)
	h.reg.UpdateLive(h.siteID, &live, nil)
	if got := h.state(t, "sensor.energy_site_solar_power").State; got != "1.185" {
		t.Errorf("after recovery: %q", got)
	}
	// A sleeping car keeps its data (a 408 or the free state check).
	h.reg.UpdateVehicle(h.vin, "asleep", nil, nil)
	if got := h.state(t, "sensor.test_battery_level").State; got != "77" {
		t.Errorf("asleep: %q", got)
	}
	if got := h.state(t, "binary_sensor.test_status").State; got != "off" {
		t.Errorf("status while asleep: %q", got)
	}
}

// History is polled only while one of its entities is enabled (§3.6).
func TestHistoryListening(t *testing.T) {
	h := newHASetup(t, Options{}, allScopes)
	src := Source{Kind: SourceHistory, SiteID: h.siteID}
	if !h.poll.listening[src] {
		t.Fatal("history not listened to though its totals are enabled by default")
	}
	for _, e := range h.reg.Entities() {
		if e.Platform == Sensor && e.Enabled && e.DeviceID == h.reg.Devices()[1].ID {
			if s, ok := h.reg.sources[src]; ok && hasEntity(s, e.EntityID) {
				if err := h.reg.SetEnabled(e.EntityID, false); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if h.poll.listening[src] {
		t.Error("history still listened to with every history entity disabled")
	}
}

func hasEntity(s *source, id string) bool {
	for _, e := range s.entities {
		if e.EntityID == id {
			return true
		}
	}
	return false
}

// BenchmarkUpdateVehicle is one vehicle snapshot through the registry:
// flatten, render every entity of the car, diff, notify a subscriber.
// Alternating the two fixtures makes every iteration change states.
func BenchmarkUpdateVehicle(b *testing.B) {
	h := newHASetup(b, Options{AllEnabled: true}, allScopes)
	var data, alt fleet.VehicleData
	fixture(b, "vehicle_data.json", &data)
	fixture(b, "vehicle_data_alt.json", &alt)
	sub := h.reg.Subscribe(1 << 16)
	defer sub.Close()
	snaps := []*fleet.VehicleData{&alt, &data}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h.reg.UpdateVehicle(h.vin, "online", snaps[i%2], nil)
		i++
		drain(sub)
	}
}
