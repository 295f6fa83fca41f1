package fleet

// VehicleConfig is vehicle_data's vehicle_config (mostly static).
type VehicleConfig struct {
	AuxParkLamps                *string `json:"aux_park_lamps,omitempty"`
	BadgeVersion                *int    `json:"badge_version,omitempty"`
	CanAcceptNavigationRequests *bool   `json:"can_accept_navigation_requests,omitempty"`
	CanActuateTrunks            *bool   `json:"can_actuate_trunks,omitempty"`
	CarSpecialType              *string `json:"car_special_type,omitempty"`
	CarType                     *string `json:"car_type,omitempty"` // "model3" | "modely" | "models" | "modelx" | "cybertruck"
	ChargePortType              *string `json:"charge_port_type,omitempty"`
	CopUserSetTempSupported     *bool   `json:"cop_user_set_temp_supported,omitempty"`
	DashcamClipSaveSupported    *bool   `json:"dashcam_clip_save_supported,omitempty"`
	DefaultChargeToMax          *bool   `json:"default_charge_to_max,omitempty"`
	DriverAssist                *string `json:"driver_assist,omitempty"`
	EceRestrictions             *bool   `json:"ece_restrictions,omitempty"`
	EfficiencyPackage           *string `json:"efficiency_package,omitempty"`
	EUVehicle                   *bool   `json:"eu_vehicle,omitempty"`
	ExteriorColor               *string `json:"exterior_color,omitempty"`
	ExteriorTrim                *string `json:"exterior_trim,omitempty"`
	ExteriorTrimOverride        *string `json:"exterior_trim_override,omitempty"`
	FrontDriveUnit              *string `json:"front_drive_unit,omitempty"`
	HasAirSuspension            *bool   `json:"has_air_suspension,omitempty"`
	HasLudicrousMode            *bool   `json:"has_ludicrous_mode,omitempty"`
	HasSeatCooling              *bool   `json:"has_seat_cooling,omitempty"`
	HeadlampType                *string `json:"headlamp_type,omitempty"`
	InteriorTrimType            *string `json:"interior_trim_type,omitempty"`
	KeyVersion                  *int    `json:"key_version,omitempty"`
	MotorizedChargePort         *bool   `json:"motorized_charge_port,omitempty"`
	PaintColorOverride          *string `json:"paint_color_override,omitempty"`
	PerformancePackage          *string `json:"performance_package,omitempty"`
	Plg                         *bool   `json:"plg,omitempty"`
	Pws                         *bool   `json:"pws,omitempty"`
	RearDriveUnit               *string `json:"rear_drive_unit,omitempty"`
	RearSeatHeaters             *int    `json:"rear_seat_heaters,omitempty"`
	RearSeatType                *int    `json:"rear_seat_type,omitempty"`
	Rhd                         *bool   `json:"rhd,omitempty"`
	RoofColor                   *string `json:"roof_color,omitempty"`
	SeatType                    *int    `json:"seat_type,omitempty"`
	SpoilerType                 *string `json:"spoiler_type,omitempty"`
	SunRoofInstalled            *bool   `json:"sun_roof_installed,omitempty"`
	SupportsQRPairing           *bool   `json:"supports_qr_pairing,omitempty"`
	ThirdRowSeats               *string `json:"third_row_seats,omitempty"`
	Timestamp                   *int64  `json:"timestamp,omitempty"`
	TrimBadging                 *string `json:"trim_badging,omitempty"`
	UseRangeBadging             *bool   `json:"use_range_badging,omitempty"`
	UTCOffset                   *int    `json:"utc_offset,omitempty"` // s
	WebcamSelfieSupported       *bool   `json:"webcam_selfie_supported,omitempty"`
	WebcamSupported             *bool   `json:"webcam_supported,omitempty"`
	WheelType                   *string `json:"wheel_type,omitempty"`
	Extra                       Extra   `json:"-"`
}

func (v *VehicleConfig) UnmarshalJSON(b []byte) error {
	type plain VehicleConfig
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v VehicleConfig) MarshalJSON() ([]byte, error) {
	type plain VehicleConfig
	return encodeObject(plain(v), v.Extra)
}
