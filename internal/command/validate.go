package command

import (
	"fmt"
	"math"
	"time"
)

// Command is one vehicle command with validated parameters. Build it with the
// constructors below (Lock(), SetChargeLimit(80), …) and pass it to
// Sender.Send. A constructor given invalid parameters returns a Command whose
// Err is an ErrInvalidArgument; Send refuses it before anything is sent.
type Command struct {
	spec *spec
	p    params
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
		return &Error{Op: "command", Class: ErrInvalidArgument, Err: fmt.Errorf("empty command")}
	}
	return c.err
}

// REST returns the Fleet API command name and JSON body the command sends on
// the REST path (body nil when there is none).
func (c Command) REST() (name string, body any) {
	if c.spec == nil {
		return "", nil
	}
	if c.spec.body != nil {
		body = c.spec.body(c.p)
	}
	return c.spec.rest, body
}

// Signed reports whether the SDK can send the command signed.
func (c Command) Signed() bool { return c.spec != nil && c.spec.signed != nil }

func cmd(name string, p params) Command {
	s, ok := specs[name]
	if !ok {
		panic("command: no table row " + name) // a programming error in this package
	}
	return Command{spec: s, p: p}
}

func bad(name, format string, args ...any) Command {
	c := cmd(name, params{})
	c.err = invalid(name, format, args...)
	return c
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func validLocation(lat, lon float64) bool {
	return finite(lat, lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// Location is a position for commands that need one (HomeLink, windows).
type Location struct{ Lat, Lon float64 }

// Limits of the validated parameters.
const (
	MinChargeLimit, MaxChargeLimit = 50, 100 // percent
	MaxChargingAmps                = 80      // amps
	MinTemp, MaxTemp               = 15, 28  // °C, the cars' usual range
	MaxVolume                      = 11      // REST scale 0–11
)

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

// Boombox sounds (remote_boombox "sound").
const (
	SoundFart   = 0
	SoundLocate = 2000
)

// Boombox plays a sound through the external speaker (REST only).
func Boombox(sound int) Command {
	if sound != SoundFart && sound != SoundLocate {
		return bad("remote_boombox", "sound %d: want %d or %d", sound, SoundFart, SoundLocate)
	}
	return cmd("remote_boombox", params{n: sound})
}

// TriggerHomelink needs the car's location.
func TriggerHomelink(lat, lon float64) Command {
	if !validLocation(lat, lon) {
		return bad("trigger_homelink", "location %v,%v out of range", lat, lon)
	}
	return cmd("trigger_homelink", params{x: lat, y: lon, loc: true})
}

// SetTemps sets driver and passenger temperatures in °C.
func SetTemps(driver, passenger float64) Command {
	if !finite(driver, passenger) || driver < MinTemp || driver > MaxTemp || passenger < MinTemp || passenger > MaxTemp {
		return bad("set_temps", "temperatures %v/%v °C: want %d–%d", driver, passenger, MinTemp, MaxTemp)
	}
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

var keeperIndex = map[KeeperMode]int{KeeperOff: 0, KeeperKeep: 1, KeeperDog: 2, KeeperCamp: 3}

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

// Seat positions (Tesla's ids, as in remote_seat_heater_request).
const (
	SeatFrontLeft = iota
	SeatFrontRight
	SeatRearLeft
	SeatRearLeftBack
	SeatRearCenter
	SeatRearRight
	SeatRearRightBack
	SeatThirdRowLeft
	SeatThirdRowRight
)

// SetSeatHeater sets one seat's heater: seat 0–8, level 0 (off) – 3 (high).
func SetSeatHeater(seat, level int) Command {
	if seat < SeatFrontLeft || seat > SeatThirdRowRight || level < 0 || level > 3 {
		return bad("remote_seat_heater_request", "seat %d level %d: want seat 0–8, level 0–3", seat, level)
	}
	return cmd("remote_seat_heater_request", params{n: seat, level: level})
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

func SetChargingAmps(amps int) Command {
	if amps < 0 || amps > MaxChargingAmps {
		return bad("set_charging_amps", "%d A: want 0–%d", amps, MaxChargingAmps)
	}
	return cmd("set_charging_amps", params{n: amps})
}

func SetChargeLimit(percent int) Command {
	if percent < MinChargeLimit || percent > MaxChargeLimit {
		return bad("set_charge_limit", "%d %%: want %d–%d", percent, MinChargeLimit, MaxChargeLimit)
	}
	return cmd("set_charge_limit", params{n: percent})
}

// VentWindows and CloseWindows take the car's location when known (nil
// omits it; Tesla needs it to close windows on some models).
func VentWindows(loc *Location) Command  { return windows("vent_windows", loc) }
func CloseWindows(loc *Location) Command { return windows("close_windows", loc) }

func windows(name string, loc *Location) Command {
	if loc == nil {
		return cmd(name, params{})
	}
	if !validLocation(loc.Lat, loc.Lon) {
		return bad(name, "location %v,%v out of range", loc.Lat, loc.Lon)
	}
	return cmd(name, params{x: loc.Lat, y: loc.Lon, loc: true})
}

// SetVolume sets the media volume on the REST scale 0–11.
func SetVolume(volume float64) Command {
	if !finite(volume) || volume < 0 || volume > MaxVolume {
		return bad("adjust_volume", "volume %v: want 0–%d", volume, MaxVolume)
	}
	return cmd("adjust_volume", params{volume: volume})
}

// ScheduleSoftwareUpdate installs an available update after offset.
func ScheduleSoftwareUpdate(offset time.Duration) Command {
	if offset < 0 || offset/time.Second > math.MaxInt32 {
		return bad("schedule_software_update", "offset %s: want ≥ 0", offset)
	}
	return cmd("schedule_software_update", params{offset: offset.Truncate(time.Second)})
}

// Commands lists the names of every command in the table.
func Commands() []string {
	names := make([]string, len(table))
	for i := range table {
		names[i] = table[i].name
	}
	return names
}
