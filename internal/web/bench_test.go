package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// fleetHandler serves a registry of Home Assistant's fixture vehicle
// repeated vehicles times (the first keeps its VIN and name, "Test") and
// its fixture energy site repeated sites times.
func fleetHandler(t testing.TB, vehicles, sites int, opt func(*Options)) (*entity.Registry, http.Handler) {
	t.Helper()
	reg := entity.New(entity.Options{})
	reg.AddAccount(entity.Account{ID: "a", Sender: &sender{}, Scopes: []string{
		entity.ScopeVehicleData, entity.ScopeVehicleCmds, entity.ScopeChargingCmds, entity.ScopeEnergyData, entity.ScopeEnergyCmds}})
	var data fleet.VehicleData
	fixture(t, "vehicle_data.json", &data)
	var info fleet.SiteInfo
	fixture(t, "site_info.json", &info)
	var live fleet.LiveStatus
	fixture(t, "live_status.json", &live)
	for i := range vehicles {
		var products fleet.Products
		fixture(t, "products.json", &products.Items)
		v := products.Vehicles()[0]
		if i > 0 {
			vin := fmt.Sprintf("%s%03d", (*v.VIN)[:14], i)
			name := "Car " + strconv.Itoa(i)
			v.VIN, v.DisplayName = &vin, &name
		}
		if _, err := reg.AddVehicle("a", v); err != nil {
			t.Fatal(err)
		}
		reg.UpdateVehicle(*v.VIN, "online", &data, nil)
	}
	for i := range sites {
		var products fleet.Products
		fixture(t, "products.json", &products.Items)
		s := products.EnergySites()[0]
		id := *s.EnergySiteID + int64(i)
		name := "Site " + strconv.Itoa(i)
		s.EnergySiteID, s.SiteName = &id, &name
		if _, err := reg.AddSite("a", s, &info, &live); err != nil {
			t.Fatal(err)
		}
	}
	o := Options{Registry: reg, Tokens: []string{token}}
	if opt != nil {
		opt(&o)
	}
	h, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return reg, h
}

// BenchmarkStates is GET /api/states for 10 vehicles and 3 energy sites.
func BenchmarkStates(b *testing.B) {
	_, h := fleetHandler(b, 10, 3, nil)
	req := httptest.NewRequest("GET", "/api/states", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	var n int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
		n = rec.Body.Len()
	}
	b.SetBytes(int64(n))
}

// BenchmarkSSEFanout100 is one state change delivered to 100 stream
// clients over HTTP; an op ends when every client has read it.
func BenchmarkSSEFanout100(b *testing.B) {
	const clients = 100
	reg, h := fleetHandler(b, 1, 0, func(o *Options) { o.StreamBuffer = 1024 })
	srv := httptest.NewServer(h)
	defer srv.Close()
	got := make(chan struct{}, clients*16)
	for range clients {
		sc, closeStream := openStream(b, srv.URL, "?restrict=switch.test_sentry_mode")
		defer closeStream()
		if d, err := nextData(sc); err != nil || d != "ping" {
			b.Fatal(d, err)
		}
		go func() {
			for {
				if _, err := nextData(sc); err != nil {
					return
				}
				got <- struct{}{}
			}
		}()
	}
	for b.Loop() {
		toggle(b, reg)
		for range clients {
			<-got
		}
	}
}
