package vcp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

type m = map[string]any

func va(msg any) *carserver.VehicleAction {
	v := &carserver.VehicleAction{}
	reflect.ValueOf(v).Elem().FieldByName("VehicleActionMsg").Set(reflect.ValueOf(msg))
	return v
}

func seatHeater(level, seat any) *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction {
	a := &carserver.HvacSeatHeaterActions_HvacSeatHeaterAction{}
	reflect.ValueOf(a).Elem().FieldByName("SeatHeaterLevel").Set(reflect.ValueOf(level))
	reflect.ValueOf(a).Elem().FieldByName("SeatPosition").Set(reflect.ValueOf(seat))
	return a
}

func TestActionMapping(t *testing.T) {
	void := &carserver.Void{}
	tests := []struct {
		name   string
		action *carserver.VehicleAction
		want   []call
	}{
		{"charge start", va(&carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{
			ChargingAction: &carserver.ChargingStartStopAction_Start{Start: void}}}), []call{{"charge_start", nil}}},
		{"charge stop", va(&carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{
			ChargingAction: &carserver.ChargingStartStopAction_Stop{Stop: void}}}), []call{{"charge_stop", nil}}},
		{"charge max range", va(&carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{
			ChargingAction: &carserver.ChargingStartStopAction_StartMaxRange{StartMaxRange: void}}}), []call{{"charge_max_range", nil}}},
		{"charge standard", va(&carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{
			ChargingAction: &carserver.ChargingStartStopAction_StartStandard{StartStandard: void}}}), []call{{"charge_standard", nil}}},
		{"charge limit", va(&carserver.VehicleAction_ChargingSetLimitAction{ChargingSetLimitAction: &carserver.ChargingSetLimitAction{Percent: 80}}),
			[]call{{"set_charge_limit", m{"percent": 80.0}}}},
		{"amps", va(&carserver.VehicleAction_SetChargingAmpsAction{SetChargingAmpsAction: &carserver.SetChargingAmpsAction{ChargingAmps: 16}}),
			[]call{{"set_charging_amps", m{"charging_amps": 16.0}}}},
		{"port open", va(&carserver.VehicleAction_ChargePortDoorOpen{ChargePortDoorOpen: &carserver.ChargePortDoorOpen{}}), []call{{"charge_port_door_open", nil}}},
		{"port close", va(&carserver.VehicleAction_ChargePortDoorClose{ChargePortDoorClose: &carserver.ChargePortDoorClose{}}), []call{{"charge_port_door_close", nil}}},
		{"climate on", va(&carserver.VehicleAction_HvacAutoAction{HvacAutoAction: &carserver.HvacAutoAction{PowerOn: true}}), []call{{"auto_conditioning_start", nil}}},
		{"climate off", va(&carserver.VehicleAction_HvacAutoAction{HvacAutoAction: &carserver.HvacAutoAction{}}), []call{{"auto_conditioning_stop", nil}}},
		{"temps", va(&carserver.VehicleAction_HvacTemperatureAdjustmentAction{HvacTemperatureAdjustmentAction: &carserver.HvacTemperatureAdjustmentAction{
			DriverTempCelsius: 21.1, PassengerTempCelsius: 19}}), []call{{"set_temps", m{"driver_temp": 21.1, "passenger_temp": 19.0}}}},
		{"precondition max", va(&carserver.VehicleAction_HvacSetPreconditioningMaxAction{HvacSetPreconditioningMaxAction: &carserver.HvacSetPreconditioningMaxAction{On: true}}),
			[]call{{"set_preconditioning_max", m{"on": true, "manual_override": false}}}},
		{"wheel heater", va(&carserver.VehicleAction_HvacSteeringWheelHeaterAction{HvacSteeringWheelHeaterAction: &carserver.HvacSteeringWheelHeaterAction{PowerOn: true}}),
			[]call{{"remote_steering_wheel_heater_request", m{"on": true}}}},
		{"seat heaters", va(&carserver.VehicleAction_HvacSeatHeaterActions{HvacSeatHeaterActions: &carserver.HvacSeatHeaterActions{
			HvacSeatHeaterAction: []*carserver.HvacSeatHeaterActions_HvacSeatHeaterAction{
				seatHeater(&carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_HIGH{SEAT_HEATER_HIGH: void},
					&carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_FRONT_RIGHT{CAR_SEAT_FRONT_RIGHT: void}),
				seatHeater(&carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_OFF{SEAT_HEATER_OFF: void},
					&carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_THIRD_ROW_RIGHT{CAR_SEAT_THIRD_ROW_RIGHT: void}),
			}}}), []call{
			{"remote_seat_heater_request", m{"seat_position": 1.0, "level": 3.0}},
			{"remote_seat_heater_request", m{"seat_position": 8.0, "level": 0.0}},
		}},
		{"auto seat climate", va(&carserver.VehicleAction_AutoSeatClimateAction{AutoSeatClimateAction: &carserver.AutoSeatClimateAction{
			Carseat: []*carserver.AutoSeatClimateAction_CarSeat{{On: true, SeatPosition: carserver.AutoSeatClimateAction_AutoSeatPosition_FrontRight}}}}),
			[]call{{"remote_auto_seat_climate_request", m{"auto_seat_position": 2.0, "auto_climate_on": true}}}},
		{"seat cooler", va(&carserver.VehicleAction_HvacSeatCoolerActions{HvacSeatCoolerActions: &carserver.HvacSeatCoolerActions{
			HvacSeatCoolerAction: []*carserver.HvacSeatCoolerActions_HvacSeatCoolerAction{{
				SeatCoolerLevel: carserver.HvacSeatCoolerActions_HvacSeatCoolerLevel_Med, SeatPosition: carserver.HvacSeatCoolerActions_HvacSeatCoolerPosition_FrontLeft}}}}),
			[]call{{"remote_seat_cooler_request", m{"seat_position": 1.0, "seat_cooler_level": 3.0}}}},
		{"climate keeper", va(&carserver.VehicleAction_HvacClimateKeeperAction{HvacClimateKeeperAction: &carserver.HvacClimateKeeperAction{
			ClimateKeeperAction: carserver.HvacClimateKeeperAction_ClimateKeeperAction_Dog}}),
			[]call{{"set_climate_keeper_mode", m{"climate_keeper_mode": 2.0, "manual_override": false}}}},
		{"cop", va(&carserver.VehicleAction_SetCabinOverheatProtectionAction{SetCabinOverheatProtectionAction: &carserver.SetCabinOverheatProtectionAction{On: true, FanOnly: true}}),
			[]call{{"set_cabin_overheat_protection", m{"on": true, "fan_only": true}}}},
		{"cop temp", va(&carserver.VehicleAction_SetCopTempAction{SetCopTempAction: &carserver.SetCopTempAction{CopActivationTemp: carserver.ClimateState_CopActivationTempMedium}}),
			[]call{{"set_cop_temp", m{"cop_temp": 1.0}}}},
		{"bioweapon", va(&carserver.VehicleAction_HvacBioweaponModeAction{HvacBioweaponModeAction: &carserver.HvacBioweaponModeAction{On: true}}),
			[]call{{"set_bioweapon_mode", m{"on": true, "manual_override": false}}}},
		{"sentry", va(&carserver.VehicleAction_VehicleControlSetSentryModeAction{VehicleControlSetSentryModeAction: &carserver.VehicleControlSetSentryModeAction{On: true}}),
			[]call{{"set_sentry_mode", m{"on": true}}}},
		{"flash", va(&carserver.VehicleAction_VehicleControlFlashLightsAction{VehicleControlFlashLightsAction: &carserver.VehicleControlFlashLightsAction{}}), []call{{"flash_lights", nil}}},
		{"honk", va(&carserver.VehicleAction_VehicleControlHonkHornAction{VehicleControlHonkHornAction: &carserver.VehicleControlHonkHornAction{}}), []call{{"honk_horn", nil}}},
		{"vent windows", va(&carserver.VehicleAction_VehicleControlWindowAction{VehicleControlWindowAction: &carserver.VehicleControlWindowAction{
			Action: &carserver.VehicleControlWindowAction_Vent{Vent: void}}}), []call{{"window_control", m{"command": "vent"}}}},
		{"close windows", va(&carserver.VehicleAction_VehicleControlWindowAction{VehicleControlWindowAction: &carserver.VehicleControlWindowAction{
			Action: &carserver.VehicleControlWindowAction_Close{Close: void}}}), []call{{"window_control", m{"command": "close"}}}},
		{"sunroof vent", va(&carserver.VehicleAction_VehicleControlSunroofOpenCloseAction{VehicleControlSunroofOpenCloseAction: &carserver.VehicleControlSunroofOpenCloseAction{
			Action: &carserver.VehicleControlSunroofOpenCloseAction_Vent{Vent: void}}}), []call{{"sun_roof_control", m{"state": "vent"}}}},
		{"sunroof open", va(&carserver.VehicleAction_VehicleControlSunroofOpenCloseAction{VehicleControlSunroofOpenCloseAction: &carserver.VehicleControlSunroofOpenCloseAction{
			Action: &carserver.VehicleControlSunroofOpenCloseAction_Open{Open: void}}}), []call{{"sun_roof_control", m{"state": "vent"}}}},
		{"sunroof level 0", va(&carserver.VehicleAction_VehicleControlSunroofOpenCloseAction{VehicleControlSunroofOpenCloseAction: &carserver.VehicleControlSunroofOpenCloseAction{
			SunroofLevel: &carserver.VehicleControlSunroofOpenCloseAction_AbsoluteLevel{AbsoluteLevel: 0}}}), []call{{"sun_roof_control", m{"state": "close"}}}},
		{"sunroof level 15", va(&carserver.VehicleAction_VehicleControlSunroofOpenCloseAction{VehicleControlSunroofOpenCloseAction: &carserver.VehicleControlSunroofOpenCloseAction{
			SunroofLevel: &carserver.VehicleControlSunroofOpenCloseAction_AbsoluteLevel{AbsoluteLevel: 15}}}), []call{{"sun_roof_control", m{"state": "vent"}}}},
		{"homelink", va(&carserver.VehicleAction_VehicleControlTriggerHomelinkAction{VehicleControlTriggerHomelinkAction: &carserver.VehicleControlTriggerHomelinkAction{
			Location: &carserver.LatLong{Latitude: 37.5, Longitude: -122.25}}}), []call{{"trigger_homelink", m{"lat": 37.5, "lon": -122.25}}}},
		{"play", va(&carserver.VehicleAction_MediaPlayAction{MediaPlayAction: &carserver.MediaPlayAction{}}), []call{{"media_toggle_playback", nil}}},
		{"next track", va(&carserver.VehicleAction_MediaNextTrack{MediaNextTrack: &carserver.MediaNextTrack{}}), []call{{"media_next_track", nil}}},
		{"prev track", va(&carserver.VehicleAction_MediaPreviousTrack{MediaPreviousTrack: &carserver.MediaPreviousTrack{}}), []call{{"media_prev_track", nil}}},
		{"next fav", va(&carserver.VehicleAction_MediaNextFavorite{MediaNextFavorite: &carserver.MediaNextFavorite{}}), []call{{"media_next_fav", nil}}},
		{"prev fav", va(&carserver.VehicleAction_MediaPreviousFavorite{MediaPreviousFavorite: &carserver.MediaPreviousFavorite{}}), []call{{"media_prev_fav", nil}}},
		{"volume", va(&carserver.VehicleAction_MediaUpdateVolume{MediaUpdateVolume: &carserver.MediaUpdateVolume{
			MediaVolume: &carserver.MediaUpdateVolume_VolumeAbsoluteFloat{VolumeAbsoluteFloat: 7.3}}}), []call{{"adjust_volume", m{"volume": 7.3}}}},
		{"volume up", va(&carserver.VehicleAction_MediaUpdateVolume{MediaUpdateVolume: &carserver.MediaUpdateVolume{
			MediaVolume: &carserver.MediaUpdateVolume_VolumeDelta{VolumeDelta: 1}}}), []call{{"media_volume_up", nil}}},
		{"volume down", va(&carserver.VehicleAction_MediaUpdateVolume{MediaUpdateVolume: &carserver.MediaUpdateVolume{
			MediaVolume: &carserver.MediaUpdateVolume_VolumeDelta{VolumeDelta: -1}}}), []call{{"media_volume_down", nil}}},
		{"schedule update", va(&carserver.VehicleAction_VehicleControlScheduleSoftwareUpdateAction{VehicleControlScheduleSoftwareUpdateAction: &carserver.VehicleControlScheduleSoftwareUpdateAction{OffsetSec: 120}}),
			[]call{{"schedule_software_update", m{"offset_sec": 120.0}}}},
		{"cancel update", va(&carserver.VehicleAction_VehicleControlCancelSoftwareUpdateAction{VehicleControlCancelSoftwareUpdateAction: &carserver.VehicleControlCancelSoftwareUpdateAction{}}),
			[]call{{"cancel_software_update", nil}}},
		{"name", va(&carserver.VehicleAction_SetVehicleNameAction{SetVehicleNameAction: &carserver.SetVehicleNameAction{VehicleName: "Blue"}}),
			[]call{{"set_vehicle_name", m{"vehicle_name": "Blue"}}}},
		{"valet", va(&carserver.VehicleAction_VehicleControlSetValetModeAction{VehicleControlSetValetModeAction: &carserver.VehicleControlSetValetModeAction{On: true, Password: "1234"}}),
			[]call{{"set_valet_mode", m{"on": true, "password": "1234"}}}},
		{"speed limit activate", va(&carserver.VehicleAction_DrivingSpeedLimitAction{DrivingSpeedLimitAction: &carserver.DrivingSpeedLimitAction{Activate: true, Pin: "1234"}}),
			[]call{{"speed_limit_activate", m{"pin": "1234"}}}},
		{"speed limit", va(&carserver.VehicleAction_DrivingSetSpeedLimitAction{DrivingSetSpeedLimitAction: &carserver.DrivingSetSpeedLimitAction{LimitMph: 65}}),
			[]call{{"speed_limit_set_limit", m{"limit_mph": 65.0}}}},
		{"scheduled charging", va(&carserver.VehicleAction_ScheduledChargingAction{ScheduledChargingAction: &carserver.ScheduledChargingAction{Enabled: true, ChargingTime: 120}}),
			[]call{{"set_scheduled_charging", m{"enable": true, "time": 120.0}}}},
		{"scheduled departure", va(&carserver.VehicleAction_ScheduledDepartureAction{ScheduledDepartureAction: &carserver.ScheduledDepartureAction{
			Enabled: true, DepartureTime: 480, OffPeakHoursEndTime: 360,
			PreconditioningTimes: &carserver.PreconditioningTimes{Times: &carserver.PreconditioningTimes_Weekdays{Weekdays: void}}}}),
			[]call{{"set_scheduled_departure", m{"enable": true, "departure_time": 480.0, "end_off_peak_time": 360.0,
				"preconditioning_enabled": true, "preconditioning_weekdays_only": true,
				"off_peak_charging_enabled": false, "off_peak_charging_weekdays_only": false}}}},
		{"charge schedule", va(&carserver.VehicleAction_AddChargeScheduleAction{AddChargeScheduleAction: &carserver.ChargeSchedule{
			Id: 7, DaysOfWeek: 0x22, StartEnabled: true, StartTime: 60, Enabled: true, Latitude: 1.5, Longitude: 2.5}}),
			[]call{{"add_charge_schedule", m{"id": 7.0, "name": "", "days_of_week": "Monday,Friday", "start_enabled": true, "start_time": 60.0,
				"end_enabled": false, "end_time": 0.0, "one_time": false, "enabled": true, "lat": 1.5, "lon": 2.5}}}},
		{"low power", va(&carserver.VehicleAction_SetLowPowerModeAction{SetLowPowerModeAction: &carserver.SetLowPowerModeAction{LowPowerMode: true}}),
			[]call{{"set_low_power_mode", m{"enable": true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := actionCalls(tt.action)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("calls = %+v (%s)\nwant    %+v", got, reason, tt.want)
			}
		})
	}
}

