package testfixture

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Scopes are every scope the integration reads and commands with.
var Scopes = []string{entity.ScopeVehicleData, entity.ScopeVehicleCmds, entity.ScopeChargingCmds, entity.ScopeEnergyData, entity.ScopeEnergyCmds}

// Fleet adds to account "a" of reg (sending with snd) the fixture vehicle
// repeated vehicles times — the first keeps its VIN and name ("Test"),
// the others are "Car 1", "Car 2", … — and the fixture energy site
// repeated sites times ("Energy Site", then "Site 1", …), each with the
// fixtures' data.
func Fleet(t testing.TB, reg *entity.Registry, snd entity.Sender, vehicles, sites int) {
	t.Helper()
	reg.AddAccount(entity.Account{ID: "a", Sender: snd, Scopes: Scopes})
	var data fleet.VehicleData
	Response(t, "vehicle_data.json", &data)
	var info fleet.SiteInfo
	Response(t, "site_info.json", &info)
	var live fleet.LiveStatus
	Response(t, "live_status.json", &live)
	for i := range vehicles {
		var products fleet.Products
		Response(t, "products.json", &products.Items)
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
		Response(t, "products.json", &products.Items)
		s := products.EnergySites()[0]
		if i > 0 {
			id := *s.EnergySiteID + int64(i)
			name := "Site " + strconv.Itoa(i)
			s.EnergySiteID, s.SiteName = &id, &name
		}
		if _, err := reg.AddSite("a", s, &info, &live); err != nil {
			t.Fatal(err)
		}
	}
}
