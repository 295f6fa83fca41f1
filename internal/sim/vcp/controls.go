package vcp

import (
	"math"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
)

// controlCalls maps the vehicle-control, security, media and software
// actions.
func controlCalls(va *carserver.VehicleAction) ([]call, string) {
	switch m := va.GetVehicleActionMsg().(type) {
	// Vehicle controls.
	case *carserver.VehicleAction_VehicleControlFlashLightsAction:
		return one("flash_lights", nil), ""
	case *carserver.VehicleAction_VehicleControlHonkHornAction:
		return one("honk_horn", nil), ""
	case *carserver.VehicleAction_VehicleControlWindowAction:
		switch m.VehicleControlWindowAction.GetAction().(type) {
		case *carserver.VehicleControlWindowAction_Vent:
			return one("window_control", map[string]any{"command": "vent"}), ""
		case *carserver.VehicleControlWindowAction_Close:
			return one("window_control", map[string]any{"command": "close"}), ""
		}
		return nil, reasonInvalid
	case *carserver.VehicleAction_VehicleControlSunroofOpenCloseAction:
		return sunroofCalls(m.VehicleControlSunroofOpenCloseAction)
	case *carserver.VehicleAction_VehicleControlTriggerHomelinkAction:
		a := m.VehicleControlTriggerHomelinkAction
		p := map[string]any{"lat": f32(a.GetLocation().GetLatitude()), "lon": f32(a.GetLocation().GetLongitude())}
		if a.GetToken() != "" {
			p["token"] = a.GetToken()
		}
		return one("trigger_homelink", p), ""
	case *carserver.VehicleAction_SetVehicleNameAction:
		return one("set_vehicle_name", map[string]any{"vehicle_name": m.SetVehicleNameAction.GetVehicleName()}), ""

	// Security.
	case *carserver.VehicleAction_VehicleControlSetSentryModeAction:
		return one("set_sentry_mode", map[string]any{"on": m.VehicleControlSetSentryModeAction.GetOn()}), ""
	case *carserver.VehicleAction_VehicleControlSetValetModeAction:
		a := m.VehicleControlSetValetModeAction
		return one("set_valet_mode", map[string]any{"on": a.GetOn(), "password": a.GetPassword()}), ""
	case *carserver.VehicleAction_VehicleControlResetValetPinAction:
		return one("reset_valet_pin", nil), ""
	case *carserver.VehicleAction_VehicleControlSetPinToDriveAction:
		a := m.VehicleControlSetPinToDriveAction
		return one("set_pin_to_drive", map[string]any{"on": a.GetOn(), "password": a.GetPassword()}), ""
	case *carserver.VehicleAction_VehicleControlResetPinToDriveAction:
		return one("reset_pin_to_drive_pin", nil), ""
	case *carserver.VehicleAction_VehicleControlResetPinToDriveAdminAction:
		return one("clear_pin_to_drive_admin", nil), ""
	case *carserver.VehicleAction_DrivingSpeedLimitAction:
		a := m.DrivingSpeedLimitAction
		if a.GetActivate() {
			return one("speed_limit_activate", map[string]any{"pin": a.GetPin()}), ""
		}
		return one("speed_limit_deactivate", map[string]any{"pin": a.GetPin()}), ""
	case *carserver.VehicleAction_DrivingSetSpeedLimitAction:
		return one("speed_limit_set_limit", map[string]any{"limit_mph": m.DrivingSetSpeedLimitAction.GetLimitMph()}), ""
	case *carserver.VehicleAction_DrivingClearSpeedLimitPinAction:
		return one("speed_limit_clear_pin", map[string]any{"pin": m.DrivingClearSpeedLimitPinAction.GetPin()}), ""
	case *carserver.VehicleAction_DrivingClearSpeedLimitPinAdminAction:
		return one("speed_limit_clear_pin_admin", nil), ""
	case *carserver.VehicleAction_GuestModeAction:
		return one("guest_mode", map[string]any{"enable": m.GuestModeAction.GetGuestModeActive()}), ""
	case *carserver.VehicleAction_EraseUserDataAction:
		return one("erase_user_data", nil), ""

	// Media.
	case *carserver.VehicleAction_MediaPlayAction:
		return one("media_toggle_playback", nil), ""
	case *carserver.VehicleAction_MediaNextTrack:
		return one("media_next_track", nil), ""
	case *carserver.VehicleAction_MediaPreviousTrack:
		return one("media_prev_track", nil), ""
	case *carserver.VehicleAction_MediaNextFavorite:
		return one("media_next_fav", nil), ""
	case *carserver.VehicleAction_MediaPreviousFavorite:
		return one("media_prev_fav", nil), ""
	case *carserver.VehicleAction_MediaUpdateVolume:
		switch v := m.MediaUpdateVolume.GetMediaVolume().(type) {
		case *carserver.MediaUpdateVolume_VolumeAbsoluteFloat:
			// The same absolute volume as REST's adjust_volume (Tesla's proxy
			// passes it unchanged), rounded off float32's noise.
			vol := math.Round(float64(v.VolumeAbsoluteFloat)*1000) / 1000
			return one("adjust_volume", map[string]any{"volume": vol}), ""
		case *carserver.MediaUpdateVolume_VolumeDelta:
			// Only the sign of the delta matters: one step up or down.
			if v.VolumeDelta > 0 {
				return one("media_volume_up", nil), ""
			}
			if v.VolumeDelta < 0 {
				return one("media_volume_down", nil), ""
			}
		}
		return nil, reasonInvalid

	// Software updates.
	case *carserver.VehicleAction_VehicleControlScheduleSoftwareUpdateAction:
		return one("schedule_software_update", map[string]any{
			"offset_sec": float64(m.VehicleControlScheduleSoftwareUpdateAction.GetOffsetSec()),
		}), ""
	case *carserver.VehicleAction_VehicleControlCancelSoftwareUpdateAction:
		return one("cancel_software_update", nil), ""
	}
	return nil, reasonUnsupported
}

// sunroofCalls maps a sunroof action to sun_roof_control{state} in the REST
// vocabulary (vent, close; "stop" has no protobuf form): an explicit vent or
// open action vents, close closes; an absolute level 0 closes and any other
// level vents; a delta vents or closes by its sign.
func sunroofCalls(a *carserver.VehicleControlSunroofOpenCloseAction) ([]call, string) {
	state := func(s string) []call { return one("sun_roof_control", map[string]any{"state": s}) }
	switch a.GetAction().(type) {
	case *carserver.VehicleControlSunroofOpenCloseAction_Vent, *carserver.VehicleControlSunroofOpenCloseAction_Open:
		return state("vent"), ""
	case *carserver.VehicleControlSunroofOpenCloseAction_Close:
		return state("close"), ""
	}
	switch l := a.GetSunroofLevel().(type) {
	case *carserver.VehicleControlSunroofOpenCloseAction_AbsoluteLevel:
		if l.AbsoluteLevel <= 0 {
			return state("close"), ""
		}
		return state("vent"), ""
	case *carserver.VehicleControlSunroofOpenCloseAction_DeltaLevel:
		if l.DeltaLevel > 0 {
			return state("vent"), ""
		}
		if l.DeltaLevel < 0 {
			return state("close"), ""
		}
	}
	return nil, reasonInvalid
}
