package command

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol"
	"github.com/teslamotors/vehicle-command/pkg/vehicle"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// params are the arguments of one command; each row of the table reads the
// fields it needs. Constructors (validate.go) fill them; the row's check
// refuses values outside Tesla's ranges before anything is built or sent.
type params struct {
	on, flag bool          // on/enable; manual_override / fan_only
	n        int           // level, percent, amps, mode, seat position …
	level    int           // a second integer (seat heater level)
	x, y     float64       // driver/passenger °C, or lat/lon
	loc      bool          // x, y hold a location
	volume   float64       // 0–11
	offset   time.Duration // software update delay
	s        string        // an enum value (energy site mode, export rule)
}

// signedFunc runs a command through the SDK on a connected Vehicle.
type signedFunc func(ctx context.Context, v *vehicle.Vehicle, p params) error

// spec is one row of the command table: everything about one command.
type spec struct {
	name   string             // our name, unique
	rest   string             // REST command: POST /api/1/vehicles/{vin}/command/<rest>, or /api/1/energy_sites/{id}/<rest> for site rows
	site   bool               // an energy site command (REST only, no wake)
	check  check              // Tesla's ranges for the params; nil: nothing to check
	body   func(p params) any // REST JSON body; nil sends no body
	signed signedFunc         // nil: the SDK has no method (REST only)
	domain protocol.Domain    // the SDK domain the signed form needs
	noWake bool               // sent without waking first (as Home Assistant does)
}

const (
	vcsec = protocol.DomainVCSEC
	info  = protocol.DomainInfotainment
)

// Sunroof levels for the SDK's absolute ChangeSunroofState (percent open):
// Tesla's "vent" position is about 15 %.
const sunroofVentLevel = 15

