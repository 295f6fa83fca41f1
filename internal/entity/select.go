package entity

import (
	"slices"
	"strings"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

var (
	seatHeaterOptions    = []string{"off", "low", "medium", "high"}
	wheelHeaterOptions   = []string{"off", "low", "high"}
	operationModeOptions = []string{"autonomous", "backup", "self_consumption"}
	exportRuleOptions    = []string{"never", "battery_ok", "pv_only"}
)

// seatDesc is one seat heater row of §4.13's select table.
type seatDesc struct {
	meta
	seat      fleet.Seat
	available func(v *view) bool
}

func always(*view) bool { return true }

func rearSeats(v *view) bool { return !isZero(v.get("vehicle_config_rear_seat_heaters")) }

func thirdRow(v *view) bool { return v.get("vehicle_config_third_row_seats") != "None" }

// isZero is Python's value == 0 (None is not 0).
func isZero(x any) bool {
	n, ok := asNumber(x)
	return ok && n.float() == 0 || x == false
}

const seatIcon = "mdi:car-seat-heater"

var seatHeaterTable = []seatDesc{
	{meta: meta{key: "climate_state_seat_heater_left", name: "Seat heater front left", icon: seatIcon}, seat: fleet.SeatFrontLeft, available: always},
	{meta: meta{key: "climate_state_seat_heater_right", name: "Seat heater front right", icon: seatIcon}, seat: fleet.SeatFrontRight, available: always},
	{meta: meta{key: "climate_state_seat_heater_rear_left", name: "Seat heater rear left", off: true, icon: seatIcon}, seat: fleet.SeatRearLeft, available: rearSeats},
	{meta: meta{key: "climate_state_seat_heater_rear_center", name: "Seat heater rear center", off: true, icon: seatIcon}, seat: fleet.SeatRearCenter, available: rearSeats},
	{meta: meta{key: "climate_state_seat_heater_rear_right", name: "Seat heater rear right", off: true, icon: seatIcon}, seat: fleet.SeatRearRight, available: rearSeats},
	{meta: meta{key: "climate_state_seat_heater_third_row_left", name: "Seat heater third row left", off: true, icon: seatIcon}, seat: fleet.SeatThirdRowLeft, available: thirdRow},
	{meta: meta{key: "climate_state_seat_heater_third_row_right", name: "Seat heater third row right", off: true, icon: seatIcon}, seat: fleet.SeatThirdRowRight, available: thirdRow},
}

// levelSelect is a seat or steering wheel heater: the option at the
// integer value's index.
type levelSelect struct {
	key       string
	options   []string
	available func(v *view) bool
	scoped    bool
	send      func(level int) command.Command
}

func (s *levelSelect) render(v *view) out {
	o := out{caps: Attrs{{"options", s.options}}}
	if !s.available(v) {
		o.unavailable = true
		return o
	}
	if n, ok := v.number(s.key); ok && n.isInt && n.i >= 0 && n.i < int64(len(s.options)) {
		o.state = s.options[n.i]
	}
	return o
}

func (s *levelSelect) service(name string) planner {
	if name != "select_option" {
		return nil
	}
	return func(c *call) (*plan, error) {
		option, _ := c.string("option")
		level, err := optionIndex(c, s.options, option)
		if err != nil {
			return nil, err
		}
		if !s.scoped {
			return nil, missingScope(ScopeVehicleCmds)
		}
		patch := map[string]any{s.key: jsonInt(int64(level))}
		// The air conditioning must be on for a heater to turn on.
		if level > 0 && !truthy(c.v.get("climate_state_is_climate_on")) {
			return sendVehicle(patch, command.ClimateOn(), s.send(level))
		}
		return sendVehicle(patch, s.send(level))
	}
}

// optionIndex checks the option as Home Assistant's select does.
func optionIndex(c *call, options []string, option string) (int, error) {
	i := slices.Index(options, option)
	if i < 0 {
		return 0, invalid("not_valid_option", option, c.e.EntityID, strings.Join(options, ", "))
	}
	return i, nil
}

// siteSelect is the operation mode or the export rule: the raw value.
type siteSelect struct {
	key     string
	options []string
	def     any // the value when the key is missing
	scoped  bool
	send    func(option string) command.Command
}

func (s *siteSelect) render(v *view) out {
	o := out{caps: Attrs{{"options", s.options}}}
	val := v.get(s.key)
	if !v.has(s.key) {
		val = s.def
	}
	if str, ok := val.(string); ok && slices.Contains(s.options, str) {
		o.state = str
	}
	return o
}

func (s *siteSelect) service(name string) planner {
	if name != "select_option" {
		return nil
	}
	return func(c *call) (*plan, error) {
		option, _ := c.string("option")
		if _, err := optionIndex(c, s.options, option); err != nil {
			return nil, err
		}
		if !s.scoped {
			return nil, missingScope(ScopeEnergyCmds)
		}
		return sendSite(map[string]any{s.key: option}, s.send(option))
	}
}

func vehicleSelects(s *setup) []*Entity {
	scoped := s.scoped(ScopeVehicleCmds)
	out := make([]*Entity, 0, len(seatHeaterTable)+1)
	for i := range seatHeaterTable {
		d := &seatHeaterTable[i]
		seat := d.seat
		out = append(out, s.newEntity(s.vehicle, Select, &d.meta, &levelSelect{
			key: d.key, options: seatHeaterOptions, available: d.available, scoped: scoped,
			send: func(level int) command.Command { return command.SetSeatHeater(seat, level) },
		}))
	}
	const wheel = "climate_state_steering_wheel_heat_level"
	out = append(out, s.newEntity(s.vehicle, Select, &wheelHeaterMeta, &levelSelect{
		key: wheel, options: wheelHeaterOptions, available: always, scoped: scoped,
		send: func(level int) command.Command { return command.SetSteeringWheelHeatLevel(command.WheelHeat(level)) },
	}))
	return out
}

var wheelHeaterMeta = meta{key: "climate_state_steering_wheel_heat_level", name: "Steering wheel heater"}

func siteSelects(s *setup) []*Entity {
	scoped := s.scoped(ScopeEnergyCmds)
	var out []*Entity
	if s.hasBattery() {
		out = append(out, s.newEntity(s.info, Select,
			&meta{key: "default_real_mode", name: "Operation mode", icon: "mdi:home-battery"}, &siteSelect{
				key: "default_real_mode", options: operationModeOptions, scoped: scoped, send: command.SetOperationMode,
			}))
	}
	if s.hasBattery() && s.hasSolar() {
		const k = "components_customer_preferred_export_rule"
		out = append(out, s.newEntity(s.info, Select,
			&meta{key: k, name: "Allow export", icon: "mdi:transmission-tower"}, &siteSelect{
				key: k, options: exportRuleOptions, def: "never", scoped: scoped, send: command.SetExportRule,
			}))
	}
	return out
}
