package entity

import "github.com/teslafleet/teslafleet/internal/command"

// switchDesc is one row of §4.13's switch table.
type switchDesc struct {
	meta
	uid    string           // unique-id suffix when it is not the key
	isOn   func(v any) bool // default: Python's bool()
	on     func() command.Command
	off    func() command.Command
	onVal  any      // the optimistic value after turning on
	offVal any      // … after turning off
	scopes []string // the first one names the missing scope
}

var vehicleSwitchTable = []switchDesc{
	{meta: meta{key: "vehicle_state_sentry_mode", name: "Sentry mode", icon: "mdi:shield-car"},
		on: func() command.Command { return command.SetSentryMode(true) }, off: func() command.Command { return command.SetSentryMode(false) },
		onVal: true, offVal: false, scopes: []string{ScopeVehicleCmds}},
	{meta: meta{key: "climate_state_auto_seat_climate_left", name: "Auto seat climate left", icon: "mdi:car-seat-heater"},
		on:    func() command.Command { return command.SetAutoSeatClimate(command.Left, true) },
		off:   func() command.Command { return command.SetAutoSeatClimate(command.Left, false) },
		onVal: true, offVal: false, scopes: []string{ScopeVehicleCmds}},
	{meta: meta{key: "climate_state_auto_seat_climate_right", name: "Auto seat climate right", icon: "mdi:car-seat-heater"},
		on:    func() command.Command { return command.SetAutoSeatClimate(command.Right, true) },
		off:   func() command.Command { return command.SetAutoSeatClimate(command.Right, false) },
		onVal: true, offVal: false, scopes: []string{ScopeVehicleCmds}},
	{meta: meta{key: "climate_state_auto_steering_wheel_heat", name: "Auto steering wheel heater", icon: "mdi:steering"},
		on:    func() command.Command { return command.SetAutoSteeringWheelHeat(true) },
		off:   func() command.Command { return command.SetAutoSteeringWheelHeat(false) },
		onVal: true, offVal: false, scopes: []string{ScopeVehicleCmds}},
	{meta: meta{key: "climate_state_defrost_mode", name: "Defrost", icon: "mdi:snowflake-melt"},
		isOn:  func(v any) bool { n, ok := asNumber(v); return ok && int64(n.float()) != 0 || v == true },
		on:    func() command.Command { return command.SetPreconditioningMax(true) },
		off:   func() command.Command { return command.SetPreconditioningMax(false) },
		onVal: jsonInt(2), offVal: jsonInt(0), scopes: []string{ScopeVehicleCmds}},
	{meta: meta{key: "charge_state_charging_state", name: "Charge", icon: "mdi:ev-station"}, uid: "charge_state_user_charge_enable_request",
		isOn: func(v any) bool { return v == "Starting" || v == "Charging" },
		on:   command.ChargeStart, off: command.ChargeStop,
		onVal: "Starting", offVal: "Stopped", scopes: []string{ScopeChargingCmds, ScopeVehicleCmds}},
}

// vehicleSwitchMeta are the switch table's rows as entities describe
// them: device class "switch", the unique-id suffix when it is not the key.
var vehicleSwitchMeta = func() []meta {
	out := make([]meta, len(vehicleSwitchTable))
	for i, d := range vehicleSwitchTable {
		out[i] = d.meta
		out[i].class, out[i].uid = "switch", d.uid
	}
	return out
}()

// vehicleSwitch: is_on None while the value is None.
type vehicleSwitch struct {
	d      *switchDesc
	scoped bool
}

func (s *vehicleSwitch) render(v *view) out {
	val := v.get(s.d.key)
	if val == nil {
		return out{}
	}
	on := truthy(val)
	if s.d.isOn != nil {
		on = s.d.isOn(val)
	}
	return out{state: onOff(on)}
}

func (s *vehicleSwitch) service(name string) planner {
	return switchService(name, func(c *call, on bool) (*plan, error) {
		if !s.scoped {
			return nil, missingScope(s.d.scopes[0])
		}
		if on {
			return sendVehicle(map[string]any{s.d.key: s.d.onVal}, s.d.on())
		}
		return sendVehicle(map[string]any{s.d.key: s.d.offVal}, s.d.off())
	})
}

// switchService answers turn_on, turn_off and toggle (toggle turns on
// unless the switch is on, as Home Assistant's ToggleEntity does).
func switchService(name string, set func(c *call, on bool) (*plan, error)) planner {
	switch name {
	case "turn_on":
		return func(c *call) (*plan, error) { return set(c, true) }
	case "turn_off":
		return func(c *call) (*plan, error) { return set(c, false) }
	case "toggle":
		return func(c *call) (*plan, error) { return set(c, c.o.state != "on") }
	}
	return nil
}

func vehicleSwitches(s *setup) []*Entity {
	out := make([]*Entity, 0, len(vehicleSwitchTable))
	for i := range vehicleSwitchTable {
		d := &vehicleSwitchTable[i]
		out = append(out, s.newEntity(s.vehicle, Switch, &vehicleSwitchMeta[i], &vehicleSwitch{d: d, scoped: s.scoped(d.scopes...)}))
	}
	return out
}

// gridChargingSwitch is "Allow charging from grid": on when charging from
// the grid is not disallowed.
type gridChargingSwitch struct{ scoped bool }

const keyDisallowGridCharging = "components_disallow_charge_from_grid_with_solar_installed"

func (g *gridChargingSwitch) render(v *view) out {
	return out{state: onOff(!truthy(v.get(keyDisallowGridCharging)))}
}

func (g *gridChargingSwitch) service(name string) planner {
	return switchService(name, func(c *call, on bool) (*plan, error) {
		if !g.scoped {
			return nil, missingScope(ScopeEnergyCmds)
		}
		return sendSite(map[string]any{keyDisallowGridCharging: !on}, command.SetGridCharging(on))
	})
}

// stormSwitch is "Storm watch": available only while the value is not None.
type stormSwitch struct{ scoped bool }

const keyStormMode = "user_settings_storm_mode_enabled"

func (st *stormSwitch) render(v *view) out {
	val := v.get(keyStormMode)
	if val == nil {
		return out{unavailable: true}
	}
	return out{state: onOff(truthy(val))}
}

func (st *stormSwitch) service(name string) planner {
	return switchService(name, func(c *call, on bool) (*plan, error) {
		if !st.scoped {
			return nil, missingScope(ScopeEnergyCmds)
		}
		return sendSite(map[string]any{keyStormMode: on}, command.SetStormMode(on))
	})
}

func siteSwitches(s *setup) []*Entity {
	scoped := s.scoped(ScopeEnergyCmds)
	var out []*Entity
	if s.hasBattery() && s.hasSolar() {
		out = append(out, s.newEntity(s.info, Switch,
			&meta{key: keyDisallowGridCharging, name: "Allow charging from grid", class: "switch", icon: "mdi:transmission-tower"},
			&gridChargingSwitch{scoped: scoped}))
	}
	if truthy(s.info.data.get("components_storm_mode_capable")) {
		out = append(out, s.newEntity(s.info, Switch,
			&meta{key: keyStormMode, name: "Storm watch", class: "switch", icon: "mdi:weather-lightning-rainy"},
			&stormSwitch{scoped: scoped}))
	}
	return out
}
