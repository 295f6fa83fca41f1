package entity

import (
	"slices"
	"time"
)

// sensorDesc is one row of a sensor table.
type sensorDesc struct {
	meta
	precision *int     // suggested display precision
	options   []string // enum sensors
	value     func(v any) any
	// lastReset tracks resets of a total sensor (charge energy added).
	lastReset bool
}

func prec(n int) *int { return &n }

// sensor renders a value read from its source's data.
type sensor struct {
	d         *sensorDesc
	read      func(v *view) (any, bool) // the value and whether the key is there; nil: the key d.key
	available func(v *view) bool
	reset     *sensorReset // a total sensor's (lastReset)
}

// sensorReset is what a total sensor remembers: the previous value and
// the last reset.
type sensorReset struct {
	prev    *float64
	resetAt time.Time
}

// newSensor is a sensor reading its key.
func newSensor(d *sensorDesc) *sensor {
	s := &sensor{d: d}
	if d.lastReset {
		s.reset = &sensorReset{}
	}
	return s
}

func (s *sensor) service(string) planner { return nil }

func (s *sensor) render(v *view) out {
	o := out{caps: sensorCaps(s.d)}
	if s.available != nil && !s.available(v) {
		o.unavailable = true
		return o
	}
	var raw any
	var present bool
	if s.read == nil {
		raw, present = v.get(s.d.key), v.has(s.d.key)
	} else {
		raw, present = s.read(v)
	}
	if !present {
		return o
	}
	val := raw
	if s.d.value != nil {
		val = s.d.value(raw)
	}
	o.state = formatSensor(s.d, v.e.unit(v.units), val)
	if r := s.reset; r != nil {
		if n, ok := asNumber(val); ok {
			f := n.float()
			if r.prev != nil && (f == 0 && *r.prev != 0 || f < *r.prev-1.0) {
				r.resetAt = v.now
			}
			r.prev = &f
		}
		if !r.resetAt.IsZero() {
			o.attrs = append(o.attrs, Attr{"last_reset", isoformat(r.resetAt)})
		}
	}
	return o
}

// sensorCaps are a sensor's capability attributes.
func sensorCaps(d *sensorDesc) Attrs {
	var a Attrs
	if d.stateClass != "" {
		a = append(a, Attr{"state_class", d.stateClass})
	}
	if d.options != nil {
		a = append(a, Attr{"options", d.options})
	}
	return a
}

// formatSensor prints a sensor's value in its display unit ("" for None).
func formatSensor(d *sensorDesc, display string, val any) string {
	if val == nil {
		return ""
	}
	if d.options != nil {
		s, _ := val.(string)
		if !slices.Contains(d.options, s) {
			return ""
		}
		return s
	}
	if n, ok := asNumber(val); ok && d.unit != "" && display != d.unit {
		return formatConverted(n, d.unit, display, d.precision != nil)
	}
	return pyStr(val)
}

// key reads a data key.
func key(k string) func(v *view) (any, bool) {
	return func(v *view) (any, bool) { return v.get(k), v.has(k) }
}

// orZero is Home Assistant's "value or 0".
func orZero(v any) any {
	if !truthy(v) {
		return jsonInt(0)
	}
	return v
}

// mapped maps a raw string through table (None when absent).
func mapped(table map[string]string) func(any) any {
	return func(v any) any {
		s, _ := v.(string)
		if out, ok := table[s]; ok {
			return out
		}
		return nil
	}
}

var chargingStates = map[string]string{
	"Starting": "starting", "Charging": "charging", "Stopped": "stopped",
	"Complete": "complete", "Disconnected": "disconnected", "NoPower": "no_power",
}

// shiftState maps P/D/R/N; anything else, null included, is Park.
func shiftState(v any) any {
	if s, ok := v.(string); ok {
		if out, ok := map[string]string{"P": "p", "D": "d", "R": "r", "N": "n"}[s]; ok {
			return out
		}
	}
	return "p"
}

