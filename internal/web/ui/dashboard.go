package ui

import (
	"net/http"
	"strings"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// card is one device on the dashboard; Kind picks its template.
type card struct {
	Device  entity.Device
	Name    string // the card's title
	Kind    string
	F       map[string]*item // the card's fields by name (absent ones are not drawn)
	Open    []item           // vehicle: its doors and windows
	AnyOpen bool
	Seen    string // vehicle: when its data last came
	Flows   []flow // energy site: the power-flow diagram
	Wall    []item // energy site: its Wall Connectors' power
}

// flow is one line of the power-flow diagram: an entity whose sign says
// the direction (positive: towards the home, for solar, battery and grid;
// away from it for the home's and Wall Connectors' load).
type flow struct {
	item
	Label string
	X, Y  int // the node's centre in the diagram
	Out   bool
}

// vehicleFields are the vehicle card's entities by the card's names.
var vehicleFields = map[string]string{
	"awake": "state", "battery": "charge_state_battery_level", "range": "charge_state_battery_range",
	"charging": "charge_state_charging_state/sensor", "power": "charge_state_charger_power",
	"full": "charge_state_minutes_to_full_charge", "climate": "driver_temp", "inside": "climate_state_inside_temp",
	"lock": "vehicle_state_locked", "sentry": "vehicle_state_sentry_mode", "location": "location",
	"limit": "charge_state_charge_limit_soc", "charge": "charge_state_charging_state/switch",
}

// openings are the doors and windows the vehicle card watches.
var openings = []string{
	"vehicle_state_df", "vehicle_state_dr", "vehicle_state_pf", "vehicle_state_pr",
	"vehicle_state_fd_window", "vehicle_state_fp_window", "vehicle_state_rd_window", "vehicle_state_rp_window",
}

var siteFields = map[string]string{
	"level": "percentage_charged", "left": "energy_left", "grid_status": "island_status",
	"mode": "default_real_mode", "reserve": "backup_reserve_percent", "storm": "storm_mode_active",
}

var wallFields = map[string]string{
	"power": "wall_connector_power", "state": "wall_connector_state", "vin": "vin", "fault": "wall_connector_fault_state",
}

func (u *UI) dashboard(w http.ResponseWriter, r *http.Request, s Session) {
	sn := u.snapshot()
	var cards []card
	for _, d := range sn.devices {
		c := card{Device: d, Name: d.Name, Kind: string(d.Kind), F: map[string]*item{}}
		switch d.Kind {
		case entity.KindVehicle:
			u.vehicleCard(sn, &c)
		case entity.KindEnergySite:
			siteCard(sn, &c)
		case entity.KindWallConnector:
			c.Name = wallName(d)
			fill(sn, &c, wallFields)
		}
		cards = append(cards, c)
	}
	u.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", CSRF: s.CSRF, Data: cards})
}

func fill(sn snapshot, c *card, fields map[string]string) {
	for name, key := range fields {
		if it := sn.find(c.Device.ID, key); it.ID != "" {
			c.F[name] = &it
		}
	}
}

// find is get with a platform: "key/platform" picks one of two entities
// that share a key (the charging sensor and the charge switch).
func (sn snapshot) find(deviceID, key string) item {
	k, platform, ok := strings.Cut(key, "/")
	if !ok {
		return sn.get(deviceID, key)
	}
	for _, it := range sn.items[deviceID] {
		if it.Key == k && it.Platform == platform && it.Enabled {
			return it
		}
	}
	return item{}
}

func (u *UI) vehicleCard(sn snapshot, c *card) {
	fill(sn, c, vehicleFields)
	for _, key := range openings {
		if it := sn.get(c.Device.ID, key); it.ID != "" {
			c.Open = append(c.Open, it)
			c.AnyOpen = c.AnyOpen || it.State == "on"
		}
	}
	if b, ok := c.F["battery"]; ok {
		c.Seen = since(u.o.Now(), b.Seen)
	}
}

func siteCard(sn snapshot, c *card) {
	fill(sn, c, siteFields)
	nodes := []struct {
		key, label string
		x, y       int
		out        bool
	}{
		{"solar_power", "Solar", 150, 30, false},
		{"grid_power", "Grid", 30, 110, false},
		{"load_power", "Home", 270, 110, true},
		{"battery_power", "Battery", 150, 190, false},
	}
	for _, n := range nodes {
		if it := sn.get(c.Device.ID, n.key); it.ID != "" {
			c.Flows = append(c.Flows, flow{item: it, Label: n.label, X: n.x, Y: n.y, Out: n.out})
		}
	}
	for _, d := range sn.devices {
		if d.Kind == entity.KindWallConnector && d.ViaDevice == c.Device.ID {
			if it := sn.get(d.ID, "wall_connector_power"); it.ID != "" {
				it.Name = wallName(d)
				c.Wall = append(c.Wall, it)
			}
		}
	}
}

// wallName tells a site's Wall Connectors apart: their name and the end
// of their serial number.
func wallName(d entity.Device) string {
	if n := len(d.SerialNumber); n > 4 {
		return d.Name + " …" + d.SerialNumber[n-4:]
	}
	return d.Name
}