func TestInvalidActions(t *testing.T) {
	for name, a := range map[string]*carserver.VehicleAction{
		"empty":           {},
		"nil":             nil,
		"charge unknown":  va(&carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{}}),
		"window unknown":  va(&carserver.VehicleAction_VehicleControlWindowAction{VehicleControlWindowAction: &carserver.VehicleControlWindowAction{}}),
		"no seats":        va(&carserver.VehicleAction_HvacSeatHeaterActions{HvacSeatHeaterActions: &carserver.HvacSeatHeaterActions{}}),
		"cop unspecified": va(&carserver.VehicleAction_SetCopTempAction{SetCopTempAction: &carserver.SetCopTempAction{}}),
		"volume zero":     va(&carserver.VehicleAction_MediaUpdateVolume{MediaUpdateVolume: &carserver.MediaUpdateVolume{}}),
	} {
		if calls, reason := actionCalls(a); calls != nil || reason == "" {
			t.Errorf("%s: calls = %+v, reason %q", name, calls, reason)
		}
	}
}

func TestInfotainmentResponses(t *testing.T) {
	rec := newRecorder()
	car := newTestCar(t, newFakeClock(), rec)
	resp := func(a *carserver.VehicleAction) *carserver.Response {
		out, f := car.infotainmentCommand(marshal(t, &carserver.Action{ActionMsg: &carserver.Action_VehicleAction{VehicleAction: a}}))
		if f != faultNone {
			t.Fatalf("fault %v", f)
		}
		var r carserver.Response
		if err := proto.Unmarshal(out, &r); err != nil {
			t.Fatal(err)
		}
		return &r
	}
	ping := resp(va(&carserver.VehicleAction_Ping{Ping: &carserver.Ping{PingId: 42}}))
	if ping.GetPing().GetPingId() != 42 || ping.GetActionStatus().GetResult() != carserver.OperationStatus_E_OPERATIONSTATUS_OK {
		t.Errorf("ping = %v", ping)
	}
	if r := resp(va(&carserver.VehicleAction_GetVehicleData{GetVehicleData: &carserver.GetVehicleData{}})); r.GetVehicleData() == nil {
		t.Errorf("vehicle data = %v", r)
	}
	rec.set(func(r *recorder) { r.refuse["honk_horn"] = "already_set" })
	r := resp(va(&carserver.VehicleAction_VehicleControlHonkHornAction{VehicleControlHonkHornAction: &carserver.VehicleControlHonkHornAction{}}))
	if r.GetActionStatus().GetResult() != carserver.OperationStatus_E_OPERATIONSTATUS_ERROR || r.GetActionStatus().GetResultReason().GetPlainText() != "already_set" {
		t.Errorf("refusal = %v", r)
	}
	rec.set(func(r *recorder) { r.refuse["flash_lights"] = "bad \xff utf8" })
	r = resp(va(&carserver.VehicleAction_VehicleControlFlashLightsAction{VehicleControlFlashLightsAction: &carserver.VehicleControlFlashLightsAction{}}))
	if !strings.HasPrefix(r.GetActionStatus().GetResultReason().GetPlainText(), "bad ") {
		t.Errorf("invalid UTF-8 reason = %v", r)
	}
	r = resp(va(&carserver.VehicleAction_GuestModeAction{}))
	if r.GetActionStatus().GetResult() != carserver.OperationStatus_E_OPERATIONSTATUS_OK {
		t.Errorf("guest mode = %v", r) // a nil GuestMode means "off"
	}
	r = resp(&carserver.VehicleAction{})
	if r.GetActionStatus().GetResultReason().GetPlainText() != reasonUnsupported {
		t.Errorf("unsupported = %v", r)
	}
	if _, f := car.infotainmentCommand([]byte{0xff}); f != faultDecoding {
		t.Errorf("garbage: fault %v", f)
	}
}

