package entity

import (
	"testing"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Each expectation below is derived by hand from the integration's rules
// (ha-tesla-fleet §4) applied to Home Assistant's fixtures, with Home
// Assistant's unit converters ((v / ratio[from]) * ratio[to]) for the
// converted values; none was copied from this package's output.
func TestStatesFromFixtures(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	cases := []struct {
		id, state string
	}{
		// vehicle_data.json: charge_state.battery_level 77.
		{"sensor.test_battery_level", "77"},
		// battery_range 266.87 mi, suggested precision set: the converted
		// float as Python prints it, (266.87/(1/1609.344))*(1/1000).
		{"sensor.test_battery_range", "429.48563328000006"},
		// odometer 6481.019282 mi → km.
		{"sensor.test_odometer", "10430.189495371009"},
		// tpms_pressure_fl 2.775 bar → psi, (2.775/(1/100000))*(1/6894.757).
		{"sensor.test_tire_pressure_front_left", "40.247973931496055"},
		// charging_state "Stopped" → the lower-cased option.
		{"sensor.test_charging", "stopped"},
		// shift_state null → "p" (quirk copied), speed null → 0.
		{"sensor.test_shift_state", "p"},
		{"sensor.test_speed", "0"},
		// vehicle_state.locked false; charge_port_latch "Engaged".
		{"lock.test_lock", "unlocked"},
		{"lock.test_charge_cable_lock", "locked"},
		// is_climate_on true → heat_cool; COP "On" → cool.
		{"climate.test_climate", "heat_cool"},
		{"climate.test_cabin_overheat_protection", "cool"},
		// charge_port_door_open true; ft 0, rt 0; sun_roof_state "open";
		// all four windows 0.
		{"cover.test_charge_port_door", "open"},
		{"cover.test_frunk", "closed"},
		{"cover.test_trunk", "closed"},
		{"cover.test_sunroof", "open"},
		{"cover.test_windows", "closed"},
		// seat_heater_left 0; third_row_seats "None" → unavailable.
		{"select.test_seat_heater_front_left", "off"},
		{"select.test_seat_heater_rear_left", "off"},
		{"select.test_seat_heater_third_row_left", "unavailable"},
		{"select.test_steering_wheel_heater", "off"},
		// sentry_mode false; auto_seat_climate_left true; defrost_mode 0;
		// charging_state "Stopped" → the Charge switch is off.
		{"switch.test_sentry_mode", "off"},
		{"switch.test_auto_seat_climate_left", "on"},
		{"switch.test_defrost", "off"},
		{"switch.test_charge", "off"},
		// charge_limit_soc 80, charge_current_request 16.
		{"number.test_charge_limit", "80"},
		{"number.test_charge_current", "16"},
		// media_playback_status "Playing".
		{"media_player.test_media_player", "playing"},
		// software_update.status "available", version 2024.12.0.0 differs
		// from car_version's first word 2023.44.30.8.
		{"update.test_update", "on"},
		// No home zone configured: a located tracker is not_home.
		{"device_tracker.test_location", "not_home"},
		{"binary_sensor.test_status", "on"},
		{"binary_sensor.test_user_present", "off"},
		// live_status.json: solar_power 1185 W → kW (precision set): 1.185.
		{"sensor.energy_site_solar_power", "1.185"},
		{"sensor.energy_site_grid_power", "0.0"},
		{"sensor.energy_site_energy_left", "38.89647368421053"},
		{"sensor.energy_site_percentage_charged", "95.50537403739663"},
		{"binary_sensor.energy_site_backup_capable", "on"},
		{"binary_sensor.energy_site_grid_services_active", "off"},
		// site_info.json: disallow_charge_from_grid_with_solar_installed
		// true → "Allow charging from grid" off; storm mode enabled.
		{"switch.energy_site_allow_charging_from_grid", "off"},
		{"switch.energy_site_storm_watch", "on"},
		{"select.energy_site_operation_mode", "self_consumption"},
		{"select.energy_site_allow_export", "pv_only"},
		{"number.energy_site_backup_reserve", "0"},
		// Wall Connectors: two devices named "Wall Connector".
		{"sensor.wall_connector_power", "0.0"},
		{"sensor.wall_connector_power_2", "0.0"},
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			if got := h.state(t, c.id).State; got != c.state {
				t.Errorf("%s = %q, want %q", c.id, got, c.state)
			}
		})
	}
}

