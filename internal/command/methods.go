package command

import (
	"context"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Typed commands: each one sends its Command (validate.go) through Send.

// Lock locks the doors.
func (c *Commander) Lock(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, Lock())
}

// Unlock unlocks the doors.
func (c *Commander) Unlock(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, Unlock())
}

// OpenFrunk opens the front trunk (it cannot be closed remotely).
func (c *Commander) OpenFrunk(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, OpenFrunk())
}

// ActuateTrunk opens or closes the rear trunk (a toggle).
func (c *Commander) ActuateTrunk(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, ActuateTrunk())
}

// OpenTrunk opens the rear trunk (REST: the toggle).
func (c *Commander) OpenTrunk(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, OpenTrunk())
}

// CloseTrunk closes the rear trunk (REST: the toggle).
func (c *Commander) CloseTrunk(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, CloseTrunk())
}

// OpenChargePort opens the charge port door.
func (c *Commander) OpenChargePort(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, OpenChargePort())
}

// UnlatchChargePort releases the charge cable latch (charge_port_door_open).
func (c *Commander) UnlatchChargePort(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, UnlatchChargePort())
}

// CloseChargePort closes the charge port door.
func (c *Commander) CloseChargePort(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, CloseChargePort())
}

// RemoteStart enables keyless driving.
func (c *Commander) RemoteStart(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, RemoteStart())
}

// Honk honks the horn.
func (c *Commander) Honk(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, Honk())
}

// FlashLights flashes the lights.
func (c *Commander) FlashLights(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, FlashLights())
}

// Boombox plays fleet.BoomboxFart or fleet.BoomboxLocatePing (REST only:
// ErrNotSupported on cars that need signing).
func (c *Commander) Boombox(ctx context.Context, vin string, sound int) error {
	return c.Send(ctx, vin, Boombox(sound))
}

// TriggerHomelink triggers HomeLink at the car's location.
func (c *Commander) TriggerHomelink(ctx context.Context, vin string, lat, lon float64) error {
	return c.Send(ctx, vin, TriggerHomelink(lat, lon))
}

// SetSentryMode turns Sentry Mode on or off.
func (c *Commander) SetSentryMode(ctx context.Context, vin string, on bool) error {
	return c.Send(ctx, vin, SetSentryMode(on))
}

// ClimateOn starts climate control.
func (c *Commander) ClimateOn(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, ClimateOn())
}

// ClimateOff stops climate control.
func (c *Commander) ClimateOff(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, ClimateOff())
}

// SetTemps sets the cabin temperatures (°C).
func (c *Commander) SetTemps(ctx context.Context, vin string, driver, passenger float64) error {
	return c.Send(ctx, vin, SetTemps(driver, passenger))
}

// SetPreconditioningMax turns defrost (max preconditioning) on or off.
func (c *Commander) SetPreconditioningMax(ctx context.Context, vin string, on bool) error {
	return c.Send(ctx, vin, SetPreconditioningMax(on))
}

// SetClimateKeeperMode sets climate keeper: off, keep, dog or camp.
func (c *Commander) SetClimateKeeperMode(ctx context.Context, vin string, mode KeeperMode) error {
	return c.Send(ctx, vin, SetClimateKeeperMode(mode))
}

// SetCabinOverheatProtection sets cabin overheat protection: off, on, or fan only.
func (c *Commander) SetCabinOverheatProtection(ctx context.Context, vin string, on, fanOnly bool) error {
	return c.Send(ctx, vin, SetCabinOverheatProtection(on, fanOnly))
}

// SetCOPTemp sets the overheat protection threshold (30, 35 or 40 °C).
func (c *Commander) SetCOPTemp(ctx context.Context, vin string, celsius int) error {
	return c.Send(ctx, vin, SetCOPTemp(celsius))
}

// SetSeatHeater sets a seat heater (level 0–3).
func (c *Commander) SetSeatHeater(ctx context.Context, vin string, seat fleet.Seat, level int) error {
	return c.Send(ctx, vin, SetSeatHeater(seat, level))
}

// SetAutoSeatClimate turns auto seat climate on or off for a front seat.
func (c *Commander) SetAutoSeatClimate(ctx context.Context, vin string, side Side, on bool) error {
	return c.Send(ctx, vin, SetAutoSeatClimate(side, on))
}

// SetSteeringWheelHeatLevel sets the steering wheel heater (signed: on/off only).
func (c *Commander) SetSteeringWheelHeatLevel(ctx context.Context, vin string, level WheelHeat) error {
	return c.Send(ctx, vin, SetSteeringWheelHeatLevel(level))
}

// SetAutoSteeringWheelHeat turns the automatic steering wheel heater on or off (REST only).
func (c *Commander) SetAutoSteeringWheelHeat(ctx context.Context, vin string, on bool) error {
	return c.Send(ctx, vin, SetAutoSteeringWheelHeat(on))
}

// ChargeStart starts charging.
func (c *Commander) ChargeStart(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, ChargeStart())
}

// ChargeStop stops charging.
func (c *Commander) ChargeStop(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, ChargeStop())
}

// SetChargingAmps sets the charging current.
func (c *Commander) SetChargingAmps(ctx context.Context, vin string, amps int) error {
	return c.Send(ctx, vin, SetChargingAmps(amps))
}

// SetChargeLimit sets the charge limit.
func (c *Commander) SetChargeLimit(ctx context.Context, vin string, percent int) error {
	return c.Send(ctx, vin, SetChargeLimit(percent))
}

// VentWindows vents the windows.
func (c *Commander) VentWindows(ctx context.Context, vin string, loc *Location) error {
	return c.Send(ctx, vin, VentWindows(loc))
}

// CloseWindows closes the windows.
func (c *Commander) CloseWindows(ctx context.Context, vin string, loc *Location) error {
	return c.Send(ctx, vin, CloseWindows(loc))
}

// SunroofVent vents the sunroof.
func (c *Commander) SunroofVent(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, SunroofVent())
}

// SunroofClose closes the sunroof.
func (c *Commander) SunroofClose(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, SunroofClose())
}

// SunroofStop stops the sunroof (REST only).
func (c *Commander) SunroofStop(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, SunroofStop())
}

// MediaTogglePlayback plays or pauses media.
func (c *Commander) MediaTogglePlayback(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, MediaTogglePlayback())
}

// MediaNextTrack skips to the next track.
func (c *Commander) MediaNextTrack(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, MediaNextTrack())
}

// MediaPreviousTrack goes back to the previous track.
func (c *Commander) MediaPreviousTrack(ctx context.Context, vin string) error {
	return c.Send(ctx, vin, MediaPreviousTrack())
}

// SetVolume sets the media volume (0–11).
func (c *Commander) SetVolume(ctx context.Context, vin string, volume float64) error {
	return c.Send(ctx, vin, SetVolume(volume))
}

// ScheduleSoftwareUpdate installs an available software update after offset (sent without waking first).
func (c *Commander) ScheduleSoftwareUpdate(ctx context.Context, vin string, offset time.Duration) error {
	return c.Send(ctx, vin, ScheduleSoftwareUpdate(offset))
}
