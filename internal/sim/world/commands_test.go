package world

import (
	"errors"
	"testing"
	"time"
)

func TestCommands(t *testing.T) {
	tests := []struct {
		name    string
		vin     string
		cmd     string
		params  map[string]any
		want    CommandResult
		wantErr error
		check   func(t *testing.T, d map[string]any)
	}{
		{name: "unlock", vin: DemoModelS, cmd: "door_unlock", want: CommandResult{Result: true},
			check: field("vehicle_state", "locked", false)},
		{name: "lock", vin: DemoModelS, cmd: "door_lock", want: CommandResult{Result: true},
			check: field("vehicle_state", "locked", true)},
		{name: "limit too low", vin: DemoModelS, cmd: "set_charge_limit", params: map[string]any{"percent": 49}, wantErr: ErrInvalidParam},
		{name: "limit too high", vin: DemoModelS, cmd: "set_charge_limit", params: map[string]any{"percent": 101.0}, wantErr: ErrInvalidParam},
		{name: "limit bad type", vin: DemoModelS, cmd: "set_charge_limit", params: map[string]any{"percent": true}, wantErr: ErrInvalidParam},
		{name: "limit missing", vin: DemoModelS, cmd: "set_charge_limit", wantErr: ErrInvalidParam},
		{name: "limit same", vin: DemoModelS, cmd: "set_charge_limit", params: map[string]any{"percent": 90}, want: CommandResult{Reason: "already_set"}},
		{name: "limit", vin: DemoModelS, cmd: "set_charge_limit", params: map[string]any{"percent": 85}, want: CommandResult{Result: true},
			check: field("charge_state", "charge_limit_soc", 85.0)},
		{name: "start unplugged", vin: DemoModelS, cmd: "charge_start", want: CommandResult{Reason: "disconnected"}},
		{name: "stop not charging", vin: DemoModelS, cmd: "charge_stop", want: CommandResult{Reason: "not_charging"}},
		{name: "start charging", vin: DemoModel3, cmd: "charge_start", want: CommandResult{Reason: "is_charging"}},
		{name: "unknown", vin: DemoModelS, cmd: "launch_rocket", wantErr: ErrInvalidCommand},
		{name: "unknown vin", vin: "5YJ3E1EB8RF999999", cmd: "door_lock", wantErr: ErrNotFound},
		{name: "frunk", vin: DemoModelS, cmd: "actuate_trunk", params: map[string]any{"which_trunk": "front"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "ft", 1.0)},
		{name: "trunk", vin: DemoModelS, cmd: "actuate_trunk", params: map[string]any{"which_trunk": "rear"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "rt", 1.0)},
		{name: "trunk toggles", vin: DemoModelS, cmd: "actuate_trunk", params: map[string]any{"which_trunk": "rear"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "rt", 0.0)},
		{name: "trunk bad", vin: DemoModelS, cmd: "actuate_trunk", params: map[string]any{"which_trunk": "side"}, wantErr: ErrInvalidParam},
		{name: "temps clamp", vin: DemoModelS, cmd: "set_temps", params: map[string]any{"driver_temp": 35, "passenger_temp": 10}, want: CommandResult{Result: true},
			check: func(t *testing.T, d map[string]any) {
				field("climate_state", "driver_temp_setting", 28.0)(t, d)
				field("climate_state", "passenger_temp_setting", 15.0)(t, d)
			}},
		{name: "climate on", vin: DemoModelS, cmd: "auto_conditioning_start", want: CommandResult{Result: true},
			check: field("climate_state", "is_climate_on", true)},
		{name: "keeper dog", vin: DemoModelS, cmd: "set_climate_keeper_mode", params: map[string]any{"climate_keeper_mode": 2}, want: CommandResult{Result: true},
			check: field("climate_state", "climate_keeper_mode", "dog")},
		{name: "keeper bad", vin: DemoModelS, cmd: "set_climate_keeper_mode", params: map[string]any{"climate_keeper_mode": 4}, wantErr: ErrInvalidParam},
		{name: "climate off", vin: DemoModelS, cmd: "auto_conditioning_stop", want: CommandResult{Result: true},
			check: field("climate_state", "climate_keeper_mode", "off")},
		{name: "seat heater", vin: DemoModelS, cmd: "remote_seat_heater_request", params: map[string]any{"heater": 1, "level": 3}, want: CommandResult{Result: true},
			check: field("climate_state", "seat_heater_right", 3.0)},
		{name: "seat heater position", vin: DemoModelS, cmd: "remote_seat_heater_request", params: map[string]any{"seat_position": 4, "level": 2}, want: CommandResult{Result: true},
			check: field("climate_state", "seat_heater_rear_center", 2.0)},
		{name: "third row missing", vin: DemoModelS, cmd: "remote_seat_heater_request", params: map[string]any{"seat_position": 7, "level": 2}, want: CommandResult{Reason: "not_supported"}},
		{name: "cop", vin: DemoModelS, cmd: "set_cabin_overheat_protection", params: map[string]any{"on": true, "fan_only": false}, want: CommandResult{Result: true},
			check: field("climate_state", "cabin_overheat_protection", "On")},
		{name: "cop temp", vin: DemoModelS, cmd: "set_cop_temp", params: map[string]any{"cop_temp": 0}, want: CommandResult{Result: true},
			check: field("climate_state", "cop_activation_temperature", "Low")},
		{name: "defrost", vin: DemoModelS, cmd: "set_preconditioning_max", params: map[string]any{"on": true, "manual_override": false}, want: CommandResult{Result: true},
			check: field("climate_state", "defrost_mode", 2.0)},
		{name: "wheel level", vin: DemoModelS, cmd: "remote_steering_wheel_heat_level_request", params: map[string]any{"level": 3}, want: CommandResult{Result: true},
			check: field("climate_state", "steering_wheel_heat_level", 3.0)},
		{name: "auto seat", vin: DemoModelS, cmd: "remote_auto_seat_climate_request", params: map[string]any{"auto_seat_position": 2, "auto_climate_on": true}, want: CommandResult{Result: true},
			check: field("climate_state", "auto_seat_climate_right", true)},
		{name: "sentry bad", vin: DemoModelS, cmd: "set_sentry_mode", params: map[string]any{"on": "maybe"}, wantErr: ErrInvalidParam},
		{name: "sentry", vin: DemoModelS, cmd: "set_sentry_mode", params: map[string]any{"on": true}, want: CommandResult{Result: true},
			check: field("vehicle_state", "sentry_mode", true)},
		{name: "windows", vin: DemoModelS, cmd: "window_control", params: map[string]any{"command": "vent", "lat": 0, "lon": 0}, want: CommandResult{Result: true},
			check: field("vehicle_state", "rp_window", 1.0)},
		{name: "sunroof", vin: DemoModelS, cmd: "sun_roof_control", params: map[string]any{"state": "vent"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "sun_roof_state", "vent")},
		{name: "sunroof percent", vin: DemoModelS, cmd: "sun_roof_control", params: map[string]any{"state": "vent"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "sun_roof_percent_open", 15.0)},
		{name: "sunroof model 3", vin: DemoModel3, cmd: "sun_roof_control", params: map[string]any{"state": "vent"}, want: CommandResult{Reason: "not_supported"}},
		{name: "volume", vin: DemoModelS, cmd: "adjust_volume", params: map[string]any{"volume": 5}, want: CommandResult{Result: true},
			check: field("vehicle_state", "media_info", nil)},
		{name: "volume bad", vin: DemoModelS, cmd: "adjust_volume", params: map[string]any{"volume": 12}, wantErr: ErrInvalidParam},
		{name: "play", vin: DemoModelS, cmd: "media_toggle_playback", want: CommandResult{Result: true}},
		{name: "homelink", vin: DemoModelS, cmd: "trigger_homelink", params: map[string]any{"lat": 34.1, "lon": -118.1}, want: CommandResult{Result: true}},
		{name: "homelink no location", vin: DemoModelS, cmd: "trigger_homelink", wantErr: ErrInvalidParam},
		{name: "amps clamp", vin: DemoModel3, cmd: "set_charging_amps", params: map[string]any{"charging_amps": 80}, want: CommandResult{Result: true},
			check: field("charge_state", "charge_current_request", 48.0)},
		{name: "rename", vin: DemoModelS, cmd: "set_vehicle_name", params: map[string]any{"vehicle_name": "Nova"}, want: CommandResult{Result: true},
			check: field("vehicle_state", "vehicle_name", "Nova")},
		{name: "update", vin: DemoModelS, cmd: "schedule_software_update", params: map[string]any{"offset_sec": 120}, want: CommandResult{Result: true}},
		{name: "cancel update", vin: DemoModelS, cmd: "cancel_software_update", want: CommandResult{Result: true}},
		{name: "port close plugged", vin: DemoModel3, cmd: "charge_port_door_close", want: CommandResult{Reason: "cable connected"}},
		{name: "max range", vin: DemoModelS, cmd: "charge_max_range", want: CommandResult{Result: true},
			check: field("charge_state", "charge_limit_soc", 100.0)},
		{name: "standard", vin: DemoModelS, cmd: "charge_standard", want: CommandResult{Result: true},
			check: field("charge_state", "charge_limit_soc", 90.0)},
		{name: "standard again", vin: DemoModelS, cmd: "charge_standard", want: CommandResult{Reason: "already_set"}},
		{name: "scheduled charging", vin: DemoModelS, cmd: "set_scheduled_charging", params: map[string]any{"enable": true, "time": 120}, want: CommandResult{Result: true},
			check: field("charge_state", "scheduled_charging_mode", "StartAt")},
		{name: "add schedule", vin: DemoModel3, cmd: "add_charge_schedule", params: map[string]any{"days_of_week": "Weekdays", "enabled": true, "lat": 34.1, "lon": -118.1, "start_enabled": true, "start_time": 60}, want: CommandResult{Result: true}},
		{name: "guest", vin: DemoModelS, cmd: "guest_mode", params: map[string]any{"enable": true}, want: CommandResult{Result: true}},
	}
	w, acct := demo(t, 5)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := w.Command(tc.vin, tc.cmd, tc.params)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
			if tc.check != nil {
				tc.check(t, mustData(t, w, acct, tc.vin, DataQuery{Endpoints: vehicleSections}))
			}
		})
	}
}