// Attributes Home Assistant's entities carry, derived from the fixture.
func TestAttributesFromFixtures(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	cases := []struct {
		id, attr string
		want     string // JSON
	}{
		{"climate.test_climate", "temperature", "22.0"},         // driver_temp_setting 22, halves
		{"climate.test_climate", "current_temperature", "30.0"}, // inside_temp 29.8 → round(59.6)/2
		{"climate.test_climate", "preset_mode", `"keep"`},
		{"climate.test_climate", "supported_features", "401"}, // TURN_ON|TURN_OFF|TARGET_TEMPERATURE|PRESET_MODE
		{"climate.test_climate", "min_temp", "15.0"},
		{"climate.test_cabin_overheat_protection", "temperature", "40"}, // "High"
		{"climate.test_cabin_overheat_protection", "supported_features", "385"},
		{"media_player.test_media_player", "volume_level", "0.16129355359011466"}, // 1.6667 / 10.333333
		{"media_player.test_media_player", "media_duration", "651.0"},
		{"media_player.test_media_player", "supported_features", "16437"},
		{"media_player.test_media_player", "device_class", `"speaker"`},
		{"update.test_update", "installed_version", `"2023.44.30.8"`},
		{"update.test_update", "latest_version", `"2024.12.0.0"`},
		{"update.test_update", "supported_features", "5"},
		{"update.test_update", "entity_picture", `"https://brands.home-assistant.io/_/tesla_fleet/icon.png"`},
		{"device_tracker.test_location", "latitude", "-30.222626"},
		{"device_tracker.test_location", "source_type", `"gps"`},
		{"number.test_charge_current", "max", "16"}, // charge_current_request_max
		{"number.energy_site_backup_reserve", "icon", `"mdi:battery-alert"`},
		{"sensor.test_battery_range", "unit_of_measurement", `"km"`},
		{"sensor.test_tire_pressure_front_left", "unit_of_measurement", `"psi"`},
		{"sensor.energy_site_solar_power", "unit_of_measurement", `"kW"`},
		{"lock.test_lock", "friendly_name", `"Test Lock"`},
		{"cover.test_sunroof", "current_position", "null"},
	}
	for _, c := range cases {
		t.Run(c.id+"."+c.attr, func(t *testing.T) {
			s := h.state(t, c.id)
			v, ok := s.Attributes.Get(c.attr)
			if !ok {
				if c.want == "null" {
					return
				}
				t.Fatalf("%s has no attribute %s: %v", c.id, c.attr, s.Attributes)
			}
			if got := mustJSON(t, v); got != c.want {
				t.Errorf("%s.%s = %s, want %s", c.id, c.attr, got, c.want)
			}
		})
	}
}

// Refreshed with vehicle_data_alt.json, the states change as the
// integration's do (each derived by hand from the alt fixture).
func TestStatesAfterAltRefresh(t *testing.T) {
	h := newHASetup(t, Options{AllEnabled: true}, allScopes)
	var alt fleet.VehicleData
	fixture(t, "vehicle_data_alt.json", &alt)
	h.reg.UpdateVehicle(h.vin, "online", &alt, nil)
	cases := []struct{ id, state string }{
		{"climate.test_climate", "off"},             // is_climate_on false
		{"media_player.test_media_player", "idle"},  // media_playback_status "Stopped"
		{"update.test_update", "off"},               // status "" → latest = installed
		{"cover.test_sunroof", "unknown"},           // sun_roof_state null
		{"cover.test_frunk", "open"},                // ft 1
		{"cover.test_trunk", "open"},                // rt 1
		{"cover.test_windows", "open"},              // fd_window 1
		{"binary_sensor.test_battery_heater", "on"}, // battery_heater_on true
		{"binary_sensor.test_user_present", "on"},   // is_user_present true
		{"sensor.test_destination", "unknown"},      // active_route_destination missing
		{"sensor.test_battery_level", "77"},         // unchanged
	}
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			if got := h.state(t, c.id).State; got != c.state {
				t.Errorf("%s = %q, want %q", c.id, got, c.state)
			}
		})
	}
}
