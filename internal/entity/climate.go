package entity

import (
	"math"
	"slices"
	"strings"

	"github.com/teslafleet/teslafleet/internal/command"
)

// Climate features (Home Assistant's ClimateEntityFeature).
const (
	climateTargetTemperature = 1
	climatePresetMode        = 16
	climateTurnOff           = 128
	climateTurnOn            = 256
)

var presetModes = []string{"off", "keep", "dog", "camp"}

// driverClimate is §4.9's "Climate" (key driver_temp).
type driverClimate struct{ scoped bool }

func (c *driverClimate) features() int {
	if !c.scoped {
		return 0
	}
	return climateTurnOn | climateTurnOff | climateTargetTemperature | climatePresetMode
}

func (c *driverClimate) mode(v *view) string {
	switch v.get("climate_state_is_climate_on") {
	case true:
		return "heat_cool"
	case false:
		return "off"
	}
	return ""
}

func (c *driverClimate) render(v *view) out {
	f := c.features()
	mode := c.mode(v)
	modes := []string{"heat_cool", "off"}
	if !c.scoped {
		modes = []string{}
		if mode != "" {
			modes = []string{mode}
		}
	}
	caps := Attrs{
		{"hvac_modes", modes},
		{"min_temp", showTemp(v, v.numberOrInt("climate_state_min_avail_temp", 15), 0.5)},
		{"max_temp", showTemp(v, v.numberOrInt("climate_state_max_avail_temp", 28), 0.5)},
	}
	if f&climatePresetMode != 0 {
		caps = append(caps, Attr{"preset_modes", presetModes})
	}
	attrs := Attrs{{"current_temperature", showTempKey(v, "climate_state_inside_temp", 0.5)}}
	if f&climateTargetTemperature != 0 {
		attrs = append(attrs, Attr{"temperature", showTempKey(v, "climate_state_driver_temp_setting", 0.5)})
	}
	if f&climatePresetMode != 0 {
		attrs = append(attrs, Attr{"preset_mode", v.get("climate_state_climate_keeper_mode")})
	}
	return out{state: mode, caps: caps, attrs: attrs, features: features(f)}
}

func (c *driverClimate) service(name string) planner {
	on := func() (*plan, error) {
		return sendVehicle(map[string]any{"climate_state_is_climate_on": true}, command.ClimateOn())
	}
	off := func() (*plan, error) {
		return sendVehicle(map[string]any{"climate_state_is_climate_on": false, "climate_state_climate_keeper_mode": "off"}, command.ClimateOff())
	}
	setMode := func(k *call, mode string) (*plan, error) {
		if err := checkHVACMode(k, mode); err != nil {
			return nil, err
		}
		if mode == "off" {
			return off()
		}
		return on()
	}
	switch name {
	case "turn_on":
		return c.need(climateTurnOn, name, func(*call) (*plan, error) { return on() })
	case "turn_off":
		return c.need(climateTurnOff, name, func(*call) (*plan, error) { return off() })
	case "set_hvac_mode":
		return func(k *call) (*plan, error) {
			mode, _ := k.string("hvac_mode")
			return setMode(k, mode)
		}
	case "set_temperature":
		return c.need(climateTargetTemperature, name, func(k *call) (*plan, error) {
			t, ok := k.float("temperature")
			if !ok {
				return nil, invalid("missing_temperature")
			}
			lo, _ := asNumber(showTemp(k.v, k.v.numberOrInt("climate_state_min_avail_temp", 15), 0.5))
			hi, _ := asNumber(showTemp(k.v, k.v.numberOrInt("climate_state_max_avail_temp", 28), 0.5))
			if err := checkTemp(k, t, lo.float(), hi.float()); err != nil {
				return nil, err
			}
			t = k.celsius(t)
			cmds := []command.Command{command.SetTemps(t, t)}
			patch := map[string]any{"climate_state_driver_temp_setting": jsonNumber(t), "climate_state_passenger_temp_setting": jsonNumber(t)}
			if mode, ok := k.string("hvac_mode"); ok {
				if err := checkHVACMode(k, mode); err != nil {
					return nil, err
				}
				if mode == "off" {
					cmds = append(cmds, command.ClimateOff())
					patch["climate_state_is_climate_on"], patch["climate_state_climate_keeper_mode"] = false, "off"
				} else {
					cmds = append(cmds, command.ClimateOn())
					patch["climate_state_is_climate_on"] = true
				}
			}
			return sendVehicle(patch, cmds...)
		})
	case "set_preset_mode":
		return c.need(climatePresetMode, name, func(k *call) (*plan, error) {
			p, _ := k.string("preset_mode")
			if !slices.Contains(presetModes, p) {
				return nil, invalid("not_valid_preset", p, strings.Join(presetModes, ", "))
			}
			patch := map[string]any{"climate_state_climate_keeper_mode": p}
			if p != "off" {
				patch["climate_state_is_climate_on"] = true
			}
			return sendVehicle(patch, command.SetClimateKeeperMode(command.KeeperMode(p)))
		})
	}
	return nil
}

