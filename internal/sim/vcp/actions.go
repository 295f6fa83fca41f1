package vcp

import "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"

// one is a single Executor call.
func one(name string, params map[string]any) []call { return []call{{name: name, params: params}} }

// actionCalls maps a VehicleAction to REST commands with JSON-typed params
// (numbers are float64, as a decoded JSON body carries them). It returns nil
// and a reason for actions the car does not run.
func actionCalls(va *carserver.VehicleAction) ([]call, string) {
	switch m := va.GetVehicleActionMsg().(type) {
	// Charging.
	case *carserver.VehicleAction_ChargingStartStopAction:
		switch m.ChargingStartStopAction.GetChargingAction().(type) {
		case *carserver.ChargingStartStopAction_Start:
			return one("charge_start", nil), ""
		case *carserver.ChargingStartStopAction_Stop:
			return one("charge_stop", nil), ""
		case *carserver.ChargingStartStopAction_StartMaxRange:
			return one("charge_max_range", nil), ""
		case *carserver.ChargingStartStopAction_StartStandard:
			return one("charge_standard", nil), ""
		}
		return nil, reasonInvalid
	case *carserver.VehicleAction_ChargingSetLimitAction:
		return one("set_charge_limit", map[string]any{"percent": float64(m.ChargingSetLimitAction.GetPercent())}), ""
	case *carserver.VehicleAction_SetChargingAmpsAction:
		return one("set_charging_amps", map[string]any{"charging_amps": float64(m.SetChargingAmpsAction.GetChargingAmps())}), ""
	case *carserver.VehicleAction_ChargePortDoorOpen:
		return one("charge_port_door_open", nil), ""
	case *carserver.VehicleAction_ChargePortDoorClose:
		return one("charge_port_door_close", nil), ""
	case *carserver.VehicleAction_ScheduledChargingAction:
		a := m.ScheduledChargingAction
		return one("set_scheduled_charging", map[string]any{"enable": a.GetEnabled(), "time": float64(a.GetChargingTime())}), ""
	case *carserver.VehicleAction_ScheduledDepartureAction:
		return one("set_scheduled_departure", departureParams(m.ScheduledDepartureAction)), ""
	case *carserver.VehicleAction_AddChargeScheduleAction:
		s := m.AddChargeScheduleAction
		return one("add_charge_schedule", map[string]any{
			"id": float64(s.GetId()), "name": s.GetName(), "days_of_week": daysOfWeek(s.GetDaysOfWeek()),
			"start_enabled": s.GetStartEnabled(), "start_time": float64(s.GetStartTime()),
			"end_enabled": s.GetEndEnabled(), "end_time": float64(s.GetEndTime()),
			"one_time": s.GetOneTime(), "enabled": s.GetEnabled(),
			"lat": f32(s.GetLatitude()), "lon": f32(s.GetLongitude()),
		}), ""
	case *carserver.VehicleAction_RemoveChargeScheduleAction:
		return one("remove_charge_schedule", map[string]any{"id": float64(m.RemoveChargeScheduleAction.GetId())}), ""
	case *carserver.VehicleAction_BatchRemoveChargeSchedulesAction:
		a := m.BatchRemoveChargeSchedulesAction
		return one("batch_remove_charge_schedules", map[string]any{"home": a.GetHome(), "work": a.GetWork(), "other": a.GetOther()}), ""
	case *carserver.VehicleAction_AddPreconditionScheduleAction:
		s := m.AddPreconditionScheduleAction
		return one("add_precondition_schedule", map[string]any{
			"id": float64(s.GetId()), "name": s.GetName(), "days_of_week": daysOfWeek(s.GetDaysOfWeek()),
			"precondition_time": float64(s.GetPreconditionTime()), "one_time": s.GetOneTime(),
			"enabled": s.GetEnabled(), "lat": f32(s.GetLatitude()), "lon": f32(s.GetLongitude()),
		}), ""
	case *carserver.VehicleAction_RemovePreconditionScheduleAction:
		return one("remove_precondition_schedule", map[string]any{"id": float64(m.RemovePreconditionScheduleAction.GetId())}), ""
	case *carserver.VehicleAction_BatchRemovePreconditionSchedulesAction:
		a := m.BatchRemovePreconditionSchedulesAction
		return one("batch_remove_precondition_schedules", map[string]any{"home": a.GetHome(), "work": a.GetWork(), "other": a.GetOther()}), ""
	case *carserver.VehicleAction_SetLowPowerModeAction:
		return one("set_low_power_mode", map[string]any{"enable": m.SetLowPowerModeAction.GetLowPowerMode()}), ""
	case *carserver.VehicleAction_SetKeepAccessoryPowerModeAction:
		return one("keep_accessory_power_mode", map[string]any{"enable": m.SetKeepAccessoryPowerModeAction.GetKeepAccessoryPowerMode()}), ""
	}
	if calls, reason, ok := climateCalls(va); ok {
		return calls, reason
	}
	return controlCalls(va)
}

func departureParams(a *carserver.ScheduledDepartureAction) map[string]any {
	p := map[string]any{
		"enable":            a.GetEnabled(),
		"departure_time":    float64(a.GetDepartureTime()),
		"end_off_peak_time": float64(a.GetOffPeakHoursEndTime()),
	}
	pre, off := a.GetPreconditioningTimes(), a.GetOffPeakChargingTimes()
	p["preconditioning_enabled"] = pre != nil
	p["preconditioning_weekdays_only"] = pre.GetWeekdays() != nil
	p["off_peak_charging_enabled"] = off != nil
	p["off_peak_charging_weekdays_only"] = off.GetWeekdays() != nil
	return p
}