// table lists every command the entities send: vehicle commands first,
// then energy site commands (site: true). Domains follow the
// SDK methods: VCSEC for RKE and closure moves (locks, trunk, frunk, remote
// drive); INFOTAINMENT for everything else — including the charge port door,
// which v0.4.1 sends as a car_server action.
var table = []spec{
	{name: "door_lock", rest: "door_lock", domain: vcsec, signed: sdk((*vehicle.Vehicle).Lock)},
	{name: "door_unlock", rest: "door_unlock", domain: vcsec, signed: sdk((*vehicle.Vehicle).Unlock)},
	{name: "open_frunk", rest: "actuate_trunk", body: trunk("front"), domain: vcsec, signed: sdk((*vehicle.Vehicle).OpenFrunk)},
	{name: "actuate_trunk", rest: "actuate_trunk", body: trunk("rear"), domain: vcsec, signed: sdk((*vehicle.Vehicle).ActuateTrunk)},
	{name: "open_trunk", rest: "actuate_trunk", body: trunk("rear"), domain: vcsec, signed: sdk((*vehicle.Vehicle).OpenTrunk)},
	{name: "close_trunk", rest: "actuate_trunk", body: trunk("rear"), domain: vcsec, signed: sdk((*vehicle.Vehicle).CloseTrunk)},
	{name: "charge_port_door_open", rest: "charge_port_door_open", domain: info, signed: sdk((*vehicle.Vehicle).ChargePortOpen)},
	{name: "charge_port_door_close", rest: "charge_port_door_close", domain: info, signed: sdk((*vehicle.Vehicle).ChargePortClose)},
	{name: "remote_start_drive", rest: "remote_start_drive", domain: vcsec, signed: sdk((*vehicle.Vehicle).RemoteDrive)},
	{name: "honk_horn", rest: "honk_horn", domain: info, signed: sdk((*vehicle.Vehicle).HonkHorn)},
	{name: "flash_lights", rest: "flash_lights", domain: info, signed: sdk((*vehicle.Vehicle).FlashLights)},
	{name: "remote_boombox", rest: "remote_boombox", domain: info, check: intOneOf("sound", pn, fleet.BoomboxFart, fleet.BoomboxLocatePing), body: func(p params) any { return obj{"sound": p.n} }}, // no SDK action
	{name: "trigger_homelink", rest: "trigger_homelink", domain: info, check: location(),
		body: func(p params) any { return obj{"lat": p.x, "lon": p.y} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.TriggerHomelink(ctx, float32(p.x), float32(p.y))
		}},
	{name: "set_sentry_mode", rest: "set_sentry_mode", domain: info, body: onBody,
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error { return v.SetSentryMode(ctx, p.on) }},
	{name: "auto_conditioning_start", rest: "auto_conditioning_start", domain: info, signed: sdk((*vehicle.Vehicle).ClimateOn)},
	{name: "auto_conditioning_stop", rest: "auto_conditioning_stop", domain: info, signed: sdk((*vehicle.Vehicle).ClimateOff)},
	{name: "set_temps", rest: "set_temps", domain: info,
		check: all(number("driver_temp", px, 15, 28), number("passenger_temp", py, 15, 28)),
		body:  func(p params) any { return obj{"driver_temp": p.x, "passenger_temp": p.y} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.ChangeClimateTemp(ctx, float32(p.x), float32(p.y))
		}},
	{name: "set_preconditioning_max", rest: "set_preconditioning_max", domain: info,
		body: func(p params) any { return obj{"on": p.on, "manual_override": false} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.SetPreconditioningMax(ctx, p.on, false)
		}},
	{name: "set_climate_keeper_mode", rest: "set_climate_keeper_mode", domain: info, check: integer("climate_keeper_mode", pn, 0, 3),
		body: func(p params) any { return obj{"climate_keeper_mode": p.n} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.SetClimateKeeperMode(ctx, vehicle.ClimateKeeperMode(p.n), false)
		}},
	{name: "set_cabin_overheat_protection", rest: "set_cabin_overheat_protection", domain: info,
		body: func(p params) any { return obj{"on": p.on, "fan_only": p.flag} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.SetCabinOverheatProtection(ctx, p.on, p.flag)
		}},
	{name: "set_cop_temp", rest: "set_cop_temp", domain: info, check: integer("cop_temp", pn, 0, 2),
		body: func(p params) any { return obj{"cop_temp": p.n} }, // 0 low (30 °C), 1 medium (35), 2 high (40)
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.SetCabinOverheatProtectionTemperature(ctx, vehicle.Level(p.n+1)) // LevelLow = CopActivationTempLow
		}},
	{name: "remote_seat_heater_request", rest: "remote_seat_heater_request", domain: info,
		check: all(integer("seat_position", pn, 0, 8), integer("level", plevel, 0, 3)),
		body:  func(p params) any { return obj{"seat_position": p.n, "level": p.level} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			// Tesla seat ids 0–8 are SeatFrontLeft … SeatThirdRowRight (SeatUnknown is 0).
			return v.SetSeatHeater(ctx, map[vehicle.SeatPosition]vehicle.Level{vehicle.SeatPosition(p.n + 1): vehicle.Level(p.level)})
		}},
	{name: "remote_auto_seat_climate_request", rest: "remote_auto_seat_climate_request", domain: info, check: integer("auto_seat_position", pn, 1, 2),
		body: func(p params) any { return obj{"auto_seat_position": p.n, "auto_climate_on": p.on} }, // 1 left, 2 right
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			seat := vehicle.SeatFrontLeft
			if p.n == 2 {
				seat = vehicle.SeatFrontRight
			}
			return v.AutoSeatAndClimate(ctx, []vehicle.SeatPosition{seat}, p.on)
		}},
	{name: "remote_steering_wheel_heat_level_request", rest: "remote_steering_wheel_heat_level_request", domain: info, check: integer("level", pn, 0, 3),
		body: func(p params) any { return obj{"level": p.n} }, // 0 off, 1 low, 2 high (Home Assistant's indices)
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			// v0.4.1 has no level action; the closest is the on/off heater.
			return v.SetSteeringWheelHeater(ctx, p.n > 0)
		}},
	{name: "remote_auto_steering_wheel_heat_climate_request", rest: "remote_auto_steering_wheel_heat_climate_request", domain: info, body: onBody}, // no SDK action
	{name: "charge_start", rest: "charge_start", domain: info, signed: sdk((*vehicle.Vehicle).ChargeStart)},
	{name: "charge_stop", rest: "charge_stop", domain: info, signed: sdk((*vehicle.Vehicle).ChargeStop)},
	{name: "set_charging_amps", rest: "set_charging_amps", domain: info, check: integer("charging_amps", pn, 0, 80),
		body: func(p params) any { return obj{"charging_amps": p.n} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.SetChargingAmps(ctx, int32(p.n))
		}},
	{name: "set_charge_limit", rest: "set_charge_limit", domain: info, check: integer("percent", pn, 50, 100),
		body: func(p params) any { return obj{"percent": p.n} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.ChangeChargeLimit(ctx, int32(p.n))
		}},
	{name: "vent_windows", rest: "window_control", domain: info, check: location(), body: windowBody("vent"), signed: sdk((*vehicle.Vehicle).VentWindows)},
	{name: "close_windows", rest: "window_control", domain: info, check: location(), body: windowBody("close"), signed: sdk((*vehicle.Vehicle).CloseWindows)},
	{name: "sunroof_vent", rest: "sun_roof_control", domain: info, body: sunroof("vent"),
		signed: func(ctx context.Context, v *vehicle.Vehicle, _ params) error {
			return v.ChangeSunroofState(ctx, sunroofVentLevel)
		}},
	{name: "sunroof_close", rest: "sun_roof_control", domain: info, body: sunroof("close"),
		signed: func(ctx context.Context, v *vehicle.Vehicle, _ params) error { return v.ChangeSunroofState(ctx, 0) }},
	{name: "sunroof_stop", rest: "sun_roof_control", domain: info, body: sunroof("stop")}, // no absolute-level equivalent
	{name: "media_toggle_playback", rest: "media_toggle_playback", domain: info, signed: sdk((*vehicle.Vehicle).ToggleMediaPlayback)},
	{name: "media_next_track", rest: "media_next_track", domain: info, signed: sdk((*vehicle.Vehicle).MediaNextTrack)},
	{name: "media_prev_track", rest: "media_prev_track", domain: info, signed: sdk((*vehicle.Vehicle).MediaPreviousTrack)},
	{name: "adjust_volume", rest: "adjust_volume", domain: info, check: number("volume", pvolume, 0, 11),
		body: func(p params) any { return obj{"volume": p.volume} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			// The same absolute volume as the REST body, as Tesla's own proxy
			// passes it (the cars' audio_volume_max is about 10.3); the SDK
			// takes at most 10.
			return v.SetVolume(ctx, float32(math.Min(10, p.volume)))
		}},
	{name: "schedule_software_update", rest: "schedule_software_update", domain: info, noWake: true,
		check: integer("offset_sec", func(p params) int { return int(p.offset / time.Second) }, 0, math.MaxInt32),
		body:  func(p params) any { return obj{"offset_sec": int(p.offset / time.Second)} },
		signed: func(ctx context.Context, v *vehicle.Vehicle, p params) error {
			return v.ScheduleSoftwareUpdate(ctx, p.offset)
		}},

	// Energy site commands: POST /api/1/energy_sites/{id}/<rest>.
	{name: "backup", rest: "backup", site: true, check: integer("backup_reserve_percent", pn, 0, 100),
		body: func(p params) any { return obj{"backup_reserve_percent": p.n} }},
	{name: "operation", rest: "operation", site: true,
		check: oneOf("default_real_mode", fleet.ModeSelfConsumption, fleet.ModeBackup, fleet.ModeAutonomous),
		body:  func(p params) any { return obj{"default_real_mode": p.s} }},
	{name: "storm_mode", rest: "storm_mode", site: true, body: func(p params) any { return obj{"enabled": p.on} }},
	{name: "export_rule", rest: "grid_import_export", site: true,
		check: oneOf("customer_preferred_export_rule", fleet.ExportPVOnly, fleet.ExportBatteryOK, fleet.ExportNever),
		body:  func(p params) any { return obj{"customer_preferred_export_rule": p.s} }},
	{name: "grid_charging", rest: "grid_import_export", site: true,
		body: func(p params) any { return obj{"disallow_charge_from_grid_with_solar_installed": !p.on} }},
	{name: "off_grid_vehicle_charging_reserve", rest: "off_grid_vehicle_charging_reserve", site: true,
		check: integer("off_grid_vehicle_charging_reserve_percent", pn, 0, 100),
		body:  func(p params) any { return obj{"off_grid_vehicle_charging_reserve_percent": p.n} }},
}