// need refuses a service whose feature the entity does not advertise, as
// Home Assistant's entity service calls do.
func (c *driverClimate) need(feature int, name string, p planner) planner {
	return needFeature(c.features(), feature, "climate", name, p)
}

func needFeature(have, feature int, domain, name string, p planner) planner {
	return func(k *call) (*plan, error) {
		if have&feature != feature {
			return nil, invalid("not_supported", k.e.EntityID, domain, name)
		}
		return p(k)
	}
}

// checkHVACMode refuses a mode the entity does not list.
func checkHVACMode(k *call, mode string) error {
	modes, _ := k.o.caps.Get("hvac_modes")
	list, _ := modes.([]string)
	if !slices.Contains(list, mode) {
		return invalid("not_valid_hvac_mode", mode, strings.Join(list, ", "))
	}
	return nil
}

func checkTemp(k *call, t, lo, hi float64) error {
	if t < lo || t > hi {
		return invalid("temp_out_of_range", pyFloat(t), pyFloat(lo), pyFloat(hi))
	}
	return nil
}

// celsius converts a temperature given in the unit system to °C, as Home
// Assistant converts service data to the entity's unit.
func (c *call) celsius(t float64) float64 {
	if c.v.units == Imperial {
		return (t - 32) * 5 / 9
	}
	return t
}

// display converts °C to the unit system.
func (c *call) display(t float64) float64 {
	if c.v.units == Imperial {
		return t*9/5 + 32
	}
	return t
}

// showTemp is Home Assistant's show_temp for a °C entity: converted to the
// unit system, then rounded to the precision (halves: round(t*2)/2, a
// float; whole degrees: round(t), an integer).
func showTemp(v *view, n number, precision float64) any {
	t := n.float()
	if v.units == Imperial {
		t = t*9/5 + 32
	}
	if precision == 0.5 {
		return jsonNumber(math.RoundToEven(t*2) / 2)
	}
	return int64(math.RoundToEven(t))
}

func showTempKey(v *view, key string, precision float64) any {
	n, ok := v.number(key)
	if !ok {
		return nil
	}
	return showTemp(v, n, precision)
}

// copClimate is §4.9's "Cabin overheat protection".
type copClimate struct{ scoped bool }

var copModes = map[string]string{"Off": "off", "On": "cool", "FanOnly": "fan_only"}
var copTemps = map[string]int64{"Low": 30, "Medium": 35, "High": 40}
var copLevels = map[int64]string{30: "Low", 35: "Medium", 40: "High"}

func (c *copClimate) features(v *view) int {
	if !c.scoped {
		return 0
	}
	f := climateTurnOn | climateTurnOff
	if truthy(v.get("vehicle_config_cop_user_set_temp_supported")) {
		f |= climateTargetTemperature
	}
	return f
}

