package fleet

import (
	"context"
	"time"
)

// Typed REST helpers, for this package's tests only: the product sends
// commands through package command's table and Client.Command /
// Client.SiteCommand.

type obj = map[string]any

// DoorLock sends door_lock.
func (c *Client) DoorLock(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "door_lock", nil)
}

// DoorUnlock sends door_unlock.
func (c *Client) DoorUnlock(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "door_unlock", nil)
}

// ActuateTrunk opens (or, for a powered rear trunk, toggles) TrunkFront or TrunkRear.
func (c *Client) ActuateTrunk(ctx context.Context, vin, which string) (*CommandResult, error) {
	return c.Command(ctx, vin, "actuate_trunk", obj{"which_trunk": which})
}

// ChargePortDoorOpen sends charge_port_door_open.
func (c *Client) ChargePortDoorOpen(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "charge_port_door_open", nil)
}

// ChargePortDoorClose sends charge_port_door_close.
func (c *Client) ChargePortDoorClose(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "charge_port_door_close", nil)
}

// RemoteStartDrive enables keyless driving.
func (c *Client) RemoteStartDrive(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_start_drive", nil)
}

// HonkHorn sends honk_horn.
func (c *Client) HonkHorn(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "honk_horn", nil)
}

// FlashLights sends flash_lights.
func (c *Client) FlashLights(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "flash_lights", nil)
}

// RemoteBoombox plays BoomboxFart or BoomboxLocatePing.
func (c *Client) RemoteBoombox(ctx context.Context, vin string, sound int) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_boombox", obj{"sound": sound})
}

// TriggerHomelink triggers HomeLink at the vehicle's location.
func (c *Client) TriggerHomelink(ctx context.Context, vin string, lat, lon float64) (*CommandResult, error) {
	return c.Command(ctx, vin, "trigger_homelink", obj{"lat": lat, "lon": lon})
}

// SetSentryMode sends set_sentry_mode.
func (c *Client) SetSentryMode(ctx context.Context, vin string, on bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_sentry_mode", obj{"on": on})
}

// AutoConditioningStart sends auto_conditioning_start.
func (c *Client) AutoConditioningStart(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "auto_conditioning_start", nil)
}

// AutoConditioningStop sends auto_conditioning_stop.
func (c *Client) AutoConditioningStop(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "auto_conditioning_stop", nil)
}

// SetTemps sets the cabin temperatures (°C, 15–28).
func (c *Client) SetTemps(ctx context.Context, vin string, driver, passenger float64) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_temps", obj{"driver_temp": driver, "passenger_temp": passenger})
}

// SetPreconditioningMax turns max defrost on or off.
func (c *Client) SetPreconditioningMax(ctx context.Context, vin string, on, manualOverride bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_preconditioning_max", obj{"on": on, "manual_override": manualOverride})
}

// SetClimateKeeperMode sets ClimateKeeperOff/Keep/Dog/Camp.
func (c *Client) SetClimateKeeperMode(ctx context.Context, vin string, mode int) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_climate_keeper_mode", obj{"climate_keeper_mode": mode})
}

// SetCabinOverheatProtection sends set_cabin_overheat_protection.
func (c *Client) SetCabinOverheatProtection(ctx context.Context, vin string, on, fanOnly bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_cabin_overheat_protection", obj{"on": on, "fan_only": fanOnly})
}

// SetCopTemp sets the cabin overheat protection temperature: 0 low (30 °C),
// 1 medium (35 °C), 2 high (40 °C).
func (c *Client) SetCopTemp(ctx context.Context, vin string, level int) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_cop_temp", obj{"cop_temp": level})
}

// RemoteSeatHeaterRequest sets a seat heater level (0–3). It sends Tesla's
// seat_position and the older "heater" key Home Assistant's library uses.
func (c *Client) RemoteSeatHeaterRequest(ctx context.Context, vin string, seat Seat, level int) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_seat_heater_request", obj{"seat_position": int(seat), "heater": int(seat), "level": level})
}

// RemoteAutoSeatClimateRequest sets auto seat climate: position 1 front
// left, 2 front right.
func (c *Client) RemoteAutoSeatClimateRequest(ctx context.Context, vin string, position int, on bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_auto_seat_climate_request", obj{"auto_seat_position": position, "auto_climate_on": on})
}

// RemoteSteeringWheelHeatLevelRequest sets the steering wheel heat level.
func (c *Client) RemoteSteeringWheelHeatLevelRequest(ctx context.Context, vin string, level int) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_steering_wheel_heat_level_request", obj{"level": level})
}