// field checks d[section][key] == want (nil want: only presence).
func field(section, key string, want any) func(t *testing.T, d map[string]any) {
	return func(t *testing.T, d map[string]any) {
		t.Helper()
		got, ok := sec(t, jsonRound(t, d).(map[string]any), section)[key]
		if !ok {
			t.Fatalf("%s.%s missing", section, key)
		}
		if want != nil && got != want {
			t.Fatalf("%s.%s = %v, want %v", section, key, got, want)
		}
	}
}

func TestChargingRisesAndCompletesAtLimit(t *testing.T) {
	w, acct := demo(t, 9)
	level := func() float64 {
		return num(sec(t, mustData(t, w, acct, DemoModel3, DataQuery{}), "charge_state"), "battery_level", -1)
	}
	start := level()
	w.Advance(30 * time.Minute)
	cs := sec(t, mustData(t, w, acct, DemoModel3, DataQuery{}), "charge_state")
	if cs["charging_state"] != "Charging" || num(cs, "battery_level", 0) <= start {
		t.Fatalf("after 30 min: %v at %v (start %v)", cs["charging_state"], cs["battery_level"], start)
	}
	if num(cs, "charge_energy_added", 0) <= 0 || num(cs, "charger_power", 0) <= 0 || num(cs, "time_to_full_charge", 0) <= 0 {
		t.Fatalf("charge fields not updated: %v", cs)
	}
	for i := 0; i < 12*6 && cs["charging_state"] == "Charging"; i++ {
		w.Advance(5 * time.Minute)
		cs = sec(t, mustData(t, w, acct, DemoModel3, DataQuery{}), "charge_state")
	}
	if cs["charging_state"] != "Complete" || num(cs, "battery_level", 0) != 80 || num(cs, "charger_power", -1) != 0 {
		t.Fatalf("end: %v at %v, %v kW", cs["charging_state"], cs["battery_level"], cs["charger_power"])
	}
	if r, _ := w.Command(DemoModel3, "charge_start", nil); r.Reason != "complete" {
		t.Fatalf("charge_start at limit = %+v", r)
	}
	// raising the limit resumes charging; unplugging disconnects
	if r, err := w.Command(DemoModel3, "set_charge_limit", map[string]any{"percent": 90}); err != nil || !r.Result {
		t.Fatal(r, err)
	}
	w.Advance(time.Minute)
	if cs := sec(t, mustData(t, w, acct, DemoModel3, DataQuery{}), "charge_state"); cs["charging_state"] != "Charging" {
		t.Fatalf("after raising the limit: %v", cs["charging_state"])
	}
	out := false
	if err := w.SetVehicle(DemoModel3, VehiclePatch{PluggedIn: &out}); err != nil {
		t.Fatal(err)
	}
	cs = sec(t, mustData(t, w, acct, DemoModel3, DataQuery{}), "charge_state")
	if cs["charging_state"] != "Disconnected" {
		t.Fatalf("unplugged: %v", cs["charging_state"])
	}
	if r, _ := w.Command(DemoModel3, "charge_start", nil); r.Reason != "disconnected" {
		t.Fatalf("charge_start unplugged = %+v", r)
	}
}

