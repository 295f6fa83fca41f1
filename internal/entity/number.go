package entity

import (
	"fmt"
	"math"

	"github.com/teslafleet/teslafleet/internal/command"
)

// numberDesc is one row of §4.13's number table.
type numberDesc struct {
	meta
	min, max func(v *view) number // the range, read from the data
	step     int
	set      func(v int) command.Command
	scopes   []string // any grants it; the first names the missing scope
	site     bool     // an energy number: icon_for_battery_level, no result check
	exists   func(s *setup) bool
}

func fixed(n int64) func(*view) number {
	return func(*view) number { return number{i: n, isInt: true} }
}

func read(key string, def int64) func(*view) number {
	return func(v *view) number { return v.numberOrInt(key, def) }
}

var vehicleNumberTable = []numberDesc{
	{meta: meta{key: "charge_state_charge_current_request", name: "Charge current", class: "current", unit: "A"},
		min: fixed(0), max: read("charge_state_charge_current_request_max", 32), step: 1,
		set: command.SetChargingAmps, scopes: []string{ScopeChargingCmds, ScopeVehicleCmds}},
	{meta: meta{key: "charge_state_charge_limit_soc", name: "Charge limit", class: "battery", unit: "%"},
		min: read("charge_state_charge_limit_soc_min", 50), max: read("charge_state_charge_limit_soc_max", 100), step: 1,
		set: command.SetChargeLimit, scopes: []string{ScopeChargingCmds, ScopeVehicleCmds}},
}

var energyNumberTable = []numberDesc{
	{meta: meta{key: "backup_reserve_percent", name: "Backup reserve", class: "battery", unit: "%"},
		min: fixed(0), max: fixed(100), step: 1, set: command.SetBackupReserve,
		scopes: []string{ScopeEnergyCmds}, site: true, exists: (*setup).hasBattery},
	{meta: meta{key: "off_grid_vehicle_charging_reserve_percent", name: "Off-grid reserve", class: "battery", unit: "%"},
		min: fixed(0), max: fixed(100), step: 1, set: command.SetOffGridVehicleChargingReserve,
		scopes: []string{ScopeEnergyCmds}, site: true,
		exists: func(s *setup) bool {
			return truthy(s.info.data.get("components_off_grid_vehicle_charging_reserve_supported"))
		}},
}

type numberEntity struct {
	d      *numberDesc
	scoped bool
}

func (n *numberEntity) render(v *view) out {
	o := out{caps: Attrs{
		{"min", n.d.min(v).json()}, {"max", n.d.max(v).json()},
		{"step", n.d.step}, {"mode", "auto"},
	}}
	val, ok := v.number(n.d.key)
	if n.d.site {
		o.icon = iconForBatteryLevel(val, ok)
	}
	if ok {
		o.state = val.String()
	}
	return o
}

func (n *numberEntity) service(name string) planner {
	if name != "set_value" {
		return nil
	}
	return func(c *call) (*plan, error) {
		value, _ := c.float("value")
		lo, hi := n.d.min(c.v), n.d.max(c.v)
		if value < lo.float() || value > hi.float() {
			return nil, invalid("out_of_range", pyFloat(value), c.e.EntityID, lo.String(), hi.String())
		}
		if !n.scoped {
			return nil, missingScope(n.d.scopes[0])
		}
		cmd := n.d.set(int(value)) // int(value), truncated, as the integration sends it
		patch := map[string]any{n.d.key: jsonNumber(value)}
		if n.d.site {
			return sendSite(patch, cmd)
		}
		return sendVehicle(patch, cmd)
	}
}

// json is the number as a JSON value for attributes.
func (n number) json() any {
	if n.isInt {
		return n.i
	}
	return jsonNumber(n.f)
}

// iconForBatteryLevel is Home Assistant's icon_for_battery_level without
// charging.
func iconForBatteryLevel(n number, ok bool) string {
	if !ok {
		return "mdi:battery-unknown"
	}
	v := n.float()
	switch {
	case v <= 5:
		return "mdi:battery-alert"
	case v >= 95:
		return "mdi:battery"
	}
	return fmt.Sprintf("mdi:battery-%d", int(math.RoundToEven(v/10-0.01))*10)
}

func vehicleNumbers(s *setup) []*Entity {
	out := make([]*Entity, 0, len(vehicleNumberTable))
	for i := range vehicleNumberTable {
		d := &vehicleNumberTable[i]
		out = append(out, s.newEntity(s.vehicle, Number, &d.meta, &numberEntity{d: d, scoped: s.scoped(d.scopes...)}))
	}
	return out
}

func siteNumbers(s *setup) []*Entity {
	var out []*Entity
	for i := range energyNumberTable {
		d := &energyNumberTable[i]
		if !d.exists(s) {
			continue
		}
		out = append(out, s.newEntity(s.info, Number, &d.meta, &numberEntity{d: d, scoped: s.scoped(d.scopes...)}))
	}
	return out
}
