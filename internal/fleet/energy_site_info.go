package fleet

// SiteInfo is GET /api/1/energy_sites/{id}/site_info (power in W, energy in
// Wh).
type SiteInfo struct {
	ID                                   *string         `json:"id,omitempty"`
	SiteName                             *string         `json:"site_name,omitempty"`
	BackupReservePercent                 *float64        `json:"backup_reserve_percent,omitempty"`
	DefaultRealMode                      *string         `json:"default_real_mode,omitempty"` // "autonomous" | "self_consumption" | "backup"
	InstallationDate                     *string         `json:"installation_date,omitempty"`
	InstallationTimeZone                 *string         `json:"installation_time_zone,omitempty"`
	Version                              *string         `json:"version,omitempty"`
	BatteryCount                         *int            `json:"battery_count,omitempty"`
	NameplatePower                       *float64        `json:"nameplate_power,omitempty"`
	NameplateEnergy                      *float64        `json:"nameplate_energy,omitempty"`
	MaxSiteMeterPowerAC                  *float64        `json:"max_site_meter_power_ac,omitempty"`
	MinSiteMeterPowerAC                  *float64        `json:"min_site_meter_power_ac,omitempty"`
	VppBackupReservePercent              *float64        `json:"vpp_backup_reserve_percent,omitempty"`
	OffGridVehicleChargingReservePercent *float64        `json:"off_grid_vehicle_charging_reserve_percent,omitempty"`
	UserSettings                         *UserSettings   `json:"user_settings,omitempty"`
	Components                           *SiteComponents `json:"components,omitempty"`
	TOUSettings                          *TOUSettings    `json:"tou_settings,omitempty"`
	Extra                                Extra           `json:"-"`
}

func (v *SiteInfo) UnmarshalJSON(b []byte) error {
	type plain SiteInfo
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v SiteInfo) MarshalJSON() ([]byte, error) {
	type plain SiteInfo
	return encodeObject(plain(v), v.Extra)
}

// UserSettings is site_info's user_settings.
type UserSettings struct {
	GoOffGridTestBannerEnabled         *bool `json:"go_off_grid_test_banner_enabled,omitempty"`
	StormModeEnabled                   *bool `json:"storm_mode_enabled,omitempty"`
	PowerwallOnboardingSettingsSet     *bool `json:"powerwall_onboarding_settings_set,omitempty"`
	PowerwallTeslaElectricInterestedIn *bool `json:"powerwall_tesla_electric_interested_in,omitempty"`
	VppTourEnabled                     *bool `json:"vpp_tour_enabled,omitempty"`
	SyncGridAlertEnabled               *bool `json:"sync_grid_alert_enabled,omitempty"`
	BreakerAlertEnabled                *bool `json:"breaker_alert_enabled,omitempty"`
	Extra                              Extra `json:"-"`
}

func (v *UserSettings) UnmarshalJSON(b []byte) error {
	type plain UserSettings
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v UserSettings) MarshalJSON() ([]byte, error) {
	type plain UserSettings
	return encodeObject(plain(v), v.Extra)
}

// SiteComponents is site_info's components.
type SiteComponents struct {
	Solar                                    *bool                  `json:"solar,omitempty"`
	SolarType                                *string                `json:"solar_type,omitempty"`
	Battery                                  *bool                  `json:"battery,omitempty"`
	Grid                                     *bool                  `json:"grid,omitempty"`
	Backup                                   *bool                  `json:"backup,omitempty"`
	Gateway                                  *string                `json:"gateway,omitempty"`
	LoadMeter                                *bool                  `json:"load_meter,omitempty"`
	TOUCapable                               *bool                  `json:"tou_capable,omitempty"`
	StormModeCapable                         *bool                  `json:"storm_mode_capable,omitempty"`
	FlexEnergyRequestCapable                 *bool                  `json:"flex_energy_request_capable,omitempty"`
	CarChargingDataSupported                 *bool                  `json:"car_charging_data_supported,omitempty"`
	OffGridVehicleChargingReserveSupported   *bool                  `json:"off_grid_vehicle_charging_reserve_supported,omitempty"`
	VehicleChargingPerformanceViewEnabled    *bool                  `json:"vehicle_charging_performance_view_enabled,omitempty"`
	VehicleChargingSolarOffsetViewEnabled    *bool                  `json:"vehicle_charging_solar_offset_view_enabled,omitempty"`
	BatterySolarOffsetViewEnabled            *bool                  `json:"battery_solar_offset_view_enabled,omitempty"`
	SolarValueEnabled                        *bool                  `json:"solar_value_enabled,omitempty"`
	EnergyValueHeader                        *string                `json:"energy_value_header,omitempty"`
	EnergyValueSubheader                     *string                `json:"energy_value_subheader,omitempty"`
	EnergyServiceSelfSchedulingEnabled       *bool                  `json:"energy_service_self_scheduling_enabled,omitempty"`
	ShowGridImportBatterySourceCards         *bool                  `json:"show_grid_import_battery_source_cards,omitempty"`
	SetIslandingModeEnabled                  *bool                  `json:"set_islanding_mode_enabled,omitempty"`
	WifiCommissioningEnabled                 *bool                  `json:"wifi_commissioning_enabled,omitempty"`
	BackupTimeRemainingEnabled               *bool                  `json:"backup_time_remaining_enabled,omitempty"`
	BatteryType                              *string                `json:"battery_type,omitempty"`
	Configurable                             *bool                  `json:"configurable,omitempty"`
	GridServicesEnabled                      *bool                  `json:"grid_services_enabled,omitempty"`
	Gateways                                 []*Gateway             `json:"gateways,omitempty"`
	Batteries                                []*Battery             `json:"batteries,omitempty"`
	WallConnectors                           []*WallConnectorDevice `json:"wall_connectors,omitempty"`
	DisallowChargeFromGridWithSolarInstalled *bool                  `json:"disallow_charge_from_grid_with_solar_installed,omitempty"`
	CustomerPreferredExportRule              *string                `json:"customer_preferred_export_rule,omitempty"` // "never" | "battery_ok" | "pv_only"
	NetMeterMode                             *string                `json:"net_meter_mode,omitempty"`
	SystemAlertsEnabled                      *bool                  `json:"system_alerts_enabled,omitempty"`
	Extra                                    Extra                  `json:"-"`
}