func TestDriveMovesTheCar(t *testing.T) {
	w, acct := demo(t, 2)
	before := sec(t, mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"drive_state", "vehicle_state", "charge_state", "location_data"}, Location: true}), "vehicle_state")
	on, speed := true, 60.0
	if err := w.SetVehicle(DemoModelS, VehiclePatch{Driving: &on, Speed: &speed}); err != nil {
		t.Fatal(err)
	}
	w.Advance(30 * time.Minute)
	d := mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"drive_state", "vehicle_state", "charge_state", "location_data"}, Location: true})
	ds, vs := sec(t, d, "drive_state"), sec(t, d, "vehicle_state")
	if ds["shift_state"] != "D" || num(ds, "speed", 0) != 60 || num(ds, "power", 0) <= 0 {
		t.Fatalf("drive_state = %v", ds)
	}
	if miles := num(vs, "odometer", 0) - num(before, "odometer", 0); miles < 29 || miles > 31 {
		t.Fatalf("drove %v miles in 30 min at 60 mph", miles)
	}
	if num(sec(t, d, "charge_state"), "battery_level", 100) >= 71 {
		t.Fatal("battery did not drain while driving")
	}
	off := false
	if err := w.SetVehicle(DemoModelS, VehiclePatch{Driving: &off}); err != nil {
		t.Fatal(err)
	}
	ds = sec(t, mustData(t, w, acct, DemoModelS, DataQuery{Endpoints: []string{"drive_state"}}), "drive_state")
	if ds["shift_state"] != "P" || ds["speed"] != nil {
		t.Fatalf("parked drive_state = %v", ds)
	}
	if _, ok := ds["latitude"]; ok {
		t.Fatal("location without location_data")
	}
}