// climateCalls maps the HVAC and seat actions; ok is false for other actions.
func climateCalls(va *carserver.VehicleAction) (calls []call, reason string, ok bool) {
	switch m := va.GetVehicleActionMsg().(type) {
	case *carserver.VehicleAction_HvacAutoAction:
		if m.HvacAutoAction.GetPowerOn() {
			return one("auto_conditioning_start", nil), "", true
		}
		return one("auto_conditioning_stop", nil), "", true
	case *carserver.VehicleAction_HvacTemperatureAdjustmentAction:
		a := m.HvacTemperatureAdjustmentAction
		return one("set_temps", map[string]any{
			"driver_temp": f32(a.GetDriverTempCelsius()), "passenger_temp": f32(a.GetPassengerTempCelsius()),
		}), "", true
	case *carserver.VehicleAction_HvacSetPreconditioningMaxAction:
		a := m.HvacSetPreconditioningMaxAction
		return one("set_preconditioning_max", map[string]any{"on": a.GetOn(), "manual_override": a.GetManualOverride()}), "", true
	case *carserver.VehicleAction_HvacSteeringWheelHeaterAction:
		return one("remote_steering_wheel_heater_request", map[string]any{"on": m.HvacSteeringWheelHeaterAction.GetPowerOn()}), "", true
	case *carserver.VehicleAction_HvacBioweaponModeAction:
		a := m.HvacBioweaponModeAction
		return one("set_bioweapon_mode", map[string]any{"on": a.GetOn(), "manual_override": a.GetManualOverride()}), "", true
	case *carserver.VehicleAction_HvacClimateKeeperAction:
		a := m.HvacClimateKeeperAction
		return one("set_climate_keeper_mode", map[string]any{
			"climate_keeper_mode": float64(a.GetClimateKeeperAction()), "manual_override": a.GetManualOverride(),
		}), "", true
	case *carserver.VehicleAction_SetCabinOverheatProtectionAction:
		a := m.SetCabinOverheatProtectionAction
		return one("set_cabin_overheat_protection", map[string]any{"on": a.GetOn(), "fan_only": a.GetFanOnly()}), "", true
	case *carserver.VehicleAction_SetCopTempAction:
		// REST cop_temp 0/1/2 = low (30 °C) / medium (35) / high (40).
		switch m.SetCopTempAction.GetCopActivationTemp() {
		case carserver.ClimateState_CopActivationTempLow:
			return one("set_cop_temp", map[string]any{"cop_temp": 0.0}), "", true
		case carserver.ClimateState_CopActivationTempMedium:
			return one("set_cop_temp", map[string]any{"cop_temp": 1.0}), "", true
		case carserver.ClimateState_CopActivationTempHigh:
			return one("set_cop_temp", map[string]any{"cop_temp": 2.0}), "", true
		}
		return nil, reasonInvalid, true
	case *carserver.VehicleAction_HvacSeatHeaterActions:
		calls, reason := seatHeaterCalls(m.HvacSeatHeaterActions)
		return calls, reason, true
	case *carserver.VehicleAction_HvacSeatCoolerActions:
		for _, a := range m.HvacSeatCoolerActions.GetHvacSeatCoolerAction() {
			calls = append(calls, call{"remote_seat_cooler_request", map[string]any{
				"seat_position": float64(a.GetSeatPosition()), "seat_cooler_level": float64(a.GetSeatCoolerLevel()),
			}})
		}
		return orInvalid(calls), reasonInvalid, true
	case *carserver.VehicleAction_AutoSeatClimateAction:
		for _, s := range m.AutoSeatClimateAction.GetCarseat() {
			calls = append(calls, call{"remote_auto_seat_climate_request", map[string]any{
				"auto_seat_position": float64(s.GetSeatPosition()), "auto_climate_on": s.GetOn(),
			}})
		}
		return orInvalid(calls), reasonInvalid, true
	}
	return nil, "", false
}

func orInvalid(calls []call) []call {
	if len(calls) == 0 {
		return nil
	}
	return calls
}

// seatHeaterCalls maps each seat to remote_seat_heater_request with the REST
// seat numbering (0 front left … 8 third row right) and level 0–3.
func seatHeaterCalls(a *carserver.HvacSeatHeaterActions) ([]call, string) {
	var calls []call
	for _, s := range a.GetHvacSeatHeaterAction() {
		var seat, level float64
		switch s.GetSeatPosition().(type) {
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_FRONT_LEFT:
			seat = 0
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_FRONT_RIGHT:
			seat = 1
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_REAR_LEFT:
			seat = 2
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_REAR_LEFT_BACK:
			seat = 3
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_REAR_CENTER:
			seat = 4
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_REAR_RIGHT:
			seat = 5
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_REAR_RIGHT_BACK:
			seat = 6
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_THIRD_ROW_LEFT:
			seat = 7
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_CAR_SEAT_THIRD_ROW_RIGHT:
			seat = 8
		default:
			return nil, reasonInvalid
		}
		switch s.GetSeatHeaterLevel().(type) {
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_OFF:
			level = 0
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_LOW:
			level = 1
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_MED:
			level = 2
		case *carserver.HvacSeatHeaterActions_HvacSeatHeaterAction_SEAT_HEATER_HIGH:
			level = 3
		default:
			return nil, reasonInvalid
		}
		calls = append(calls, call{"remote_seat_heater_request", map[string]any{"seat_position": seat, "level": level}})
	}
	if len(calls) == 0 {
		return nil, reasonInvalid
	}
	return calls, ""
}
