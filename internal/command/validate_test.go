package command

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestValidationRefusesBeforeSending: an invalid Command is an *Error of class
// fleet.ErrInvalidRequest and nothing is sent. Range checks of the table rows
// (Tesla's documented ranges) also give a *fleet.ValidationError naming the
// REST body field; the constructors' own checks (names, mappings) have no
// field.
func TestValidationRefusesBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		cmd   Command
		field string
	}{
		{SetChargeLimit(49), "percent"}, {SetChargeLimit(101), "percent"},
		{SetChargingAmps(-1), "charging_amps"}, {SetChargingAmps(81), "charging_amps"},
		{SetTemps(14, 20), "driver_temp"}, {SetTemps(20, 29), "passenger_temp"},
		{SetTemps(math.NaN(), 20), "driver_temp"},
		{SetCOPTemp(33), ""},
		{SetSeatHeater(9, 1), "seat_position"}, {SetSeatHeater(0, 4), "level"}, {SetSeatHeater(-1, 0), "seat_position"},
		{SetAutoSeatClimate("middle", true), ""},
		{SetSteeringWheelHeatLevel(3), ""},
		{SetClimateKeeperMode("party"), ""},
		{SetCabinOverheatProtection(false, true), ""},
		{SetVolume(11.5), "volume"}, {SetVolume(-0.1), "volume"}, {SetVolume(math.Inf(1)), "volume"},
		{TriggerHomelink(91, 0), "lat"}, {TriggerHomelink(0, 181), "lon"}, {TriggerHomelink(math.NaN(), 0), "lat"},
		{VentWindows(&Location{Lat: 100}), "lat"},
		{CloseWindows(&Location{Lon: math.Inf(-1)}), "lon"},
		{Boombox(7), "sound"},
		{ScheduleSoftwareUpdate(-time.Second), "offset_sec"},
		{ScheduleSoftwareUpdate(time.Duration(math.MaxInt32+1) * time.Second), "offset_sec"},
		{Command{}, ""},
	} {
		f := newFake(t)
		f.add(t, vinA, "online", SigningOff, false, nil)
		c := newCommander(t, fastConfig(f, nil))
		err := c.Send(context.Background(), vinA, tc.cmd)
		var e *Error
		if !errors.Is(err, fleet.ErrInvalidRequest) || !errors.As(err, &e) || e.Class != fleet.ErrInvalidRequest {
			t.Errorf("%s: err = %v, want an *Error of class fleet.ErrInvalidRequest", tc.cmd.Name(), err)
		}
		var ve *fleet.ValidationError
		if tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field) {
			t.Errorf("%s: err = %v, want fleet's validation error on %q", tc.cmd.Name(), err, tc.field)
		}
		if len(f.calls) != 0 {
			t.Errorf("%s: calls %v, want none", tc.cmd.Name(), f.calls)
		}
	}
	c := newCommander(t, fastConfig(newFake(t), nil))
	if err := c.Send(context.Background(), "", Honk()); !errors.Is(err, fleet.ErrInvalidRequest) {
		t.Errorf("empty VIN: %v", err)
	}
}

// Every constructor's valid form, boundaries included, passes its row's check.
func TestValidCommandsPassTheirChecks(t *testing.T) {
	for _, c := range []Command{
		SetChargeLimit(50), SetChargeLimit(100), SetChargingAmps(0), SetChargingAmps(80),
		SetTemps(15, 28), SetVolume(0), SetVolume(11), SetSeatHeater(fleet.SeatThirdRowRight, 3),
		TriggerHomelink(-90, 180), VentWindows(&Location{Lat: 90, Lon: -180}), CloseWindows(nil),
		Boombox(fleet.BoomboxLocatePing), ScheduleSoftwareUpdate(0), SetCOPTemp(35),
		SetClimateKeeperMode(KeeperCamp), SetAutoSeatClimate(Left, false), SetSteeringWheelHeatLevel(WheelHeatHigh),
		OpenFrunk(), SunroofVent(), SunroofStop(), SetPreconditioningMax(false),
		SetSeatHeater(fleet.SeatFrontLeft, 0), TriggerHomelink(90, -180),
		ScheduleSoftwareUpdate(time.Duration(math.MaxInt32) * time.Second),
		SetBackupReserve(0), SetBackupReserve(100), SetOffGridVehicleChargingReserve(0),
		SetOperationMode(fleet.ModeBackup), SetExportRule(fleet.ExportNever), SetGridCharging(true),
	} {
		if err := c.Err(); err != nil {
			t.Errorf("%s: %v", c.Name(), err)
		}
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
		{Boombox(fleet.BoomboxFart), "remote_boombox", map[string]any{"sound": 0}},
		{TriggerHomelink(52.5, 13.4), "trigger_homelink", map[string]any{"lat": 52.5, "lon": 13.4}},
		{SetSentryMode(true), "set_sentry_mode", map[string]any{"on": true}},
		{SetTemps(21, 22.5), "set_temps", map[string]any{"driver_temp": 21.0, "passenger_temp": 22.5}},
		{SetPreconditioningMax(true), "set_preconditioning_max", map[string]any{"on": true, "manual_override": false}},
		{SetClimateKeeperMode(KeeperDog), "set_climate_keeper_mode", map[string]any{"climate_keeper_mode": 2}},
		{SetCabinOverheatProtection(true, true), "set_cabin_overheat_protection", map[string]any{"on": true, "fan_only": true}},
		{SetCOPTemp(40), "set_cop_temp", map[string]any{"cop_temp": 2}},
		{SetSeatHeater(fleet.SeatRearCenter, 3), "remote_seat_heater_request", map[string]any{"seat_position": 4, "level": 3}},
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
		if s.site {
			if s.signed != nil || s.domain != 0 {
				t.Errorf("%s: a site command has no signed form", s.name)
			}
			continue
		}
		if (s.signed == nil) != restOnly[s.name] {
			t.Errorf("%s: signed form present = %v", s.name, s.signed != nil)
		}
	}
	if len(Commands()) != len(table) {
		t.Fatal("Commands() misses rows")
	}
}