const (
	dcBattery     = "battery"
	dcEnergy      = "energy"
	dcPower       = "power"
	dcVoltage     = "voltage"
	dcCurrent     = "current"
	dcSpeed       = "speed"
	dcDistance    = "distance"
	dcPressure    = "pressure"
	dcTemperature = "temperature"
	dcDuration    = "duration"
	dcEnum        = "enum"
	dcTimestamp   = "timestamp"
	dcStorage     = "energy_storage"

	scMeasurement     = "measurement"
	scTotal           = "total"
	scTotalIncreasing = "total_increasing"
)

// vehicleSensorTable is §4.1 of the integration.
var vehicleSensorTable = []sensorDesc{
	{meta: meta{key: "charge_state_charging_state", name: "Charging", class: dcEnum, icon: "mdi:ev-station"},
		options: []string{"starting", "charging", "stopped", "complete", "disconnected", "no_power"}, value: mapped(chargingStates)},
	{meta: meta{key: "charge_state_battery_level", name: "Battery level", class: dcBattery, stateClass: scMeasurement, unit: uPercent}},
	{meta: meta{key: "charge_state_usable_battery_level", name: "Usable battery level", off: true, class: dcBattery, stateClass: scMeasurement, unit: uPercent}},
	{meta: meta{key: "charge_state_charge_energy_added", name: "Charge energy added", class: dcEnergy, stateClass: scTotal, unit: ukWh}, precision: prec(1), lastReset: true},
	{meta: meta{key: "charge_state_charger_power", name: "Charger power", class: dcPower, stateClass: scMeasurement, unit: ukW}},
	{meta: meta{key: "charge_state_charger_voltage", name: "Charger voltage", class: dcVoltage, stateClass: scMeasurement, unit: uV, category: Diagnostic}},
	{meta: meta{key: "charge_state_charger_actual_current", name: "Charger current", class: dcCurrent, stateClass: scMeasurement, unit: uA, category: Diagnostic}},
	{meta: meta{key: "charge_state_charge_rate", name: "Charge rate", class: dcSpeed, stateClass: scMeasurement, unit: uMph, category: Diagnostic}},
	{meta: meta{key: "charge_state_conn_charge_cable", name: "Charge cable", off: true, category: Diagnostic}},
	{meta: meta{key: "charge_state_fast_charger_type", name: "Fast charger type", off: true, category: Diagnostic}},
	{meta: meta{key: "charge_state_battery_range", name: "Battery range", class: dcDistance, stateClass: scMeasurement, unit: uMi}, precision: prec(1)},
	{meta: meta{key: "charge_state_est_battery_range", name: "Estimate battery range", off: true, class: dcDistance, stateClass: scMeasurement, unit: uMi}, precision: prec(1)},
	{meta: meta{key: "charge_state_ideal_battery_range", name: "Ideal battery range", off: true, class: dcDistance, stateClass: scMeasurement, unit: uMi}, precision: prec(1)},
	{meta: meta{key: "drive_state_speed", name: "Speed", off: true, class: dcSpeed, stateClass: scMeasurement, unit: uMph}, value: orZero},
	{meta: meta{key: "drive_state_power", name: "Power", off: true, class: dcPower, stateClass: scMeasurement, unit: ukW, category: Diagnostic}, value: orZero},
	{meta: meta{key: "drive_state_shift_state", name: "Shift state", off: true, class: dcEnum, icon: "mdi:car-shift-pattern"},
		options: []string{"p", "d", "r", "n"}, value: shiftState},
	{meta: meta{key: "vehicle_state_odometer", name: "Odometer", off: true, class: dcDistance, stateClass: scTotalIncreasing, unit: uMi, category: Diagnostic}, precision: prec(0)},
	{meta: meta{key: "vehicle_state_tpms_pressure_fl", name: "Tire pressure front left", off: true, class: dcPressure, stateClass: scMeasurement, unit: uBar, suggested: uPsi, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "vehicle_state_tpms_pressure_fr", name: "Tire pressure front right", off: true, class: dcPressure, stateClass: scMeasurement, unit: uBar, suggested: uPsi, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "vehicle_state_tpms_pressure_rl", name: "Tire pressure rear left", off: true, class: dcPressure, stateClass: scMeasurement, unit: uBar, suggested: uPsi, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "vehicle_state_tpms_pressure_rr", name: "Tire pressure rear right", off: true, class: dcPressure, stateClass: scMeasurement, unit: uBar, suggested: uPsi, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "climate_state_inside_temp", name: "Inside temperature", class: dcTemperature, stateClass: scMeasurement, unit: uC}, precision: prec(1)},
	{meta: meta{key: "climate_state_outside_temp", name: "Outside temperature", class: dcTemperature, stateClass: scMeasurement, unit: uC}, precision: prec(1)},
	{meta: meta{key: "climate_state_driver_temp_setting", name: "Driver temperature setting", off: true, class: dcTemperature, stateClass: scMeasurement, unit: uC, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "climate_state_passenger_temp_setting", name: "Passenger temperature setting", off: true, class: dcTemperature, stateClass: scMeasurement, unit: uC, category: Diagnostic}, precision: prec(1)},
	{meta: meta{key: "drive_state_active_route_traffic_minutes_delay", name: "Traffic delay", off: true, class: dcDuration, stateClass: scMeasurement, unit: uMin}},
	{meta: meta{key: "drive_state_active_route_energy_at_arrival", name: "State of charge at arrival", off: true, class: dcBattery, stateClass: scMeasurement, unit: uPercent, category: Diagnostic}},
	{meta: meta{key: "drive_state_active_route_miles_to_arrival", name: "Distance to arrival", class: dcDistance, stateClass: scMeasurement, unit: uMi}},
	{meta: meta{key: "drive_state_active_route_destination", name: "Destination", off: true, icon: "mdi:routes"}},
}

