package entity

import "github.com/teslafleet/teslafleet/internal/fleet"

import "time"

// energyLiveSensorTable is §4.3 of the integration.
var energyLiveSensorTable = []sensorDesc{
	{meta: meta{key: "solar_power", name: "Solar power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:solar-power"}, precision: prec(2)},
	{meta: meta{key: "energy_left", name: "Energy left", class: dcStorage, stateClass: scMeasurement, unit: uWh, suggested: ukWh, category: Diagnostic, icon: "mdi:battery"}, precision: prec(2)},
	{meta: meta{key: "total_pack_energy", name: "Total pack energy", off: true, class: dcStorage, stateClass: scMeasurement, unit: uWh, suggested: ukWh, category: Diagnostic, icon: "mdi:battery-high"}, precision: prec(2)},
	{meta: meta{key: "percentage_charged", name: "Percentage charged", class: dcBattery, stateClass: scMeasurement, unit: uPercent}, precision: prec(2), value: orZero},
	{meta: meta{key: "battery_power", name: "Battery power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:home-battery"}, precision: prec(2)},
	{meta: meta{key: "load_power", name: "Load power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:power-plug"}, precision: prec(2)},
	{meta: meta{key: "grid_power", name: "Grid power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:transmission-tower"}, precision: prec(2)},
	{meta: meta{key: "grid_services_power", name: "Grid services power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW}, precision: prec(2)},
	{meta: meta{key: "generator_power", name: "Generator power", off: true, class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:generator-stationary"}, precision: prec(2)},
	{meta: meta{key: "island_status", name: "Grid status", class: dcEnum, icon: "mdi:help-circle"},
		options: []string{"island_status_unknown", "on_grid", "off_grid", "off_grid_unintentional", "off_grid_intentional"}},
}

// historyNames are the history sensors' names (§4.4).
var historyNames = map[string]string{
	"solar_energy_exported":                   "Solar exported",
	"generator_energy_exported":               "Generator exported",
	"grid_energy_imported":                    "Grid imported",
	"grid_services_energy_imported":           "Grid services imported",
	"grid_services_energy_exported":           "Grid services exported",
	"grid_energy_exported_from_solar":         "Grid exported from solar",
	"grid_energy_exported_from_generator":     "Grid exported from generator",
	"grid_energy_exported_from_battery":       "Grid exported from battery",
	"battery_energy_exported":                 "Battery exported",
	"battery_energy_imported_from_grid":       "Battery imported from grid",
	"battery_energy_imported_from_solar":      "Battery imported from solar",
	"battery_energy_imported_from_generator":  "Battery imported from generator",
	"consumer_energy_imported_from_grid":      "Consumer imported from grid",
	"consumer_energy_imported_from_solar":     "Consumer imported from solar",
	"consumer_energy_imported_from_battery":   "Consumer imported from battery",
	"consumer_energy_imported_from_generator": "Consumer imported from generator",
	"total_home_usage":                        "Home usage",
	"total_battery_charge":                    "Battery charged",
	"total_battery_discharge":                 "Battery discharged",
	"total_solar_generation":                  "Solar generated",
	"total_grid_energy_exported":              "Grid exported",
}

// historyIcons follow the integration's icons.json.
var historyIcons = map[string]string{
	"solar_energy_exported":                   "mdi:solar-power-variant",
	"generator_energy_exported":               "mdi:generator-stationary",
	"grid_energy_imported":                    "mdi:transmission-tower-import",
	"grid_services_energy_imported":           "mdi:transmission-tower-import",
	"grid_services_energy_exported":           "mdi:transmission-tower-export",
	"grid_energy_exported_from_solar":         "mdi:solar-power",
	"grid_energy_exported_from_generator":     "mdi:generator-stationary",
	"grid_energy_exported_from_battery":       "mdi:battery-arrow-down",
	"battery_energy_exported":                 "mdi:battery-arrow-down",
	"battery_energy_imported_from_grid":       "mdi:transmission-tower-import",
	"battery_energy_imported_from_solar":      "mdi:solar-power",
	"battery_energy_imported_from_generator":  "mdi:generator-stationary",
	"consumer_energy_imported_from_grid":      "mdi:transmission-tower-import",
	"consumer_energy_imported_from_solar":     "mdi:solar-power",
	"consumer_energy_imported_from_battery":   "mdi:home-battery",
	"consumer_energy_imported_from_generator": "mdi:generator-stationary",
	"total_home_usage":                        "mdi:home-lightning-bolt",
	"total_battery_charge":                    "mdi:battery-arrow-up",
	"total_battery_discharge":                 "mdi:battery-arrow-down",
	"total_solar_generation":                  "mdi:solar-power-variant",
	"total_grid_energy_exported":              "mdi:transmission-tower-export",
}

// energyHistorySensorTable is §4.4: energy in Wh shown in kWh; enabled by
// default only for the totals and grid imported.
var energyHistorySensorTable = func() []sensorDesc {
	out := make([]sensorDesc, len(fleet.EnergyHistoryFields))
	for i, k := range fleet.EnergyHistoryFields {
		out[i] = sensorDesc{meta: meta{key: k, name: historyNames[k], off: !(len(k) >= 5 && k[:5] == "total" || k == "grid_energy_imported"),
			class: dcEnergy, stateClass: scTotal, unit: uWh, suggested: ukWh, icon: historyIcons[k]}, precision: prec(2)}
	}
	return out
}()

// historySensor shows a history total, with the day's first sample as its
// last reset.
type historySensor struct{ sensor }

func (s *historySensor) render(v *view) out {
	o := s.sensor.render(v)
	if t, ok := v.get("_period_start").(time.Time); ok && !o.unavailable {
		o.attrs = append(o.attrs, Attr{"last_reset", isoLocal(t)})
	}
	return o
}

// wallConnectorSensorTable is §4.5.
var wallConnectorSensorTable = []sensorDesc{
	{meta: meta{key: "wall_connector_state", name: "State code", off: true, category: Diagnostic, icon: "mdi:ev-station"}},
	{meta: meta{key: "wall_connector_fault_state", name: "Fault state code", off: true, category: Diagnostic, icon: "mdi:ev-station"}},
	{meta: meta{key: "wall_connector_power", name: "Power", class: dcPower, stateClass: scMeasurement, unit: uW, suggested: ukW, icon: "mdi:ev-station"}, precision: prec(2)},
	{meta: meta{key: "vin", name: "Vehicle", icon: "mdi:car-electric"}},
}

// wallConnectorValue reads a key of one Wall Connector in the live data.
func wallConnectorValue(din, k string) func(v *view) (any, bool) {
	return func(v *view) (any, bool) {
		wcs, _ := v.get("wall_connectors").(map[string]any)
		wc, _ := wcs[din].(map[string]any)
		val, ok := wc[k]
		return val, ok
	}
}

// energyInfoSensorTable is §4.6.
var energyInfoSensorTable = []sensorDesc{
	{meta: meta{key: "vpp_backup_reserve_percent", name: "VPP backup reserve", unit: uPercent, category: Diagnostic}},
	{meta: meta{key: "version", name: "Version"}},
}

func siteSensors(s *setup) []*Entity {
	var out []*Entity
	for i := range energyLiveSensorTable {
		d := &energyLiveSensorTable[i]
		if _, present := s.live.data.lookup(d.key); !present && d.key != "percentage_charged" {
			continue
		}
		out = append(out, s.newEntity(s.live, Sensor, &d.meta, newSensor(d)))
	}
	if s.hasBattery() || s.hasSolar() {
		for i := range energyHistorySensorTable {
			d := &energyHistorySensorTable[i]
			out = append(out, s.newEntity(s.history, Sensor, &d.meta, &historySensor{*newSensor(d)}))
		}
	}
	for _, wc := range s.wcs {
		for i := range wallConnectorSensorTable {
			d := &wallConnectorSensorTable[i]
			m := d.meta
			m.uid = wc.din + "-" + d.key
			e := s.newEntity(s.live, Sensor, &m, &sensor{d: d, read: wallConnectorValue(wc.din, d.key),
				available: func(v *view) bool {
					// The integration means "unavailable when the value is
					// null" but reads the wrong dictionary; we read the
					// Wall Connector's own.
					val, ok := wallConnectorValue(wc.din, d.key)(v)
					return !ok || val != nil
				}})
			e.Device = wc.dev
			out = append(out, e)
		}
	}
	for i := range energyInfoSensorTable {
		d := &energyInfoSensorTable[i]
		if _, present := s.info.data.lookup(d.key); !present {
			continue
		}
		out = append(out, s.newEntity(s.info, Sensor, &d.meta, &sensor{d: d, read: key(d.key),
			available: func(v *view) bool { return !v.isNone(d.key) }}))
	}
	return out
}
