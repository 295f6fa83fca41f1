package app

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"testing/synctest"

	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// Every service on every controllable entity reaches the simulated car or
// site (ha-tesla-fleet §4.8–4.13): the effect is read back from the
// simulator, not from our own state.
func TestEveryServiceReachesTheSimulator(t *testing.T) {
	cases := []struct {
		domain, service, entity string
		data                    map[string]any
		site                    bool
		unplug                  bool // the car's cable unplugged first
		path                    []string
		want                    string // fmt %v of the value afterwards
	}{
		{"switch", "turn_on", "switch.test_sentry_mode", nil, false, false, []string{"vehicle_state", "sentry_mode"}, "true"},
		{"switch", "turn_off", "switch.test_auto_seat_climate_left", nil, false, false, []string{"climate_state", "auto_seat_climate_left"}, "false"},
		{"switch", "turn_on", "switch.test_auto_seat_climate_right", nil, false, false, []string{"climate_state", "auto_seat_climate_right"}, "true"},
		{"switch", "turn_on", "switch.test_auto_steering_wheel_heater", nil, false, false, []string{"climate_state", "auto_steering_wheel_heat"}, "true"},
		{"switch", "turn_on", "switch.test_defrost", nil, false, false, []string{"climate_state", "is_front_defroster_on"}, "true"},
		{"switch", "turn_on", "switch.test_charge", nil, false, false, []string{"charge_state", "charging_state"}, "Charging"},
		{"lock", "lock", "lock.test_lock", nil, false, false, []string{"vehicle_state", "locked"}, "true"},
		{"lock", "unlock", "lock.test_charge_cable_lock", nil, false, false, []string{"charge_state", "charge_port_latch"}, "Disengaged"},
		{"cover", "open_cover", "cover.test_windows", nil, false, false, []string{"vehicle_state", "fd_window"}, "1"},
		{"cover", "open_cover", "cover.test_charge_port_door", nil, false, true, []string{"charge_state", "charge_port_door_open"}, "true"},
		{"cover", "open_cover", "cover.test_frunk", nil, false, false, []string{"vehicle_state", "ft"}, "1"},
		{"cover", "open_cover", "cover.test_trunk", nil, false, false, []string{"vehicle_state", "rt"}, "1"},
		{"cover", "close_cover", "cover.test_sunroof", nil, false, false, []string{"vehicle_state", "sun_roof_state"}, "closed"},
		{"climate", "turn_off", "climate.test_climate", nil, false, false, []string{"climate_state", "is_climate_on"}, "false"},
		{"climate", "set_temperature", "climate.test_climate", map[string]any{"temperature": 20.5}, false, false, []string{"climate_state", "driver_temp_setting"}, "20.5"},
		{"climate", "set_preset_mode", "climate.test_climate", map[string]any{"preset_mode": "dog"}, false, false, []string{"climate_state", "climate_keeper_mode"}, "dog"},
		{"climate", "set_hvac_mode", "climate.test_cabin_overheat_protection", map[string]any{"hvac_mode": "fan_only"}, false, false, []string{"climate_state", "cabin_overheat_protection"}, "FanOnly"},
		{"climate", "set_temperature", "climate.test_cabin_overheat_protection", map[string]any{"temperature": 30.0}, false, false, []string{"climate_state", "cop_activation_temperature"}, "Low"},
		{"number", "set_value", "number.test_charge_limit", map[string]any{"value": 90.0}, false, false, []string{"charge_state", "charge_limit_soc"}, "90"},
		{"number", "set_value", "number.test_charge_current", map[string]any{"value": 10.0}, false, false, []string{"charge_state", "charge_current_request"}, "10"},
		{"select", "select_option", "select.test_seat_heater_front_left", map[string]any{"option": "high"}, false, false, []string{"climate_state", "seat_heater_left"}, "3"},
		{"select", "select_option", "select.test_seat_heater_rear_center", map[string]any{"option": "low"}, false, false, []string{"climate_state", "seat_heater_rear_center"}, "1"},
		{"select", "select_option", "select.test_steering_wheel_heater", map[string]any{"option": "high"}, false, false, []string{"climate_state", "steering_wheel_heater"}, "true"},
		{"media_player", "media_pause", "media_player.test_media_player", nil, false, false, []string{"vehicle_state", "media_info", "media_playback_status"}, "Paused"},
		{"media_player", "volume_set", "media_player.test_media_player", map[string]any{"volume_level": 0.5}, false, false, []string{"vehicle_state", "media_info", "audio_volume"}, "5"},
		{"update", "install", "update.test_update", nil, false, false, []string{"vehicle_state", "software_update", "status"}, "scheduled"},
		{"select", "select_option", "select.energy_site_operation_mode", map[string]any{"option": "backup"}, true, false, []string{"default_real_mode"}, "backup"},
		{"select", "select_option", "select.energy_site_allow_export", map[string]any{"option": "battery_ok"}, true, false, []string{"components", "customer_preferred_export_rule"}, "battery_ok"},
		{"switch", "turn_on", "switch.energy_site_allow_charging_from_grid", nil, true, false, []string{"components", "disallow_charge_from_grid_with_solar_installed"}, "false"},
		{"switch", "turn_off", "switch.energy_site_storm_watch", nil, true, false, []string{"user_settings", "storm_mode_enabled"}, "false"},
		{"number", "set_value", "number.energy_site_backup_reserve", map[string]any{"value": 40.0}, true, false, []string{"backup_reserve_percent"}, "40"},
		{"number", "set_value", "number.energy_site_off_grid_reserve", map[string]any{"value": 30.0}, true, false, []string{"off_grid_vehicle_charging_reserve_percent"}, "30"},
	}
	for _, c := range cases {
		t.Run(c.entity+"/"+c.service, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var mutate func(*sim.Cloud)
				if c.unplug {
					mutate = func(cl *sim.Cloud) {
						vin := cl.World().AllVINs()[0]
						if err := cl.World().SetVehicle(vin, world.VehiclePatch{PluggedIn: new(false)}); err != nil {
							t.Fatal(err)
						}
					}
				}
				s := newSimApp(t, allScopes, mutate)
				before := maps.Clone(s.billed())
				if _, err := s.Registry().Call(context.Background(), c.domain, c.service, []string{c.entity}, c.data); err != nil {
					t.Fatal(err)
				}
				var got any
				if c.site {
					got = path(s.site(t), c.path...)
				} else {
					got = path(s.vehicle(t), c.path...)
				}
				if fmt.Sprint(got) != c.want {
					t.Errorf("%v = %v, want %s", c.path, got, c.want)
				}
				// Tesla bills vehicle commands; energy commands are free.
				category := "commands"
				if c.site {
					category = "free"
				}
				if after := s.billed()[category]; after <= before[category] {
					t.Errorf("no %s request billed: before %v, after %v", category, before, s.billed())
				}
			})
		})
	}
}

