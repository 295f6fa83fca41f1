package world

import (
	"math"
	"time"
)

// locationFields are drive_state's fields that only location_data returns.
var locationFields = []string{
	"latitude", "longitude", "heading", "native_latitude", "native_longitude",
	"native_location_supported", "native_type", "active_route_destination",
	"active_route_latitude", "active_route_longitude", "active_route_miles_to_arrival",
	"active_route_minutes_to_arrival", "active_route_traffic_minutes_delay",
	"active_route_energy_at_arrival",
}

// closureFields are vehicle_state's door, window and lock fields.
var closureFields = []string{
	"df", "dr", "pf", "pr", "ft", "rt", "fd_window", "fp_window", "rd_window", "rp_window",
	"locked", "sentry_mode", "is_user_present", "sun_roof_state",
	"sun_roof_percent_open", "vehicle_state_sun_roof_percent_open", "timestamp",
}

var classicSections = []string{"charge_state", "climate_state", "drive_state", "gui_settings", "vehicle_config", "vehicle_state"}

// set writes m[k] = val; setp only when the key already exists (fields of
// newer firmware stay absent from documents that lack them).
func set(m map[string]any, k string, val any) {
	if m != nil {
		m[k] = val
	}
}

func setp(m map[string]any, k string, val any) {
	if m == nil {
		return
	}
	if _, ok := m[k]; ok {
		m[k] = val
	}
}

// renderDoc writes the typed fields into the document as the car reports
// them at now. Untouched (fixture) documents stay exactly as loaded.
func (v *vehicle) renderDoc(now time.Time) {
	if !v.live {
		return
	}
	ms := now.UnixMilli()
	charging := v.chargingState == "Charging"
	if cs := section(v.document(), "charge_state", false); cs != nil {
		lvl := math.Floor(v.level + 1e-9)
		rated := round(v.level*v.milesPerPct, 2)
		set(cs, "battery_level", int(lvl))
		set(cs, "usable_battery_level", int(lvl))
		set(cs, "battery_range", rated)
		set(cs, "ideal_battery_range", rated)
		set(cs, "est_battery_range", round(rated*v.estFactor, 2))
		set(cs, "charge_limit_soc", int(v.limit))
		set(cs, "charge_limit_soc_std", int(v.limitStd))
		set(cs, "charging_state", v.chargingState)
		set(cs, "charge_enable_request", v.chargeWanted)
		set(cs, "charge_current_request", int(v.amps))
		set(cs, "charge_current_request_max", int(v.ampsMax))
		set(cs, "charge_amps", int(v.amps))
		set(cs, "charge_port_door_open", v.portOpen)
		set(cs, "charge_port_latch", v.latch)
		set(cs, "charge_energy_added", round(v.energyAdded, 2))
		miles := round(v.energyAdded/v.capacityKWh*100*v.milesPerPct, 2)
		set(cs, "charge_miles_added_rated", miles)
		set(cs, "charge_miles_added_ideal", miles)
		setp(cs, "energy_remaining", round(v.level/100*v.capacityKWh, 2))
		setp(cs, "lifetime_energy_used", round(v.lifetimeKWh, 3))
		if charging {
			set(cs, "charger_power", int(math.Round(v.chargerKW)))
			set(cs, "charger_actual_current", int(v.amps))
			set(cs, "charger_voltage", int(v.voltage))
			set(cs, "charger_phases", int(v.phases))
			rate := v.chargerKW * chargeEfficiency / v.capacityKWh * 100 * v.milesPerPct
			set(cs, "charge_rate", round(rate, 1))
			hours := 0.0
			if v.chargerKW > 0 {
				hours = (v.limit - v.level) / 100 * v.capacityKWh / (v.chargerKW * chargeEfficiency)
			}
			set(cs, "time_to_full_charge", round(math.Max(0, hours), 2))
			set(cs, "minutes_to_full_charge", int(math.Round(math.Max(0, hours)*60)))
		} else {
			set(cs, "charger_power", 0)
			set(cs, "charger_actual_current", 0)
			set(cs, "charger_phases", nil)
			set(cs, "charge_rate", 0)
			set(cs, "time_to_full_charge", 0)
			set(cs, "minutes_to_full_charge", 0)
			if v.plugged {
				set(cs, "charger_voltage", 2)
			} else {
				set(cs, "charger_voltage", 0)
			}
		}
		if v.plugged {
			set(cs, "charger_pilot_current", int(v.ampsMax))
			if str(cs, "conn_charge_cable", "<invalid>") == "<invalid>" {
				set(cs, "conn_charge_cable", map[bool]string{true: "SAE", false: "IEC"}[v.voltage == 240])
			}
			if str(cs, "fast_charger_type", "<invalid>") == "<invalid>" {
				set(cs, "fast_charger_type", "ACSingleWireCAN")
			}
		} else {
			set(cs, "charger_pilot_current", 0)
			set(cs, "conn_charge_cable", "<invalid>")
			set(cs, "fast_charger_type", "<invalid>")
		}
		set(cs, "timestamp", ms)
	}
	if cl := section(v.document(), "climate_state", false); cl != nil {
		set(cl, "inside_temp", round(v.inside, 1))
		set(cl, "outside_temp", round(v.outside, 1))
		set(cl, "driver_temp_setting", v.driverSet)
		set(cl, "passenger_temp_setting", v.passSet)
		set(cl, "is_climate_on", v.climateOn)
		set(cl, "is_auto_conditioning_on", v.climateOn)
		set(cl, "climate_keeper_mode", v.keeper)
		fan := 0
		if v.climateOn {
			fan = 4
		}
		set(cl, "fan_status", fan)
		set(cl, "timestamp", ms)
	}
	if ds := section(v.document(), "drive_state", false); ds != nil {
		set(ds, "latitude", round(v.lat, 6))
		set(ds, "longitude", round(v.lon, 6))
		set(ds, "native_latitude", round(v.lat, 6))
		set(ds, "native_longitude", round(v.lon, 6))
		set(ds, "heading", int(math.Round(v.heading))%360)
		set(ds, "gps_as_of", v.gpsAsOf)
		set(ds, "power", int(math.Round(v.powerKW)))
		set(ds, "shift_state", v.shift)
		if v.driving {
			set(ds, "speed", int(math.Round(v.speed)))
		} else {
			set(ds, "speed", nil)
		}
		set(ds, "timestamp", ms)
	}
	if vs := section(v.document(), "vehicle_state", false); vs != nil {
		set(vs, "locked", v.locked)
		set(vs, "sentry_mode", v.sentry)
		set(vs, "is_user_present", v.userPresent)
		set(vs, "odometer", round(v.odometer, 6))
		set(vs, "remote_start", now.Before(v.remoteStartUntil))
		set(vs, "vehicle_name", v.name)
		set(vs, "timestamp", ms)
	}
	for _, k := range []string{"gui_settings", "vehicle_config"} {
		if s := section(v.document(), k, false); s != nil {
			set(s, "timestamp", ms)
		}
	}
	for _, k := range []string{"charge_schedule_data", "preconditioning_schedule_data"} {
		if s := section(v.document(), k, false); s != nil {
			set(s, "timestamp", map[string]any{"seconds": now.Unix(), "nanos": now.Nanosecond()})
		}
	}
	if _, ok := v.document()["display_name"]; ok {
		v.document()["display_name"] = v.name
	}
}