func (c *copClimate) render(v *view) out {
	f := c.features(v)
	caps := Attrs{
		{"hvac_modes", []string{"off", "cool", "fan_only"}},
		{"min_temp", showTemp(v, number{i: 30, isInt: true}, 1)},
		{"max_temp", showTemp(v, number{i: 40, isInt: true}, 1)},
		{"target_temp_step", 5},
	}
	attrs := Attrs{{"current_temperature", showTempKey(v, "climate_state_inside_temp", 1)}}
	if f&climateTargetTemperature != 0 {
		var target any
		if s, ok := v.get("climate_state_cop_activation_temperature").(string); ok {
			if t, ok := copTemps[s]; ok {
				target = showTemp(v, number{i: t, isInt: true}, 1)
			}
		}
		attrs = append(attrs, Attr{"temperature", target})
	}
	state := ""
	if s, ok := v.get("climate_state_cabin_overheat_protection").(string); ok {
		state = copModes[s]
	}
	return out{state: state, caps: caps, attrs: attrs, features: features(f)}
}

func copMode(mode string) (command.Command, map[string]any) {
	switch mode {
	case "cool":
		return command.SetCabinOverheatProtection(true, false), map[string]any{"climate_state_cabin_overheat_protection": "On"}
	case "fan_only":
		return command.SetCabinOverheatProtection(true, true), map[string]any{"climate_state_cabin_overheat_protection": "FanOnly"}
	}
	return command.SetCabinOverheatProtection(false, false), map[string]any{"climate_state_cabin_overheat_protection": "Off"}
}

func (c *copClimate) service(name string) planner {
	mode := func(m string) planner {
		return func(k *call) (*plan, error) {
			cmd, patch := copMode(m)
			return sendVehicle(patch, cmd)
		}
	}
	switch name {
	case "turn_on":
		return c.need(climateTurnOn, name, mode("cool"))
	case "turn_off":
		return c.need(climateTurnOff, name, mode("off"))
	case "set_hvac_mode":
		return func(k *call) (*plan, error) {
			m, _ := k.string("hvac_mode")
			if err := checkHVACMode(k, m); err != nil {
				return nil, err
			}
			return mode(m)(k)
		}
	case "set_temperature":
		return c.need(climateTargetTemperature, name, func(k *call) (*plan, error) {
			t, ok := k.float("temperature")
			if !ok {
				return nil, invalid("missing_temperature")
			}
			if err := checkTemp(k, t, k.display(30), k.display(40)); err != nil {
				return nil, err
			}
			t = math.Round(k.celsius(t)*1e6) / 1e6
			level, ok := copLevels[int64(t)]
			if !ok || float64(int64(t)) != t {
				return nil, invalid("invalid_cop_temp")
			}
			cmds := []command.Command{command.SetCOPTemp(int(t))}
			patch := map[string]any{"climate_state_cop_activation_temperature": level}
			if m, ok := k.string("hvac_mode"); ok {
				if err := checkHVACMode(k, m); err != nil {
					return nil, err
				}
				cmd, p := copMode(m)
				cmds = append(cmds, cmd)
				for key, val := range p {
					patch[key] = val
				}
			}
			return sendVehicle(patch, cmds...)
		})
	}
	return nil
}

func (c *copClimate) need(feature int, name string, p planner) planner {
	return func(k *call) (*plan, error) {
		have := 0
		if k.o.features != nil {
			have = *k.o.features
		}
		return needFeature(have, feature, "climate", name, p)(k)
	}
}

func vehicleClimates(s *setup) []*Entity {
	scoped := s.scoped(ScopeVehicleCmds)
	return []*Entity{
		s.newEntity(s.vehicle, Climate, &driverClimateMeta, &driverClimate{scoped: scoped}),
		s.newEntity(s.vehicle, Climate, &copClimateMeta, &copClimate{scoped: scoped}),
	}
}

var (
	driverClimateMeta = meta{key: "driver_temp", name: "Climate"}
	copClimateMeta    = meta{key: "climate_state_cabin_overheat_protection", name: "Cabin overheat protection", off: true}
)
