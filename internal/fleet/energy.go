package fleet

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// LiveStatus is GET /api/1/energy_sites/{id}/live_status (W, Wh).
// battery_power < 0 is charging, grid_power < 0 is export.
type LiveStatus struct {
	SolarPower         *float64             `json:"solar_power,omitempty"`
	EnergyLeft         *float64             `json:"energy_left,omitempty"`
	TotalPackEnergy    *float64             `json:"total_pack_energy,omitempty"`
	PercentageCharged  *float64             `json:"percentage_charged,omitempty"`
	BackupCapable      *bool                `json:"backup_capable,omitempty"`
	BatteryPower       *float64             `json:"battery_power,omitempty"`
	LoadPower          *float64             `json:"load_power,omitempty"`
	GridStatus         *string              `json:"grid_status,omitempty"`
	GridServicesActive *bool                `json:"grid_services_active,omitempty"`
	GridPower          *float64             `json:"grid_power,omitempty"`
	GridServicesPower  *float64             `json:"grid_services_power,omitempty"`
	GeneratorPower     *float64             `json:"generator_power,omitempty"`
	IslandStatus       *string              `json:"island_status,omitempty"` // "on_grid" | "off_grid" | …
	StormModeActive    *bool                `json:"storm_mode_active,omitempty"`
	Timestamp          *string              `json:"timestamp,omitempty"` // RFC 3339
	WallConnectors     []*LiveWallConnector `json:"wall_connectors,omitempty"`
	Extra              Extra                `json:"-"`
}

func (v *LiveStatus) UnmarshalJSON(b []byte) error {
	type plain LiveStatus
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v LiveStatus) MarshalJSON() ([]byte, error) {
	type plain LiveStatus
	return encodeObject(plain(v), v.Extra)
}

// LiveWallConnector is a live_status Wall Connector.
type LiveWallConnector struct {
	DIN                     *string  `json:"din,omitempty"`
	VIN                     *string  `json:"vin,omitempty"` // the car plugged in
	WallConnectorState      *int     `json:"wall_connector_state,omitempty"`
	WallConnectorFaultState *int     `json:"wall_connector_fault_state,omitempty"`
	WallConnectorPower      *float64 `json:"wall_connector_power,omitempty"` // W
	Extra                   Extra    `json:"-"`
}

func (v *LiveWallConnector) UnmarshalJSON(b []byte) error {
	type plain LiveWallConnector
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v LiveWallConnector) MarshalJSON() ([]byte, error) {
	type plain LiveWallConnector
	return encodeObject(plain(v), v.Extra)
}

// CalendarHistory is GET /api/1/energy_sites/{id}/calendar_history: energy
// totals per interval (kind=energy, Wh) or off-grid events (kind=backup).
type CalendarHistory struct {
	Period               *string           `json:"period,omitempty"`
	InstallationTimeZone *string           `json:"installation_time_zone,omitempty"`
	TimeSeries           []*EnergyInterval `json:"time_series,omitempty"`
	Events               []*BackupEvent    `json:"events,omitempty"`
	TotalEvents          *int              `json:"total_events,omitempty"`
	Extra                Extra             `json:"-"`
}

func (v *CalendarHistory) UnmarshalJSON(b []byte) error {
	type plain CalendarHistory
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v CalendarHistory) MarshalJSON() ([]byte, error) {
	type plain CalendarHistory
	return encodeObject(plain(v), v.Extra)
}

// EnergyInterval is one calendar_history (kind=energy) sample, in Wh. Absent
// fields count as zero (Home Assistant's rule).
type EnergyInterval struct {
	Timestamp                          *string  `json:"timestamp,omitempty"`
	SolarEnergyExported                *float64 `json:"solar_energy_exported,omitempty"`
	GeneratorEnergyExported            *float64 `json:"generator_energy_exported,omitempty"`
	GridEnergyImported                 *float64 `json:"grid_energy_imported,omitempty"`
	GridServicesEnergyImported         *float64 `json:"grid_services_energy_imported,omitempty"`
	GridServicesEnergyExported         *float64 `json:"grid_services_energy_exported,omitempty"`
	GridEnergyExportedFromSolar        *float64 `json:"grid_energy_exported_from_solar,omitempty"`
	GridEnergyExportedFromGenerator    *float64 `json:"grid_energy_exported_from_generator,omitempty"`
	GridEnergyExportedFromBattery      *float64 `json:"grid_energy_exported_from_battery,omitempty"`
	BatteryEnergyExported              *float64 `json:"battery_energy_exported,omitempty"`
	BatteryEnergyImportedFromGrid      *float64 `json:"battery_energy_imported_from_grid,omitempty"`
	BatteryEnergyImportedFromSolar     *float64 `json:"battery_energy_imported_from_solar,omitempty"`
	BatteryEnergyImportedFromGenerator *float64 `json:"battery_energy_imported_from_generator,omitempty"`
	ConsumerEnergyImportedFromGrid     *float64 `json:"consumer_energy_imported_from_grid,omitempty"`
	ConsumerEnergyImportedFromSolar    *float64 `json:"consumer_energy_imported_from_solar,omitempty"`
	ConsumerEnergyImportedFromBattery  *float64 `json:"consumer_energy_imported_from_battery,omitempty"`
	ConsumerEnergyImportedFromGen      *float64 `json:"consumer_energy_imported_from_generator,omitempty"`
	TotalHomeUsage                     *float64 `json:"total_home_usage,omitempty"`
	TotalBatteryCharge                 *float64 `json:"total_battery_charge,omitempty"`
	TotalBatteryDischarge              *float64 `json:"total_battery_discharge,omitempty"`
	TotalSolarGeneration               *float64 `json:"total_solar_generation,omitempty"`
	TotalGridEnergyExported            *float64 `json:"total_grid_energy_exported,omitempty"`
	Extra                              Extra    `json:"-"`
}