// Buttons: the effect of a horn or a flash is the billed command itself.
func TestButtonsSendTheirCommand(t *testing.T) {
	for id, wantErr := range map[string]string{
		"button.test_flash_lights": "", "button.test_honk_horn": "", "button.test_keyless_driving": "", "button.test_play_fart": "",
		// The fixture car has no HomeLink device: the car refuses, and says why.
		"button.test_homelink": "Command was unsuccessful: not_supported",
	} {
		t.Run(id, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newSimApp(t, allScopes, nil)
				before := s.billed()["commands"]
				_, err := s.Registry().Call(context.Background(), "button", "press", []string{id}, nil)
				if got := fmt.Sprint(err); (err != nil || wantErr != "") && got != wantErr {
					t.Fatalf("err %v, want %q", err, wantErr)
				}
				if got := s.billed()["commands"]; got != before+1 {
					t.Errorf("commands billed %d → %d, want one", before, got)
				}
			})
		})
	}
}

// Refused input, a missing scope and a read-only entity cost nothing: no
// Fleet API call reaches the simulator.
func TestRefusedCallsReachNothing(t *testing.T) {
	readonly := []string{"openid", "offline_access", "vehicle_device_data", "energy_device_data"}
	cases := []struct {
		name                    string
		scopes                  []string
		domain, service, entity string
		data                    map[string]any
	}{
		{"out of range", allScopes, "number", "set_value", "number.test_charge_limit", map[string]any{"value": 101.0}},
		{"unknown option", allScopes, "select", "select_option", "select.energy_site_operation_mode", map[string]any{"option": "party"}},
		{"missing scope", readonly, "switch", "turn_on", "switch.test_sentry_mode", nil},
		{"missing energy scope", readonly, "number", "set_value", "number.energy_site_backup_reserve", map[string]any{"value": 50.0}},
		{"read-only entity", allScopes, "switch", "turn_on", "sensor.test_battery_level", nil},
		{"unknown service", allScopes, "switch", "launch", "switch.test_sentry_mode", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newSimApp(t, c.scopes, nil)
				before := maps.Clone(s.billed())
				if _, err := s.Registry().Call(context.Background(), c.domain, c.service, []string{c.entity}, c.data); err == nil {
					t.Fatal("the call was accepted")
				}
				if after := s.billed(); !maps.Equal(before, after) {
					t.Errorf("billed %v → %v: a refused call reached the simulator", before, after)
				}
			})
		})
	}
}