func (v *SiteComponents) UnmarshalJSON(b []byte) error {
	type plain SiteComponents
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v SiteComponents) MarshalJSON() ([]byte, error) {
	type plain SiteComponents
	return encodeObject(plain(v), v.Extra)
}

// Gateway is a site_info gateway.
type Gateway struct {
	DeviceID        *string `json:"device_id,omitempty"`
	DIN             *string `json:"din,omitempty"`
	SerialNumber    *string `json:"serial_number,omitempty"`
	PartNumber      *string `json:"part_number,omitempty"`
	PartType        *int    `json:"part_type,omitempty"`
	PartName        *string `json:"part_name,omitempty"`
	IsActive        *bool   `json:"is_active,omitempty"`
	SiteID          *string `json:"site_id,omitempty"`
	FirmwareVersion *string `json:"firmware_version,omitempty"`
	UpdatedDatetime *string `json:"updated_datetime,omitempty"`
	Extra           Extra   `json:"-"`
}

func (v *Gateway) UnmarshalJSON(b []byte) error {
	type plain Gateway
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v Gateway) MarshalJSON() ([]byte, error) {
	type plain Gateway
	return encodeObject(plain(v), v.Extra)
}

// Battery is a site_info battery (W, Wh).
type Battery struct {
	DeviceID                   *string  `json:"device_id,omitempty"`
	DIN                        *string  `json:"din,omitempty"`
	SerialNumber               *string  `json:"serial_number,omitempty"`
	PartNumber                 *string  `json:"part_number,omitempty"`
	PartType                   *int     `json:"part_type,omitempty"`
	PartName                   *string  `json:"part_name,omitempty"`
	NameplateMaxChargePower    *float64 `json:"nameplate_max_charge_power,omitempty"`
	NameplateMaxDischargePower *float64 `json:"nameplate_max_discharge_power,omitempty"`
	NameplateEnergy            *float64 `json:"nameplate_energy,omitempty"`
	Extra                      Extra    `json:"-"`
}

func (v *Battery) UnmarshalJSON(b []byte) error {
	type plain Battery
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v Battery) MarshalJSON() ([]byte, error) {
	type plain Battery
	return encodeObject(plain(v), v.Extra)
}

// TOUSettings is site_info's tou_settings.
type TOUSettings struct {
	OptimizationStrategy *string      `json:"optimization_strategy,omitempty"`
	Schedule             []*TOUPeriod `json:"schedule,omitempty"`
	Extra                Extra        `json:"-"`
}

func (v *TOUSettings) UnmarshalJSON(b []byte) error {
	type plain TOUSettings
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v TOUSettings) MarshalJSON() ([]byte, error) {
	type plain TOUSettings
	return encodeObject(plain(v), v.Extra)
}

// TOUPeriod is one tou_settings schedule entry.
type TOUPeriod struct {
	Target       *string `json:"target,omitempty"`
	WeekDays     []int   `json:"week_days,omitempty"`
	StartSeconds *int    `json:"start_seconds,omitempty"`
	EndSeconds   *int    `json:"end_seconds,omitempty"`
	Extra        Extra   `json:"-"`
}

func (v *TOUPeriod) UnmarshalJSON(b []byte) error {
	type plain TOUPeriod
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v TOUPeriod) MarshalJSON() ([]byte, error) {
	type plain TOUPeriod
	return encodeObject(plain(v), v.Extra)
}
