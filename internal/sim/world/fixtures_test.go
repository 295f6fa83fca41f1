package world

import (
	"errors"
	"testing"
)

func TestLoadFixturesReturnsBodiesExactly(t *testing.T) {
	w, err := LoadFixtures(fixturesDir(), Options{Seed: 1, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := w.Account("owner@example.com")
	if !ok || a.Region != "NA" {
		t.Fatalf("account = %+v, %v", a, ok)
	}
	products := fixtureResponse(t, "products.json").([]any)
	if got := w.Products(a.ID); !jsonEqual(t, got, products) {
		t.Errorf("Products differ:\n got %v\nwant %v", jsonRound(t, got), products)
	}
	veh, err := w.Vehicle(a.ID, "LRWXF7EK4KC700000")
	if err != nil || !jsonEqual(t, veh, products[0]) {
		t.Errorf("Vehicle = %v, %v", veh, err)
	}
	if vs := w.Vehicles(a.ID); len(vs) != 1 || !jsonEqual(t, vs[0], products[0]) {
		t.Errorf("Vehicles = %v", vs)
	}
	data, err := w.VehicleData(a.ID, "1234", DataQuery{
		Endpoints: []string{"charge_state", "climate_state", "drive_state", "gui_settings", "vehicle_config", "vehicle_state", "location_data"},
		Location:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtureResponse(t, "vehicle_data.json"); !jsonEqual(t, data, want) {
		t.Errorf("VehicleData differs:\n got %v\nwant %v", jsonRound(t, data), want)
	}
	info, err := w.SiteInfo(a.ID, 123456)
	if err != nil || !jsonEqual(t, info, fixtureResponse(t, "site_info.json")) {
		t.Errorf("SiteInfo = %v, %v", info, err)
	}
	live, err := w.LiveStatus(a.ID, 123456)
	if err != nil || !jsonEqual(t, live, fixtureResponse(t, "live_status.json")) {
		t.Errorf("LiveStatus = %v, %v", live, err)
	}
	hist, err := w.CalendarHistory(a.ID, 123456, HistoryQuery{Kind: "energy", Period: "day"})
	if err != nil || !jsonEqual(t, hist, fixtureResponse(t, "energy_history.json")) {
		t.Errorf("CalendarHistory = %v, %v", hist, err)
	}
	if _, err := w.SiteInfo(a.ID, 98765); !errors.Is(err, ErrNotFound) {
		t.Errorf("SiteInfo(98765) err = %v, want ErrNotFound", err)
	}
	if _, err := w.LiveStatus(a.ID, 98765); !errors.Is(err, ErrNotFound) {
		t.Errorf("LiveStatus(98765) err = %v, want ErrNotFound", err)
	}
}

func TestLoadFixturesSectionFiltering(t *testing.T) {
	w, err := LoadFixtures(fixturesDir(), Options{Seed: 1, Start: testStart})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Account("owner@example.com")
	d := mustData(t, w, a.ID, "LRWXF7EK4KC700000", DataQuery{Endpoints: []string{"drive_state", "charge_state"}})
	if _, ok := d["climate_state"]; ok {
		t.Error("climate_state returned although not requested")
	}
	ds := sec(t, d, "drive_state")
	for _, f := range []string{"latitude", "longitude", "heading", "native_latitude", "active_route_latitude"} {
		if _, ok := ds[f]; ok {
			t.Errorf("drive_state.%s present without location", f)
		}
	}
	if _, ok := ds["shift_state"]; !ok {
		t.Error("drive_state lost shift_state")
	}
	if _, err := w.VehicleData(a.ID, "LRWXF7EK4KC700000", DataQuery{Endpoints: []string{"bogus"}}); !errors.Is(err, ErrInvalidParam) {
		t.Errorf("unknown endpoint err = %v", err)
	}
	// the alt file shares the VIN: vehicle_data.json wins
	cs := sec(t, mustData(t, w, a.ID, "1234", DataQuery{}), "charge_state")
	if cs["minutes_to_full_charge"] != float64(0) {
		t.Errorf("minutes_to_full_charge = %v: the alt file was used", cs["minutes_to_full_charge"])
	}
}
