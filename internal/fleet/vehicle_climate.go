package fleet

// ClimateState is vehicle_data's climate_state (temperatures in °C).
type ClimateState struct {
	AllowCabinOverheatProtection           *bool    `json:"allow_cabin_overheat_protection,omitempty"`
	AutoSeatClimateLeft                    *bool    `json:"auto_seat_climate_left,omitempty"`
	AutoSeatClimateRight                   *bool    `json:"auto_seat_climate_right,omitempty"`
	AutoSteeringWheelHeat                  *bool    `json:"auto_steering_wheel_heat,omitempty"`
	BatteryHeater                          *bool    `json:"battery_heater,omitempty"`
	BatteryHeaterNoPower                   *bool    `json:"battery_heater_no_power,omitempty"`
	BioweaponMode                          *bool    `json:"bioweapon_mode,omitempty"`
	CabinOverheatProtection                *string  `json:"cabin_overheat_protection,omitempty"` // "Off" | "On" | "FanOnly"
	CabinOverheatProtectionActivelyCooling *bool    `json:"cabin_overheat_protection_actively_cooling,omitempty"`
	ClimateKeeperMode                      *string  `json:"climate_keeper_mode,omitempty"`        // "off" | "keep" | "dog" | "camp"
	CopActivationTemperature               *string  `json:"cop_activation_temperature,omitempty"` // "Low" | "Medium" | "High"
	DefrostMode                            *int     `json:"defrost_mode,omitempty"`
	DriverTempSetting                      *float64 `json:"driver_temp_setting,omitempty"`
	FanStatus                              *int     `json:"fan_status,omitempty"`
	HvacAutoRequest                        *string  `json:"hvac_auto_request,omitempty"`
	InsideTemp                             *float64 `json:"inside_temp,omitempty"`
	IsAutoConditioningOn                   *bool    `json:"is_auto_conditioning_on,omitempty"`
	IsClimateOn                            *bool    `json:"is_climate_on,omitempty"`
	IsFrontDefrosterOn                     *bool    `json:"is_front_defroster_on,omitempty"`
	IsPreconditioning                      *bool    `json:"is_preconditioning,omitempty"`
	IsRearDefrosterOn                      *bool    `json:"is_rear_defroster_on,omitempty"`
	LeftTempDirection                      *int     `json:"left_temp_direction,omitempty"`
	MaxAvailTemp                           *float64 `json:"max_avail_temp,omitempty"`
	MinAvailTemp                           *float64 `json:"min_avail_temp,omitempty"`
	OutsideTemp                            *float64 `json:"outside_temp,omitempty"`
	PassengerTempSetting                   *float64 `json:"passenger_temp_setting,omitempty"`
	RemoteHeaterControlEnabled             *bool    `json:"remote_heater_control_enabled,omitempty"`
	RightTempDirection                     *int     `json:"right_temp_direction,omitempty"`
	SeatHeaterLeft                         *int     `json:"seat_heater_left,omitempty"` // 0–3
	SeatHeaterRight                        *int     `json:"seat_heater_right,omitempty"`
	SeatHeaterRearLeft                     *int     `json:"seat_heater_rear_left,omitempty"`
	SeatHeaterRearCenter                   *int     `json:"seat_heater_rear_center,omitempty"`
	SeatHeaterRearRight                    *int     `json:"seat_heater_rear_right,omitempty"`
	SeatHeaterThirdRowLeft                 *int     `json:"seat_heater_third_row_left,omitempty"`
	SeatHeaterThirdRowRight                *int     `json:"seat_heater_third_row_right,omitempty"`
	SideMirrorHeaters                      *bool    `json:"side_mirror_heaters,omitempty"`
	SteeringWheelHeatLevel                 *int     `json:"steering_wheel_heat_level,omitempty"`
	SteeringWheelHeater                    *bool    `json:"steering_wheel_heater,omitempty"`
	SupportsFanOnlyCabinOverheatProtection *bool    `json:"supports_fan_only_cabin_overheat_protection,omitempty"`
	Timestamp                              *int64   `json:"timestamp,omitempty"`
	WiperBladeHeater                       *bool    `json:"wiper_blade_heater,omitempty"`
	Extra                                  Extra    `json:"-"`
}

func (v *ClimateState) UnmarshalJSON(b []byte) error {
	type plain ClimateState
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v ClimateState) MarshalJSON() ([]byte, error) {
	type plain ClimateState
	return encodeObject(plain(v), v.Extra)
}

// DriveState is vehicle_data's drive_state. The location fields come only
// with location_data and the vehicle_location scope. Speed in mph, distances
// in miles, power in kW (negative while charging).
type DriveState struct {
	ActiveRouteDestination         *string  `json:"active_route_destination,omitempty"`
	ActiveRouteEnergyAtArrival     *float64 `json:"active_route_energy_at_arrival,omitempty"`
	ActiveRouteLatitude            *float64 `json:"active_route_latitude,omitempty"`
	ActiveRouteLongitude           *float64 `json:"active_route_longitude,omitempty"`
	ActiveRouteMilesToArrival      *float64 `json:"active_route_miles_to_arrival,omitempty"`
	ActiveRouteMinutesToArrival    *float64 `json:"active_route_minutes_to_arrival,omitempty"`
	ActiveRouteTrafficMinutesDelay *float64 `json:"active_route_traffic_minutes_delay,omitempty"`
	GPSAsOf                        *int64   `json:"gps_as_of,omitempty"` // epoch s
	Heading                        *float64 `json:"heading,omitempty"`
	Latitude                       *float64 `json:"latitude,omitempty"`
	Longitude                      *float64 `json:"longitude,omitempty"`
	NativeLatitude                 *float64 `json:"native_latitude,omitempty"`
	NativeLocationSupported        *int     `json:"native_location_supported,omitempty"`
	NativeLongitude                *float64 `json:"native_longitude,omitempty"`
	NativeType                     *string  `json:"native_type,omitempty"`
	Power                          *float64 `json:"power,omitempty"`
	ShiftState                     *string  `json:"shift_state,omitempty"` // nil | "P" | "R" | "N" | "D"
	Speed                          *float64 `json:"speed,omitempty"`
	Timestamp                      *int64   `json:"timestamp,omitempty"`
	Extra                          Extra    `json:"-"`
}

func (v *DriveState) UnmarshalJSON(b []byte) error {
	type plain DriveState
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v DriveState) MarshalJSON() ([]byte, error) {
	type plain DriveState
	return encodeObject(plain(v), v.Extra)
}

// GUISettings is vehicle_data's gui_settings (display units only: the API's
// values are always miles and °C).
type GUISettings struct {
	GUI24HourTime        *bool   `json:"gui_24_hour_time,omitempty"`
	GUIChargeRateUnits   *string `json:"gui_charge_rate_units,omitempty"`
	GUIDistanceUnits     *string `json:"gui_distance_units,omitempty"`
	GUIRangeDisplay      *string `json:"gui_range_display,omitempty"`
	GUITemperatureUnits  *string `json:"gui_temperature_units,omitempty"`
	GUITirepressureUnits *string `json:"gui_tirepressure_units,omitempty"`
	ShowRangeUnits       *bool   `json:"show_range_units,omitempty"`
	Timestamp            *int64  `json:"timestamp,omitempty"`
	Extra                Extra   `json:"-"`
}

func (v *GUISettings) UnmarshalJSON(b []byte) error {
	type plain GUISettings
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v GUISettings) MarshalJSON() ([]byte, error) {
	type plain GUISettings
	return encodeObject(plain(v), v.Extra)
}