// TestVocabulary: every REST command the integration, the Python library or
// the signed-command mapping sends is known (never ErrInvalidCommand).
func TestVocabulary(t *testing.T) {
	names := []string{
		"actuate_trunk", "add_charge_schedule", "add_precondition_schedule", "adjust_volume",
		"auto_conditioning_start", "auto_conditioning_stop", "batch_remove_charge_schedules",
		"batch_remove_precondition_schedules", "cancel_software_update", "charge_max_range",
		"charge_port_door_close", "charge_port_door_open", "charge_standard", "charge_start",
		"charge_stop", "clear_pin_to_drive_admin", "close_tonneau", "door_lock", "door_unlock",
		"erase_user_data", "flash_lights", "guest_mode", "honk_horn", "keep_accessory_power_mode",
		"media_next_fav", "media_next_track", "media_prev_fav", "media_prev_track",
		"media_toggle_playback", "media_volume_down", "media_volume_up", "navigation_gps_request",
		"navigation_request", "navigation_sc_request", "navigation_waypoints_request", "open_tonneau",
		"remote_auto_seat_climate_request", "remote_auto_steering_wheel_heat_climate_request",
		"remote_boombox", "remote_seat_cooler_request", "remote_seat_heater_request",
		"remote_start_drive", "remote_steering_wheel_heat_level_request",
		"remote_steering_wheel_heater_request", "remove_charge_schedule", "remove_precondition_schedule",
		"reset_pin_to_drive_pin", "reset_valet_pin", "schedule_software_update", "set_bioweapon_mode",
		"set_cabin_overheat_protection", "set_charge_limit", "set_charging_amps",
		"set_climate_keeper_mode", "set_cop_temp", "set_low_power_mode", "set_pin_to_drive",
		"set_preconditioning_max", "set_scheduled_charging", "set_scheduled_departure",
		"set_sentry_mode", "set_temps", "set_valet_mode", "set_vehicle_name", "speed_limit_activate",
		"speed_limit_clear_pin", "speed_limit_clear_pin_admin", "speed_limit_deactivate",
		"speed_limit_set_limit", "stop_tonneau", "sun_roof_control", "trigger_homelink",
		"upcoming_calendar_entries", "window_control",
	}
	w, _ := demo(t, 1)
	for _, n := range names {
		if _, err := w.Command(DemoModelS, n, map[string]any{}); errors.Is(err, ErrInvalidCommand) {
			t.Errorf("%s is not a known command", n)
		}
	}
}