// obj is a REST JSON body.
type obj = map[string]any

// specs indexes the table by name.
var specs = func() map[string]*spec {
	m := make(map[string]*spec, len(table))
	for i := range table {
		if _, dup := m[table[i].name]; dup {
			panic("command: duplicate table row " + table[i].name)
		}
		m[table[i].name] = &table[i]
	}
	return m
}()

// sdk adapts a parameterless SDK method.
func sdk(f func(*vehicle.Vehicle, context.Context) error) signedFunc {
	return func(ctx context.Context, v *vehicle.Vehicle, _ params) error { return f(v, ctx) }
}

func onBody(p params) any { return obj{"on": p.on} }

func trunk(which string) func(params) any {
	return func(params) any { return obj{"which_trunk": which} }
}

func sunroof(state string) func(params) any {
	return func(params) any { return obj{"state": state} }
}

func windowBody(command string) func(params) any {
	return func(p params) any {
		b := obj{"command": command}
		if p.loc {
			b["lat"], b["lon"] = p.x, p.y
		}
		return b
	}
}

// check refuses params outside Tesla's ranges, naming the REST body field
// (a *fleet.ValidationError, so a surface can point at the field).
type check func(rest string, p params) error

// Getters for the params a check reads.
func pn(p params) int          { return p.n }
func plevel(p params) int      { return p.level }
func px(p params) float64      { return p.x }
func py(p params) float64      { return p.y }
func pvolume(p params) float64 { return p.volume }
func pstring(p params) string  { return p.s }