// summaryAt is the vehicle's list entry at now.
func (v *vehicle) summaryAt(st string) map[string]any {
	out := copyMap(v.summary)
	out["state"] = st
	if v.live {
		if _, ok := out["display_name"]; ok {
			out["display_name"] = v.name
		}
	}
	return out
}

// Vehicles lists the account's vehicles (/api/1/vehicles items). Never wakes.
func (w *World) Vehicles(accountID string) []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	a := w.account(accountID)
	out := []map[string]any{}
	if a == nil {
		return out
	}
	for _, p := range a.products {
		if p.vehicle != nil {
			out = append(out, p.vehicle.summaryAt(p.vehicle.stateAt(now, w.opts.IdleSleep)))
		}
	}
	return out
}

// Vehicle is one vehicle's list entry (/api/1/vehicles/{tag}). Never wakes.
func (w *World) Vehicle(accountID, tag string) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v, err := w.vehicleFor(accountID, tag)
	if err != nil {
		return nil, err
	}
	return v.summaryAt(v.stateAt(now, w.opts.IdleSleep)), nil
}

// VehicleData is /vehicle_data: the online vehicle's top-level fields plus
// the requested sections. A read of a pre-2021 Model S/X keeps it awake.
func (w *World) VehicleData(accountID, tag string, q DataQuery) (map[string]any, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.catchUp()
	v, err := w.vehicleFor(accountID, tag)
	if err != nil {
		return nil, err
	}
	want, err := wantedSections(q.Endpoints)
	if err != nil {
		return nil, err
	}
	if v.stateAt(now, w.opts.IdleSleep) != "online" {
		return nil, ErrUnavailable
	}
	if v.pre2021 {
		v.settle(now, w.opts.IdleSleep)
		v.lastActive = now
	}
	v.renderDoc(now)
	out := map[string]any{}
	for k, val := range v.document() {
		if !isSection(k) {
			out[k] = deepCopy(val)
		}
	}
	out["state"] = "online"
	for k := range want {
		s := section(v.document(), k, false)
		if s == nil {
			continue
		}
		out[k] = copyMap(s)
	}
	if want["closures_state"] && !want["vehicle_state"] {
		if vs := section(v.document(), "vehicle_state", false); vs != nil {
			cl := map[string]any{}
			for _, f := range closureFields {
				if val, ok := vs[f]; ok {
					cl[f] = deepCopy(val)
				}
			}
			out["vehicle_state"] = cl
		}
	}
	if want["vehicle_data_combo"] {
		out["vehicle_data"] = v.comboBlob(now, q.Location)
	}
	ds, hasDrive := out["drive_state"].(map[string]any)
	switch {
	case hasDrive && !q.Location:
		for _, f := range locationFields {
			delete(ds, f)
		}
	case !hasDrive && q.Location && want["location_data"]:
		// location_data alone: drive_state with only the location fields
		if full := section(v.document(), "drive_state", false); full != nil {
			loc := map[string]any{}
			for _, f := range append(locationFields, "gps_as_of", "timestamp") {
				if val, ok := full[f]; ok {
					loc[f] = deepCopy(val)
				}
			}
			out["drive_state"] = loc
		}
	}
	return out, nil
}

// wantedSections maps vehicle_data's endpoints to document sections.
func wantedSections(endpoints []string) (map[string]bool, error) {
	want := map[string]bool{}
	if len(endpoints) == 0 {
		for _, s := range classicSections {
			want[s] = true
		}
		return want, nil
	}
	for _, e := range endpoints {
		switch e {
		case "":
		case "location_data", "location_state":
			want["location_data"] = true
		case "closures_state":
			want[e] = true
		case "vehicle_data_combo":
			want[e] = true
			for _, s := range vehicleSections {
				want[s] = true
			}
		default:
			if !isSection(e) {
				return nil, paramError("unknown endpoint %q", e)
			}
			want[e] = true
		}
	}
	return want, nil
}
