package command

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestValidationRefusesBeforeSending(t *testing.T) {
	for _, cmd := range []Command{
		SetChargeLimit(49), SetChargeLimit(101),
		SetChargingAmps(-1), SetChargingAmps(81),
		SetTemps(14, 20), SetTemps(20, 29), SetTemps(math.NaN(), 20),
		SetCOPTemp(33),
		SetSeatHeater(9, 1), SetSeatHeater(0, 4), SetSeatHeater(-1, 0),
		SetAutoSeatClimate("middle", true),
		SetSteeringWheelHeatLevel(3),
		SetClimateKeeperMode("party"),
		SetCabinOverheatProtection(false, true),
		SetVolume(11.5), SetVolume(-0.1), SetVolume(math.Inf(1)),
		TriggerHomelink(91, 0), TriggerHomelink(0, 181), TriggerHomelink(math.NaN(), 0),
		VentWindows(&Location{Lat: 100}),
		Boombox(7),
		ScheduleSoftwareUpdate(-time.Second),
		{}, // zero Command
	} {
		f := newFake(t)
		f.add(t, vinA, "online", SigningOff, false, nil)
		c := newCommander(t, fastConfig(f, nil))
		err := c.Send(context.Background(), vinA, cmd)
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: err = %v, want ErrInvalidArgument", cmd.Name(), err)
		}
		if len(f.calls) != 0 {
			t.Errorf("%s: calls %v, want none", cmd.Name(), f.calls)
		}
	}
	c := newCommander(t, fastConfig(newFake(t), nil))
	if err := c.Send(context.Background(), "", Honk()); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("empty VIN: %v", err)
	}
}

func TestRESTForms(t *testing.T) {
	for _, tc := range []struct {
		cmd  Command
		name string
		body any
	}{
		{Lock(), "door_lock", nil},
		{OpenFrunk(), "actuate_trunk", map[string]any{"which_trunk": "front"}},
		{ActuateTrunk(), "actuate_trunk", map[string]any{"which_trunk": "rear"}},
		{UnlatchChargePort(), "charge_port_door_open", nil},
		{Boombox(SoundFart), "remote_boombox", map[string]any{"sound": 0}},
		{TriggerHomelink(52.5, 13.4), "trigger_homelink", map[string]any{"lat": 52.5, "lon": 13.4}},
		{SetSentryMode(true), "set_sentry_mode", map[string]any{"on": true}},
		{SetTemps(21, 22.5), "set_temps", map[string]any{"driver_temp": 21.0, "passenger_temp": 22.5}},
		{SetPreconditioningMax(true), "set_preconditioning_max", map[string]any{"on": true, "manual_override": false}},
		{SetClimateKeeperMode(KeeperDog), "set_climate_keeper_mode", map[string]any{"climate_keeper_mode": 2}},
		{SetCabinOverheatProtection(true, true), "set_cabin_overheat_protection", map[string]any{"on": true, "fan_only": true}},
		{SetCOPTemp(40), "set_cop_temp", map[string]any{"cop_temp": 2}},
		{SetSeatHeater(SeatRearCenter, 3), "remote_seat_heater_request", map[string]any{"seat_position": 4, "level": 3}},
		{SetAutoSeatClimate(Right, false), "remote_auto_seat_climate_request", map[string]any{"auto_seat_position": 2, "auto_climate_on": false}},
		{SetSteeringWheelHeatLevel(WheelHeatHigh), "remote_steering_wheel_heat_level_request", map[string]any{"level": 2}},
		{SetAutoSteeringWheelHeat(true), "remote_auto_steering_wheel_heat_climate_request", map[string]any{"on": true}},
		{SetChargingAmps(16), "set_charging_amps", map[string]any{"charging_amps": 16}},
		{SetChargeLimit(80), "set_charge_limit", map[string]any{"percent": 80}},
		{VentWindows(nil), "window_control", map[string]any{"command": "vent"}},
		{CloseWindows(&Location{Lat: 1, Lon: 2}), "window_control", map[string]any{"command": "close", "lat": 1.0, "lon": 2.0}},
		{SunroofStop(), "sun_roof_control", map[string]any{"state": "stop"}},
		{MediaPreviousTrack(), "media_prev_track", nil},
		{SetVolume(5.5), "adjust_volume", map[string]any{"volume": 5.5}},
		{ScheduleSoftwareUpdate(90 * time.Second), "schedule_software_update", map[string]any{"offset_sec": 90}},
	} {
		name, body := tc.cmd.REST()
		if name != tc.name || !reflect.DeepEqual(body, tc.body) {
			t.Errorf("%s: REST = %s %v, want %s %v", tc.cmd.Name(), name, body, tc.name, tc.body)
		}
	}
}

func TestTableRows(t *testing.T) {
	restOnly := map[string]bool{"remote_boombox": true, "remote_auto_steering_wheel_heat_climate_request": true, "sunroof_stop": true}
	for _, s := range table {
		if s.rest == "" {
			t.Errorf("%s: no REST name", s.name)
		}
		if (s.signed == nil) != restOnly[s.name] {
			t.Errorf("%s: signed form present = %v", s.name, s.signed != nil)
		}
	}
	if len(Commands()) != len(table) {
		t.Fatal("Commands() misses rows")
	}
}
