package command

import (
	"fmt"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Command is one vehicle or energy site command with validated parameters.
// Build it with the constructors below (Lock(), SetChargeLimit(80),
// SetBackupReserve(20), …) and pass a vehicle command to Sender.Send, a site
// command (Site() true) to Commander.SendSite. A constructor given invalid
// parameters returns a Command whose Err is an fleet.ErrInvalidRequest; Send
// refuses it before anything is sent.
//
// Tesla's ranges are checked once, by the command's table row (table.go) on
// the params both the REST body and the signed form are built from.
type Command struct {
	spec *spec
	p    params
	body any // the REST body, as validated
	err  error
}

// Name is the command's table name (e.g. "door_lock", "vent_windows").
func (c Command) Name() string {
	if c.spec == nil {
		return ""
	}
	return c.spec.name
}

// Err is the validation error, or nil.
func (c Command) Err() error {
	if c.spec == nil && c.err == nil {
		return &Error{Op: "command", Class: fleet.ErrInvalidRequest, Err: fmt.Errorf("empty command")}
	}
	return c.err
}

// REST returns the Fleet API command name and JSON body the command sends on
// the REST path (body nil when there is none).
func (c Command) REST() (name string, body any) {
	if c.spec == nil {
		return "", nil
	}
	return c.spec.rest, c.body
}

// Signed reports whether the SDK can send the command signed.
func (c Command) Signed() bool { return c.spec != nil && c.spec.signed != nil }

// Site reports whether the command is an energy site command (sent with
// Commander.SendSite) rather than a vehicle command (Send).
func (c Command) Site() bool { return c.spec != nil && c.spec.site }

// cmd builds the command from its table row after the row's range check.
func cmd(name string, p params) Command {
	c := Command{spec: row(name), p: p}
	if c.spec.check != nil {
		if err := c.spec.check(c.spec.rest, p); err != nil {
			c.err = &Error{Op: name, Class: fleet.ErrInvalidRequest, Err: err}
			return c
		}
	}
	if c.spec.body != nil {
		c.body = c.spec.body(p)
	}
	return c
}

// bad is a command refused by a check of this package's own (names and
// mappings fleet's table does not know).
func bad(name, format string, args ...any) Command {
	return Command{spec: row(name), err: invalid(name, format, args...)}
}

func row(name string) *spec {
	s, ok := specs[name]
	if !ok {
		panic("command: no table row " + name) // a programming error in this package
	}
	return s
}

// Location is a position for commands that need one (HomeLink, windows).
type Location struct{ Lat, Lon float64 }

func Lock() Command                { return cmd("door_lock", params{}) }
func Unlock() Command              { return cmd("door_unlock", params{}) }
func OpenFrunk() Command           { return cmd("open_frunk", params{}) }
func ActuateTrunk() Command        { return cmd("actuate_trunk", params{}) } // rear trunk, toggles
func OpenTrunk() Command           { return cmd("open_trunk", params{}) }    // REST: the same toggle
func CloseTrunk() Command          { return cmd("close_trunk", params{}) }   // REST: the same toggle
func OpenChargePort() Command      { return cmd("charge_port_door_open", params{}) }
func UnlatchChargePort() Command   { return cmd("charge_port_door_open", params{}) } // releases the cable latch
func CloseChargePort() Command     { return cmd("charge_port_door_close", params{}) }
func RemoteStart() Command         { return cmd("remote_start_drive", params{}) }
func Honk() Command                { return cmd("honk_horn", params{}) }
func FlashLights() Command         { return cmd("flash_lights", params{}) }
func ClimateOn() Command           { return cmd("auto_conditioning_start", params{}) }
func ClimateOff() Command          { return cmd("auto_conditioning_stop", params{}) }
func ChargeStart() Command         { return cmd("charge_start", params{}) }
func ChargeStop() Command          { return cmd("charge_stop", params{}) }
func SunroofVent() Command         { return cmd("sunroof_vent", params{}) }
func SunroofClose() Command        { return cmd("sunroof_close", params{}) }
func SunroofStop() Command         { return cmd("sunroof_stop", params{}) }
func MediaTogglePlayback() Command { return cmd("media_toggle_playback", params{}) }
func MediaNextTrack() Command      { return cmd("media_next_track", params{}) }
func MediaPreviousTrack() Command  { return cmd("media_prev_track", params{}) }
func SetSentryMode(on bool) Command {
	return cmd("set_sentry_mode", params{on: on})
}
func SetPreconditioningMax(on bool) Command { return cmd("set_preconditioning_max", params{on: on}) }
func SetAutoSteeringWheelHeat(on bool) Command {
	return cmd("remote_auto_steering_wheel_heat_climate_request", params{on: on})
}

// Boombox plays fleet.BoomboxFart or fleet.BoomboxLocatePing through the
// external speaker (REST only).
func Boombox(sound int) Command {
	return cmd("remote_boombox", params{n: sound})
}

// TriggerHomelink needs the car's location.
func TriggerHomelink(lat, lon float64) Command {
	return cmd("trigger_homelink", params{x: lat, y: lon, loc: true})
}

// SetTemps sets driver and passenger temperatures in °C.
func SetTemps(driver, passenger float64) Command {
	return cmd("set_temps", params{x: driver, y: passenger})
}

// KeeperMode is a climate keeper mode (Home Assistant's preset names).
type KeeperMode string

const (
	KeeperOff  KeeperMode = "off"
	KeeperKeep KeeperMode = "keep"
	KeeperDog  KeeperMode = "dog"
	KeeperCamp KeeperMode = "camp"
)

var keeperIndex = map[KeeperMode]int{
	KeeperOff: fleet.ClimateKeeperOff, KeeperKeep: fleet.ClimateKeeperKeep,
	KeeperDog: fleet.ClimateKeeperDog, KeeperCamp: fleet.ClimateKeeperCamp,
}

func SetClimateKeeperMode(mode KeeperMode) Command {
	i, ok := keeperIndex[mode]
	if !ok {
		return bad("set_climate_keeper_mode", "mode %q: want off, keep, dog or camp", mode)
	}
	return cmd("set_climate_keeper_mode", params{n: i})
}

// SetCabinOverheatProtection: on=false is off; fanOnly needs on.
func SetCabinOverheatProtection(on, fanOnly bool) Command {
	if fanOnly && !on {
		return bad("set_cabin_overheat_protection", "fan_only needs on")
	}
	return cmd("set_cabin_overheat_protection", params{on: on, flag: fanOnly})
}

// SetCOPTemp sets the cabin overheat protection threshold: 30, 35 or 40 °C.
func SetCOPTemp(celsius int) Command {
	level := map[int]int{30: 0, 35: 1, 40: 2}
	l, ok := level[celsius]
	if !ok {
		return bad("set_cop_temp", "%d °C: want 30, 35 or 40", celsius)
	}
	return cmd("set_cop_temp", params{n: l})
}

// SetSeatHeater sets one seat's heater: level 0 (off) – 3 (high).
func SetSeatHeater(seat fleet.Seat, level int) Command {
	return cmd("remote_seat_heater_request", params{n: int(seat), level: level})
}

// Side is a front seat for auto seat climate.
type Side string

const (
	Left  Side = "left"
	Right Side = "right"
)

func SetAutoSeatClimate(side Side, on bool) Command {
	pos := map[Side]int{Left: 1, Right: 2}[side]
	if pos == 0 {
		return bad("remote_auto_seat_climate_request", "side %q: want left or right", side)
	}
	return cmd("remote_auto_seat_climate_request", params{n: pos, on: on})
}

// WheelHeat is a steering wheel heat level.
type WheelHeat int

const (
	WheelHeatOff WheelHeat = iota
	WheelHeatLow
	WheelHeatHigh
)

func SetSteeringWheelHeatLevel(level WheelHeat) Command {
	if level < WheelHeatOff || level > WheelHeatHigh {
		return bad("remote_steering_wheel_heat_level_request", "level %d: want 0 (off), 1 (low) or 2 (high)", level)
	}
	return cmd("remote_steering_wheel_heat_level_request", params{n: int(level)})
}

func SetChargingAmps(amps int) Command { return cmd("set_charging_amps", params{n: amps}) }

func SetChargeLimit(percent int) Command { return cmd("set_charge_limit", params{n: percent}) }

// VentWindows and CloseWindows take the car's location when known (nil
// omits it; Tesla needs it to close windows on some models).
func VentWindows(loc *Location) Command  { return windows("vent_windows", loc) }
func CloseWindows(loc *Location) Command { return windows("close_windows", loc) }

func windows(name string, loc *Location) Command {
	if loc == nil {
		return cmd(name, params{})
	}
	return cmd(name, params{x: loc.Lat, y: loc.Lon, loc: true})
}

// SetVolume sets the media volume on the REST scale 0–11.
func SetVolume(volume float64) Command {
	return cmd("adjust_volume", params{volume: volume})
}

// ScheduleSoftwareUpdate installs an available update after offset (whole
// seconds, rounded toward zero as fleet's own helper does).
func ScheduleSoftwareUpdate(offset time.Duration) Command {
	return cmd("schedule_software_update", params{offset: offset.Truncate(time.Second)})
}

// Energy site commands (Commander.SendSite). Values are fleet's constants
// (fleet.ModeSelfConsumption, fleet.ExportPVOnly, …).

// SetBackupReserve sets the Powerwall backup reserve, 0–100 %.
func SetBackupReserve(percent int) Command { return cmd("backup", params{n: percent}) }

// SetOperationMode sets the site's mode: self_consumption, backup or autonomous.
func SetOperationMode(mode string) Command { return cmd("operation", params{s: mode}) }

// SetStormMode turns Storm Watch on or off.
func SetStormMode(on bool) Command { return cmd("storm_mode", params{on: on}) }

// SetExportRule sets what the site exports to the grid: pv_only, battery_ok or never.
func SetExportRule(rule string) Command { return cmd("export_rule", params{s: rule}) }

// SetGridCharging allows or forbids charging the Powerwall from the grid
// (Tesla's disallow_charge_from_grid_with_solar_installed, inverted).
func SetGridCharging(allowed bool) Command { return cmd("grid_charging", params{on: allowed}) }

// SetOffGridVehicleChargingReserve sets the reserve kept when charging a
// vehicle off grid, 0–100 %.
func SetOffGridVehicleChargingReserve(percent int) Command {
	return cmd("off_grid_vehicle_charging_reserve", params{n: percent})
}

// Commands lists the names of every command in the table.
func Commands() []string {
	names := make([]string, len(table))
	for i := range table {
		names[i] = table[i].name
	}
	return names
}
