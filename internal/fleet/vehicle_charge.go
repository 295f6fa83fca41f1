package fleet

// ChargeState is vehicle_data's charge_state. Distances in miles, energy in
// kWh, power in kW, currents in A; timestamps in ms.
type ChargeState struct {
	BatteryHeaterOn                *bool    `json:"battery_heater_on,omitempty"`
	BatteryLevel                   *float64 `json:"battery_level,omitempty"`        // %
	UsableBatteryLevel             *float64 `json:"usable_battery_level,omitempty"` // %
	BatteryRange                   *float64 `json:"battery_range,omitempty"`        // rated, mi
	EstBatteryRange                *float64 `json:"est_battery_range,omitempty"`
	IdealBatteryRange              *float64 `json:"ideal_battery_range,omitempty"`
	ChargeAmps                     *int     `json:"charge_amps,omitempty"`
	ChargeCurrentRequest           *int     `json:"charge_current_request,omitempty"`
	ChargeCurrentRequestMax        *int     `json:"charge_current_request_max,omitempty"`
	ChargeEnableRequest            *bool    `json:"charge_enable_request,omitempty"`
	ChargeEnergyAdded              *float64 `json:"charge_energy_added,omitempty"` // kWh
	ChargeLimitSoc                 *int     `json:"charge_limit_soc,omitempty"`
	ChargeLimitSocMax              *int     `json:"charge_limit_soc_max,omitempty"`
	ChargeLimitSocMin              *int     `json:"charge_limit_soc_min,omitempty"`
	ChargeLimitSocStd              *int     `json:"charge_limit_soc_std,omitempty"`
	ChargeMilesAddedIdeal          *float64 `json:"charge_miles_added_ideal,omitempty"`
	ChargeMilesAddedRated          *float64 `json:"charge_miles_added_rated,omitempty"`
	ChargePortColdWeatherMode      *bool    `json:"charge_port_cold_weather_mode,omitempty"`
	ChargePortColor                *string  `json:"charge_port_color,omitempty"`
	ChargePortDoorOpen             *bool    `json:"charge_port_door_open,omitempty"`
	ChargePortLatch                *string  `json:"charge_port_latch,omitempty"` // "Engaged" | "Disengaged" | …
	ChargeRate                     *float64 `json:"charge_rate,omitempty"`       // mi/h of range
	ChargerActualCurrent           *float64 `json:"charger_actual_current,omitempty"`
	ChargerPhases                  *int     `json:"charger_phases,omitempty"`
	ChargerPilotCurrent            *int     `json:"charger_pilot_current,omitempty"`
	ChargerPower                   *float64 `json:"charger_power,omitempty"` // kW
	ChargerVoltage                 *float64 `json:"charger_voltage,omitempty"`
	ChargingState                  *string  `json:"charging_state,omitempty"` // "Disconnected" | "NoPower" | "Starting" | "Charging" | "Stopped" | "Complete"
	ConnChargeCable                *string  `json:"conn_charge_cable,omitempty"`
	FastChargerBrand               *string  `json:"fast_charger_brand,omitempty"`
	FastChargerPresent             *bool    `json:"fast_charger_present,omitempty"`
	FastChargerType                *string  `json:"fast_charger_type,omitempty"`
	MaxRangeChargeCounter          *int     `json:"max_range_charge_counter,omitempty"`
	MinutesToFullCharge            *int     `json:"minutes_to_full_charge,omitempty"`
	NotEnoughPowerToHeat           *bool    `json:"not_enough_power_to_heat,omitempty"`
	OffPeakChargingEnabled         *bool    `json:"off_peak_charging_enabled,omitempty"`
	OffPeakChargingTimes           *string  `json:"off_peak_charging_times,omitempty"`
	OffPeakHoursEndTime            *int     `json:"off_peak_hours_end_time,omitempty"` // minutes after midnight
	PreconditioningEnabled         *bool    `json:"preconditioning_enabled,omitempty"`
	PreconditioningTimes           *string  `json:"preconditioning_times,omitempty"`
	ScheduledChargingMode          *string  `json:"scheduled_charging_mode,omitempty"` // "Off" | "StartAt" | "DepartBy"
	ScheduledChargingPending       *bool    `json:"scheduled_charging_pending,omitempty"`
	ScheduledChargingStartTime     *int64   `json:"scheduled_charging_start_time,omitempty"` // epoch s
	ScheduledChargingStartTimeApp  *int     `json:"scheduled_charging_start_time_app,omitempty"`
	ScheduledDepartureTime         *int64   `json:"scheduled_departure_time,omitempty"` // epoch s
	ScheduledDepartureTimeMinutes  *int     `json:"scheduled_departure_time_minutes,omitempty"`
	SuperchargerSessionTripPlanner *bool    `json:"supercharger_session_trip_planner,omitempty"`
	TimeToFullCharge               *float64 `json:"time_to_full_charge,omitempty"` // hours
	Timestamp                      *int64   `json:"timestamp,omitempty"`
	TripCharging                   *bool    `json:"trip_charging,omitempty"`
	UserChargeEnableRequest        *bool    `json:"user_charge_enable_request,omitempty"`
	ManagedChargingActive          *bool    `json:"managed_charging_active,omitempty"`
	ManagedChargingStartTime       *int64   `json:"managed_charging_start_time,omitempty"`
	ManagedChargingUserCanceled    *bool    `json:"managed_charging_user_canceled,omitempty"`
	ModuleTempMin                  *float64 `json:"module_temp_min,omitempty"` // °C
	ModuleTempMax                  *float64 `json:"module_temp_max,omitempty"`
	EnergyRemaining                *float64 `json:"energy_remaining,omitempty"`     // kWh
	LifetimeEnergyUsed             *float64 `json:"lifetime_energy_used,omitempty"` // kWh
	ChargingScheduleOverride       *bool    `json:"charging_schedule_override,omitempty"`
	Extra                          Extra    `json:"-"`
}

func (v *ChargeState) UnmarshalJSON(b []byte) error {
	type plain ChargeState
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ChargeState) MarshalJSON() ([]byte, error) {
	type plain ChargeState
	return encodeObject(plain(v), v.Extra)
}