func (v *EnergyInterval) UnmarshalJSON(b []byte) error {
	type plain EnergyInterval
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v EnergyInterval) MarshalJSON() ([]byte, error) {
	type plain EnergyInterval
	return encodeObject(plain(v), v.Extra)
}

// BackupEvent is one calendar_history (kind=backup) off-grid event.
type BackupEvent struct {
	Timestamp *string `json:"timestamp,omitempty"`
	Duration  *int64  `json:"duration,omitempty"` // as Tesla sends it (ms in captures)
	Extra     Extra   `json:"-"`
}

func (v *BackupEvent) UnmarshalJSON(b []byte) error {
	type plain BackupEvent
	return decodeObject(b, (*plain)(v), &v.Extra)
}
func (v BackupEvent) MarshalJSON() ([]byte, error) {
	type plain BackupEvent
	return encodeObject(plain(v), v.Extra)
}

// HistoryQuery is calendar_history's query. Zero fields are not sent.
type HistoryQuery struct {
	Kind      string // "energy" (default) | "backup"
	Period    string // "day" | "week" | "month" | "year" | "lifetime"
	StartDate time.Time
	EndDate   time.Time
	TimeZone  string // IANA name
}

func siteDevice(id int64) string { return strconv.FormatInt(id, 10) }

func sitePath(id int64, what string) string {
	return "/api/1/energy_sites/" + siteDevice(id) + "/" + what
}

func checkSite(what string, id int64) error {
	if id <= 0 {
		return &ValidationError{Command: what, Field: "energy_site_id", Reason: "must be positive"}
	}
	return nil
}

// SiteInfo is GET /api/1/energy_sites/{id}/site_info (free).
func (c *Client) SiteInfo(ctx context.Context, siteID int64) (*SiteInfo, error) {
	if err := checkSite("site_info", siteID); err != nil {
		return nil, err
	}
	return doJSON[SiteInfo](ctx, c, call{method: http.MethodGet, path: sitePath(siteID, "site_info"), endpoint: "site_info", device: siteDevice(siteID)})
}

// LiveStatus is GET /api/1/energy_sites/{id}/live_status (free).
func (c *Client) LiveStatus(ctx context.Context, siteID int64) (*LiveStatus, error) {
	if err := checkSite("live_status", siteID); err != nil {
		return nil, err
	}
	return doJSON[LiveStatus](ctx, c, call{method: http.MethodGet, path: sitePath(siteID, "live_status"), endpoint: "live_status", device: siteDevice(siteID)})
}

// CalendarHistory is GET /api/1/energy_sites/{id}/calendar_history (free).
func (c *Client) CalendarHistory(ctx context.Context, siteID int64, q HistoryQuery) (*CalendarHistory, error) {
	if err := checkSite("calendar_history", siteID); err != nil {
		return nil, err
	}
	v := url.Values{}
	switch q.Kind {
	case "", "energy", "backup":
		v.Set("kind", q.Kind)
		if q.Kind == "" {
			v.Set("kind", "energy")
		}
	default:
		return nil, &ValidationError{Command: "calendar_history", Field: "kind", Reason: "must be energy or backup"}
	}
	switch q.Period {
	case "":
	case "day", "week", "month", "year", "lifetime":
		v.Set("period", q.Period)
	default:
		return nil, &ValidationError{Command: "calendar_history", Field: "period", Reason: "must be day, week, month, year or lifetime"}
	}
	if !q.StartDate.IsZero() {
		v.Set("start_date", q.StartDate.Format(time.RFC3339))
	}
	if !q.EndDate.IsZero() {
		v.Set("end_date", q.EndDate.Format(time.RFC3339))
	}
	if q.TimeZone != "" {
		v.Set("time_zone", q.TimeZone)
	}
	return doJSON[CalendarHistory](ctx, c, call{method: http.MethodGet, path: sitePath(siteID, "calendar_history"), query: v, endpoint: "calendar_history", device: siteDevice(siteID)})
}

// EnergyHistoryFields are the calendar_history (kind=energy) fields of a
// time series row that Home Assistant's history coordinator sums, in its
// order (ENERGY_HISTORY_FIELDS, which is also the order of its entities).
var EnergyHistoryFields = []string{
	"solar_energy_exported", "generator_energy_exported", "grid_energy_imported",
	"grid_services_energy_imported", "grid_services_energy_exported",
	"grid_energy_exported_from_solar", "grid_energy_exported_from_generator", "grid_energy_exported_from_battery",
	"battery_energy_exported", "battery_energy_imported_from_grid", "battery_energy_imported_from_solar",
	"battery_energy_imported_from_generator", "consumer_energy_imported_from_grid",
	"consumer_energy_imported_from_solar", "consumer_energy_imported_from_battery",
	"consumer_energy_imported_from_generator", "total_home_usage", "total_battery_charge",
	"total_battery_discharge", "total_solar_generation", "total_grid_energy_exported",
}