// timeSensorDesc is a vehicle sensor showing now + a number of minutes.
type timeSensorDesc struct {
	meta
	variance time.Duration
}

// vehicleTimeSensorTable is §4.2 of the integration.
var vehicleTimeSensorTable = []timeSensorDesc{
	{meta: meta{key: "charge_state_minutes_to_full_charge", name: "Time to full charge", class: dcTimestamp, category: Diagnostic}, variance: 4 * time.Minute},
	{meta: meta{key: "drive_state_active_route_minutes_to_arrival", name: "Time to arrival", class: dcTimestamp, icon: "mdi:routes-clock"}, variance: time.Minute},
}

// timeSensor is available while its value is a positive number; the
// timestamp moves only when it changes by more than the variance.
type timeSensor struct {
	d    *timeSensorDesc
	last time.Time
}

func (s *timeSensor) service(string) planner { return nil }

func (s *timeSensor) render(v *view) out {
	n, ok := v.number(s.d.key)
	if !ok || n.float() <= 0 {
		return out{unavailable: true}
	}
	t := v.now.Add(time.Duration(n.float() * float64(time.Minute)))
	if s.last.IsZero() || absDuration(t.Sub(s.last)) >= s.d.variance {
		s.last = t
	}
	return out{state: isoSeconds(s.last)}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func vehicleSensors(s *setup) []*Entity {
	var out []*Entity
	for i := range vehicleSensorTable {
		d := &vehicleSensorTable[i]
		out = append(out, s.newEntity(s.vehicle, Sensor, &d.meta, newSensor(d)))
	}
	for i := range vehicleTimeSensorTable {
		d := &vehicleTimeSensorTable[i]
		out = append(out, s.newEntity(s.vehicle, Sensor, &d.meta, &timeSensor{d: d}))
	}
	return out
}