func TestSpeedLimitAndSchedules(t *testing.T) {
	w, acct := demo(t, 1)
	steps := []struct {
		cmd    string
		params map[string]any
		want   CommandResult
		err    error
	}{
		{"speed_limit_set_limit", map[string]any{"limit_mph": 65.0}, CommandResult{Result: true}, nil},
		{"speed_limit_set_limit", map[string]any{"limit_mph": 20}, CommandResult{}, ErrInvalidParam},
		{"speed_limit_activate", map[string]any{"pin": "1234"}, CommandResult{Result: true}, nil},
		{"speed_limit_deactivate", map[string]any{"pin": "9999"}, CommandResult{Reason: "incorrect pin"}, nil},
		{"speed_limit_deactivate", map[string]any{"pin": "1234"}, CommandResult{Result: true}, nil},
		{"speed_limit_activate", map[string]any{"pin": 1234}, CommandResult{}, ErrInvalidParam},
		{"add_charge_schedule", map[string]any{"id": 0.0, "days_of_week": "Monday,Friday", "enabled": true, "lat": 34.0, "lon": -118.0, "start_enabled": true, "start_time": 90.0}, CommandResult{Result: true}, nil},
		{"remove_charge_schedule", map[string]any{"id": 1717200000}, CommandResult{Result: true}, nil},
		{"remove_charge_schedule", map[string]any{"id": 1717200000}, CommandResult{Reason: "not_found"}, nil},
		{"open_tonneau", nil, CommandResult{Reason: "not_supported"}, nil},
	}
	for _, s := range steps {
		got, err := w.Command(DemoModel3, s.cmd, s.params)
		if s.err != nil {
			if !errors.Is(err, s.err) {
				t.Fatalf("%s %v: err = %v", s.cmd, s.params, err)
			}
			continue
		}
		if err != nil || got != s.want {
			t.Fatalf("%s %v = %+v, %v; want %+v", s.cmd, s.params, got, err, s.want)
		}
	}
	d := jsonRound(t, mustData(t, w, acct, DemoModel3, DataQuery{Endpoints: []string{"vehicle_state", "charge_schedule_data"}})).(map[string]any)
	sl := sec(t, sec(t, d, "vehicle_state"), "speed_limit_mode")
	if sl["current_limit_mph"] != 65.0 || sl["active"] != false || sl["pin_code_set"] != true {
		t.Errorf("speed_limit_mode = %v", sl)
	}
	list := sec(t, d, "charge_schedule_data")["charge_schedules"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["days_of_week"] != 34.0 || list[0].(map[string]any)["start_time"] != 90.0 {
		t.Errorf("charge_schedules = %v", list)
	}
}