// integer: lo ≤ get(p) ≤ hi.
func integer(field string, get func(params) int, lo, hi int) check {
	return func(rest string, p params) error {
		if v := get(p); v < lo || v > hi {
			return badField(rest, field, "must be between %d and %d, got %d", lo, hi, v)
		}
		return nil
	}
}

// number: a finite lo ≤ get(p) ≤ hi (JSON has no NaN or ±Inf).
func number(field string, get func(params) float64, lo, hi float64) check {
	return func(rest string, p params) error {
		v := get(p)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return badField(rest, field, "must be a finite number, got %v", v)
		}
		if v < lo || v > hi {
			return badField(rest, field, "must be between %s and %s, got %s", fmtNum(lo), fmtNum(hi), fmtNum(v))
		}
		return nil
	}
}

// intOneOf: get(p) is one of values.
func intOneOf(field string, get func(params) int, values ...int) check {
	return func(rest string, p params) error {
		if v := get(p); !slices.Contains(values, v) {
			return badField(rest, field, "must be one of %v, got %d", values, v)
		}
		return nil
	}
}

// oneOf: p.s is one of values.
func oneOf(field string, values ...string) check {
	return func(rest string, p params) error {
		if v := pstring(p); !slices.Contains(values, v) {
			return badField(rest, field, "must be one of %s, got %q", strings.Join(values, ", "), v)
		}
		return nil
	}
}

// location: latitude and longitude in x and y, when the params hold one.
func location() check {
	lat, lon := number("lat", px, -90, 90), number("lon", py, -180, 180)
	return func(rest string, p params) error {
		if !p.loc {
			return nil
		}
		return all(lat, lon)(rest, p)
	}
}

// all runs checks in order and returns the first error.
func all(checks ...check) check {
	return func(rest string, p params) error {
		for _, c := range checks {
			if err := c(rest, p); err != nil {
				return err
			}
		}
		return nil
	}
}

func badField(rest, field, format string, args ...any) error {
	return &fleet.ValidationError{Command: rest, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
