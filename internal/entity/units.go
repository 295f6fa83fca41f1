package entity

import (
	"fmt"
	"math"
)

// UnitSystem is how states are shown: Home Assistant's metric system (the
// default) or its US customary ("imperial") system.
type UnitSystem string

const (
	Metric   UnitSystem = "metric"
	Imperial UnitSystem = "imperial"
)

// ParseUnitSystem accepts "metric" and "imperial" ("" is metric).
func ParseUnitSystem(s string) (UnitSystem, error) {
	switch UnitSystem(s) {
	case "", Metric:
		return Metric, nil
	case Imperial, "us_customary":
		return Imperial, nil
	}
	return "", fmt.Errorf("unit system %q: want metric or imperial", s)
}

// Units as Home Assistant writes them.
const (
	uPercent = "%"
	uW       = "W"
	ukW      = "kW"
	uWh      = "Wh"
	ukWh     = "kWh"
	uV       = "V"
	uA       = "A"
	uMi      = "mi"
	uKm      = "km"
	uMph     = "mph"
	uKmh     = "km/h"
	uBar     = "bar"
	uPsi     = "psi"
	uC       = "°C"
	uF       = "°F"
	uMin     = "min"
)

// Home Assistant's conversion constants (homeassistant/util/unit_conversion.py).
const (
	inToM   = 0.0254
	footToM = inToM * 12
	yardToM = footToM * 3
	mileToM = yardToM * 1760
	kmToM   = 1000
	hrsToS  = 60 * 60
)

// ratios are each converter's units per its base unit. Home Assistant
// converts value v from a to b as (v / ratio[a]) * ratio[b]; the same
// operations give the same float.
var ratios = map[string]map[string]float64{
	"distance": {uKm: 1.0 / kmToM, uMi: 1 / mileToM, "m": 1},
	"speed":    {uKmh: hrsToS / float64(kmToM), uMph: hrsToS / mileToM, "m/s": 1},
	"pressure": {uBar: 1.0 / 100000, uPsi: 1 / 6894.757, "Pa": 1, "kPa": 1.0 / 1000},
	"power":    {uW: 1, ukW: 1.0 / 1000},
	"energy":   {uWh: 1000, ukWh: 1},
}

// converterOf names the converter of a unit ("" when none converts it).
func converterOf(unit string) string {
	for name, r := range ratios {
		if _, ok := r[unit]; ok {
			return name
		}
	}
	if unit == uC || unit == uF {
		return "temperature"
	}
	return ""
}

// convert converts v from one unit to another as Home Assistant does.
func convert(v float64, from, to string) float64 {
	if from == to {
		return v
	}
	if from == uC && to == uF {
		return v*1.8 + 32.0
	}
	if from == uF && to == uC {
		return (v - 32.0) / 1.8
	}
	r := ratios[converterOf(from)]
	return (v / r[from]) * r[to]
}

// unitRatio is Home Assistant's get_unit_ratio(from, to): how many "to"
// units one "from" unit is worth, used to scale the precision of a
// converted state.
func unitRatio(from, to string) float64 {
	if converterOf(from) == "temperature" {
		t := map[string]float64{uC: 1, uF: 1.8}
		return t[from] / t[to]
	}
	r := ratios[converterOf(from)]
	return r[from] / r[to]
}

// displayUnit is the unit a sensor shows in the system: the suggested unit
// when there is one, else the system's own unit for the native unit.
func (s UnitSystem) displayUnit(native, suggested string) string {
	if suggested != "" {
		return suggested
	}
	if s == Imperial {
		switch native {
		case uKm:
			return uMi
		case uKmh:
			return uMph
		case uC:
			return uF
		case uBar:
			return uPsi
		}
		return native
	}
	switch native {
	case uMi:
		return uKm
	case uMph:
		return uKmh
	case uF:
		return uC
	}
	return native
}

// formatConverted prints a sensor value converted for display as Home
// Assistant's SensorEntity.state does: with a display precision the float
// itself; without one, rounded to the precision the native value was
// written with, scaled up when the target unit is larger (1.1 Wh is
// 0.0011 kWh).
func formatConverted(n number, from, to string, hasPrecision bool) string {
	v := convert(n.float(), from, to)
	if hasPrecision {
		return pyFloat(v)
	}
	s := n.String()
	prec := 0
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			prec = len(s) - i - 1
			break
		}
	}
	prec += int(math.Floor(math.Max(0, math.Log10(unitRatio(from, to)))))
	return pyFixed(v, prec)
}