// RemoteAutoSteeringWheelHeatClimateRequest sends remote_auto_steering_wheel_heat_climate_request.
func (c *Client) RemoteAutoSteeringWheelHeatClimateRequest(ctx context.Context, vin string, on bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_auto_steering_wheel_heat_climate_request", obj{"on": on})
}

// RemoteSteeringWheelHeaterRequest sends remote_steering_wheel_heater_request.
func (c *Client) RemoteSteeringWheelHeaterRequest(ctx context.Context, vin string, on bool) (*CommandResult, error) {
	return c.Command(ctx, vin, "remote_steering_wheel_heater_request", obj{"on": on})
}

// ChargeStart sends charge_start.
func (c *Client) ChargeStart(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "charge_start", nil)
}

// ChargeStop sends charge_stop.
func (c *Client) ChargeStop(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "charge_stop", nil)
}

// SetChargingAmps sets the charge current (A).
func (c *Client) SetChargingAmps(ctx context.Context, vin string, amps int) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_charging_amps", obj{"charging_amps": amps})
}

// SetChargeLimit sets the charge limit (50–100 %).
func (c *Client) SetChargeLimit(ctx context.Context, vin string, percent int) (*CommandResult, error) {
	return c.Command(ctx, vin, "set_charge_limit", obj{"percent": percent})
}

// WindowControl vents or closes the windows ("vent" | "close"); closing
// needs the vehicle's location on most models.
func (c *Client) WindowControl(ctx context.Context, vin, command string, lat, lon float64) (*CommandResult, error) {
	return c.Command(ctx, vin, "window_control", obj{"command": command, "lat": lat, "lon": lon})
}

// SunRoofControl moves the sunroof: "vent", "close" or "stop".
func (c *Client) SunRoofControl(ctx context.Context, vin, state string) (*CommandResult, error) {
	return c.Command(ctx, vin, "sun_roof_control", obj{"state": state})
}

// MediaTogglePlayback sends media_toggle_playback.
func (c *Client) MediaTogglePlayback(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "media_toggle_playback", nil)
}

// MediaNextTrack sends media_next_track.
func (c *Client) MediaNextTrack(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "media_next_track", nil)
}

// MediaPrevTrack sends media_prev_track.
func (c *Client) MediaPrevTrack(ctx context.Context, vin string) (*CommandResult, error) {
	return c.Command(ctx, vin, "media_prev_track", nil)
}

// AdjustVolume sets the media volume (0–11).
func (c *Client) AdjustVolume(ctx context.Context, vin string, volume float64) (*CommandResult, error) {
	return c.Command(ctx, vin, "adjust_volume", obj{"volume": volume})
}

// ScheduleSoftwareUpdate installs the available update after offset (0 = now).
func (c *Client) ScheduleSoftwareUpdate(ctx context.Context, vin string, offset time.Duration) (*CommandResult, error) {
	return c.Command(ctx, vin, "schedule_software_update", obj{"offset_sec": int64(offset / time.Second)})
}

// GridImportExport is the body of grid_import_export; nil/empty fields are
// not sent.
type GridImportExport struct {
	DisallowChargeFromGridWithSolarInstalled *bool
	CustomerPreferredExportRule              string
}

func (c *Client) SetBackupReserve(ctx context.Context, siteID int64, percent int) error {
	return c.SiteCommand(ctx, siteID, "backup", obj{"backup_reserve_percent": percent})
}

func (c *Client) SetOperationMode(ctx context.Context, siteID int64, mode string) error {
	return c.SiteCommand(ctx, siteID, "operation", obj{"default_real_mode": mode})
}

func (c *Client) SetStormMode(ctx context.Context, siteID int64, enabled bool) error {
	return c.SiteCommand(ctx, siteID, "storm_mode", obj{"enabled": enabled})
}

func (c *Client) SetGridImportExport(ctx context.Context, siteID int64, g GridImportExport) error {
	body := obj{}
	if g.DisallowChargeFromGridWithSolarInstalled != nil {
		body["disallow_charge_from_grid_with_solar_installed"] = *g.DisallowChargeFromGridWithSolarInstalled
	}
	if g.CustomerPreferredExportRule != "" {
		body["customer_preferred_export_rule"] = g.CustomerPreferredExportRule
	}
	return c.SiteCommand(ctx, siteID, "grid_import_export", body)
}

func (c *Client) SetOffGridVehicleChargingReserve(ctx context.Context, siteID int64, percent int) error {
	return c.SiteCommand(ctx, siteID, "off_grid_vehicle_charging_reserve", obj{"off_grid_vehicle_charging_reserve_percent": percent})
}