func TestVCSECMapping(t *testing.T) {
	const (
		move   = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_MOVE
		stop   = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_STOP
		opens  = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_OPEN
		closes = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_CLOSE
	)
	closure := func(r *vcsec.ClosureMoveRequest) *vcsec.UnsignedMessage {
		return &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_ClosureMoveRequest{ClosureMoveRequest: r}}
	}
	rkeMsg := func(a vcsec.RKEAction_E) *vcsec.UnsignedMessage {
		return &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_RKEAction{RKEAction: a}}
	}
	tests := []struct {
		name    string
		msg     *vcsec.UnsignedMessage
		want    []call
		nominal bool
	}{
		{"unlock", rkeMsg(vcsec.RKEAction_E_RKE_ACTION_UNLOCK), []call{{"door_unlock", nil}}, false},
		{"lock", rkeMsg(vcsec.RKEAction_E_RKE_ACTION_LOCK), []call{{"door_lock", nil}}, false},
		{"remote drive", rkeMsg(vcsec.RKEAction_E_RKE_ACTION_REMOTE_DRIVE), []call{{"remote_start_drive", nil}}, false},
		{"auto secure", rkeMsg(vcsec.RKEAction_E_RKE_ACTION_AUTO_SECURE_VEHICLE), []call{{"door_lock", nil}}, false},
		{"wake", rkeMsg(vcsec.RKEAction_E_RKE_ACTION_WAKE_VEHICLE), nil, false},
		{"unknown rke", rkeMsg(vcsec.RKEAction_E(77)), nil, true},
		{"trunk", closure(&vcsec.ClosureMoveRequest{RearTrunk: move}), []call{{"actuate_trunk", m{"which_trunk": "rear"}}}, false},
		{"trunk close", closure(&vcsec.ClosureMoveRequest{RearTrunk: closes}), []call{{"actuate_trunk", m{"which_trunk": "rear"}}}, false},
		{"frunk", closure(&vcsec.ClosureMoveRequest{FrontTrunk: opens}), []call{{"actuate_trunk", m{"which_trunk": "front"}}}, false},
		{"frunk close", closure(&vcsec.ClosureMoveRequest{FrontTrunk: closes}), nil, true},
		{"charge port", closure(&vcsec.ClosureMoveRequest{ChargePort: opens}), []call{{"charge_port_door_open", nil}}, false},
		{"charge port close", closure(&vcsec.ClosureMoveRequest{ChargePort: closes}), []call{{"charge_port_door_close", nil}}, false},
		{"tonneau stop", closure(&vcsec.ClosureMoveRequest{Tonneau: stop}), []call{{"stop_tonneau", nil}}, false},
		{"door", closure(&vcsec.ClosureMoveRequest{FrontDriverDoor: opens}), nil, true},
		{"whitelist", &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_WhitelistOperation{WhitelistOperation: &vcsec.WhitelistOperation{}}}, nil, true},
		{"empty", &vcsec.UnsignedMessage{}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			car := newTestCar(t, newFakeClock(), rec)
			out, f := car.vcsecCommand(marshal(t, tt.msg), true)
			if f != faultNone {
				t.Fatalf("fault %v", f)
			}
			var from vcsec.FromVCSECMessage
			if err := proto.Unmarshal(out, &from); err != nil {
				t.Fatal(err)
			}
			if (from.GetNominalError() != nil) != tt.nominal {
				t.Errorf("reply = %v", &from)
			}
			if got := rec.take(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("calls = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVCSECWhitelistInfo(t *testing.T) {
	car := newTestCar(t, newFakeClock(), newRecorder())
	k1, k2 := newPub(t), newPub(t)
	_ = car.AddKey(k1)
	_ = car.AddKey(k2)
	info := func(r *vcsec.InformationRequest) *vcsec.FromVCSECMessage {
		out, f := car.vcsecCommand(marshal(t, &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_InformationRequest{InformationRequest: r}}), false)
		if f != faultNone {
			t.Fatalf("fault %v", f)
		}
		var from vcsec.FromVCSECMessage
		if err := proto.Unmarshal(out, &from); err != nil {
			t.Fatal(err)
		}
		return &from
	}
	wl := info(&vcsec.InformationRequest{InformationRequestType: vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_WHITELIST_INFO}).GetWhitelistInfo()
	if wl.GetNumberOfEntries() != 2 || wl.GetSlotMask() != 3 || len(wl.GetWhitelistEntries()) != 2 {
		t.Errorf("whitelist = %v", wl)
	}
	e := info(&vcsec.InformationRequest{
		InformationRequestType: vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_WHITELIST_ENTRY_INFO,
		Key:                    &vcsec.InformationRequest_Slot{Slot: 1},
	}).GetWhitelistEntryInfo()
	if !reflect.DeepEqual(e.GetPublicKey().GetPublicKeyRaw(), k2) || e.GetSlot() != 1 {
		t.Errorf("entry = %v", e)
	}
	missing := info(&vcsec.InformationRequest{
		InformationRequestType: vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_WHITELIST_ENTRY_INFO,
		Key:                    &vcsec.InformationRequest_Slot{Slot: 5},
	})
	if missing.GetNominalError() == nil {
		t.Errorf("missing slot = %v", missing)
	}
}
